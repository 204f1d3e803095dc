// Object versioning for both front ends: the state flag on a container, keeping the current object as
// a version before it is overwritten or deleted, delete markers, and reading, deleting and restoring
// versions. The current object stays an ordinary row in its container (so plain GETs and listings are
// untouched) and carries its version id in a persisted header; older versions and delete markers are
// rows of the hidden version store sharing the object's blob (a copy is O(1)).
import { errors } from '../../common/errors/codes.js';
import { emptyMetadata, type StoredMetadata, type StoredObject } from '../model.js';
import type { ObjectService } from '../object-service.js';
import {
  currentEntry,
  listVersions,
  versionIdOf,
  type ListVersionsOptions,
  type ObjectVersion,
  type VersionListing,
} from './version-listing.js';
import {
  DELETE_MARKER_CONTENT_TYPE,
  NULL_VERSION_ID,
  VERSION_ID_HEADER,
  versionKey,
  versionKeyPrefix,
  versionsAccount,
} from './version-names.js';

/** 'unversioned': never enabled; 'suspended': enabled once, now off (old versions stay readable). */
export type VersioningState = 'unversioned' | 'enabled' | 'suspended';

/** Container header holding the state, as Swift shows it: "True" or "False". */
export const VERSIONS_ENABLED_HEADER = 'x-versions-enabled';

export function versioningStateOf(containerMetadata: StoredMetadata): VersioningState {
  const flag = containerMetadata.headers[VERSIONS_ENABLED_HEADER];
  if (flag === undefined) return 'unversioned';
  return flag.toLowerCase() === 'true' ? 'enabled' : 'suspended';
}

export interface WritePreparation {
  /** Headers to persist on the new object: its version id, or null to drop a copied one. */
  headers: Record<string, string | null>;
  /** The new object's version id when versioning is enabled. */
  versionId?: string | undefined;
}

function withVersionId(metadata: StoredMetadata, versionId: string): StoredMetadata {
  return { meta: metadata.meta, headers: { ...metadata.headers, [VERSION_ID_HEADER]: versionId } };
}

async function* emptyBody(): AsyncGenerator<Buffer> {}

/** One front-end-independent view of versioning over the object service. */
export class VersionStore {
  constructor(private readonly objects: ObjectService) {}

  private async ensureStore(projectId: string, container: string): Promise<void> {
    const store = versionsAccount(projectId);
    if (!(await this.objects.getContainer(store, container)))
      await this.objects.putContainer(store, container, emptyMetadata());
  }

  /** Copies the current object into the version store; a null version gets its timestamp as id. */
  private async archive(current: StoredObject): Promise<string> {
    const versionId = current.metadata.headers[VERSION_ID_HEADER] ?? current.timestamp;
    await this.ensureStore(current.projectId, current.container);
    await this.objects.copyObject(current, {
      projectId: versionsAccount(current.projectId),
      container: current.container,
      name: versionKey(current.name, versionId),
      metadata: withVersionId(current.metadata, versionId),
      contentType: current.contentType,
      deleteAt: current.deleteAt,
    });
    return versionId;
  }

  /** Keeps the current object when it must survive: always when enabled, else only a real version. */
  private async keepCurrent(projectId: string, container: string, name: string, state: VersioningState) {
    if (state === 'unversioned') return;
    const current = await this.objects.findObject(projectId, container, name);
    if (current && (state === 'enabled' || versionIdOf(current) !== NULL_VERSION_ID))
      await this.archive(current);
  }

  private async newestArchived(projectId: string, container: string, name: string) {
    const store = versionsAccount(projectId);
    if (!(await this.objects.getContainer(store, container))) return undefined;
    const [first] = await this.objects.listObjects(store, container, {
      prefix: versionKeyPrefix(name),
      limit: 1,
    });
    return first?.kind === 'item' ? first.item : undefined;
  }

  /** Makes an archived version current again (it leaves the store: the current object is never twice). */
  private async promote(row: StoredObject, projectId: string, container: string, name: string) {
    const versionId = row.metadata.headers[VERSION_ID_HEADER] ?? row.timestamp;
    await this.objects.copyObject(row, {
      projectId,
      container,
      name,
      metadata: withVersionId(row.metadata, versionId),
      contentType: row.contentType,
      deleteAt: row.deleteAt,
    });
    // The row lives on as the current object, so its Object Lock still holds.
    await this.objects.deleteObject(row.projectId, row.container, row.name, { keepsVersion: true });
  }

  /** Sets the container's flag (S3 PutBucketVersioning; Swift sets it through X-Versions-Enabled). */
  async setState(projectId: string, container: string, enabled: boolean): Promise<void> {
    const c = await this.objects.requireContainer(projectId, container);
    const headers = { ...c.metadata.headers, [VERSIONS_ENABLED_HEADER]: enabled ? 'True' : 'False' };
    await this.objects.setContainerMetadata(projectId, container, { meta: c.metadata.meta, headers });
  }

  /**
   * Before writing `name`: keeps the object being replaced as a version and returns the headers the
   * new object must carry. Every writer into a container must apply them, since copies carry headers.
   */
  async prepareWrite(
    projectId: string,
    container: string,
    name: string,
    state: VersioningState,
  ): Promise<WritePreparation> {
    await this.keepCurrent(projectId, container, name, state);
    if (state !== 'enabled') return { headers: { [VERSION_ID_HEADER]: null } };
    const versionId = this.objects.timestamps.next();
    return { headers: { [VERSION_ID_HEADER]: versionId }, versionId };
  }

  /**
   * Before deleting the current object of `name`: keeps it as a version and, when enabled, writes a
   * delete marker; returns the marker's version id. The caller then deletes the current object.
   */
  async prepareDelete(
    projectId: string,
    container: string,
    name: string,
    state: VersioningState,
  ): Promise<string | undefined> {
    await this.keepCurrent(projectId, container, name, state);
    if (state !== 'enabled') return undefined;
    const versionId = this.objects.timestamps.next();
    await this.ensureStore(projectId, container);
    await this.objects.putObject({
      projectId: versionsAccount(projectId),
      container,
      name: versionKey(name, versionId),
      body: emptyBody(),
      contentLength: 0,
      contentType: DELETE_MARKER_CONTENT_TYPE,
      metadata: { meta: {}, headers: { [VERSION_ID_HEADER]: versionId } },
      deleteAt: null,
    });
    return versionId;
  }

  async listVersions(projectId: string, container: string, o: ListVersionsOptions): Promise<VersionListing> {
    return listVersions(this.objects, projectId, container, o);
  }

  /** One version (a delete marker included), or undefined. `versionId` must be normalised. */
  async getVersion(
    projectId: string,
    container: string,
    name: string,
    versionId: string,
  ): Promise<ObjectVersion | undefined> {
    const current = await this.objects.findObject(projectId, container, name);
    if (current && versionIdOf(current) === versionId) return currentEntry(current);
    if (versionId === NULL_VERSION_ID) return undefined;
    const store = versionsAccount(projectId);
    const row = await this.objects.findObject(store, container, versionKey(name, versionId));
    if (!row) return undefined;
    const newest = current ? undefined : await this.newestArchived(projectId, container, name);
    const isDeleteMarker = row.contentType === DELETE_MARKER_CONTENT_TYPE;
    return { name, versionId, isLatest: newest?.name === row.name, isDeleteMarker, object: row };
  }

  /**
   * Deletes one version for good; 404 if it does not exist. With `promotePrevious` (S3), deleting the
   * latest version makes the next newest current again unless that is a delete marker; Swift does not.
   * Returns the version deleted and the id of the current object afterwards.
   */
  async deleteVersion(
    projectId: string,
    container: string,
    name: string,
    versionId: string,
    options: { promotePrevious: boolean; bypassGovernance?: boolean | undefined },
  ): Promise<{ deleted: ObjectVersion; currentVersionId: string }> {
    const target = await this.getVersion(projectId, container, name, versionId);
    if (!target) throw errors.notFound('object', name);
    const { object } = target;
    await this.objects.deleteObject(object.projectId, object.container, object.name, {
      bypassGovernance: options.bypassGovernance,
    });
    if (options.promotePrevious && target.isLatest) {
      const next = await this.newestArchived(projectId, container, name);
      if (next && next.contentType !== DELETE_MARKER_CONTENT_TYPE)
        await this.promote(next, projectId, container, name);
    }
    const now = await this.objects.findObject(projectId, container, name);
    return { deleted: target, currentVersionId: now ? versionIdOf(now) : NULL_VERSION_ID };
  }

  /** Makes an older version the current object (Swift PUT ?version-id); 404 if it does not exist. */
  async restoreVersion(projectId: string, container: string, name: string, versionId: string): Promise<void> {
    const target = await this.getVersion(projectId, container, name, versionId);
    if (!target || target.isDeleteMarker) throw errors.notFound('object', name);
    if (target.object.projectId === projectId) return;
    const current = await this.objects.findObject(projectId, container, name);
    if (current && versionIdOf(current) !== NULL_VERSION_ID) await this.archive(current);
    await this.promote(target.object, projectId, container, name);
  }

  /** Whether any older version or delete marker of the container's objects is kept. */
  async hasVersions(projectId: string, container: string): Promise<boolean> {
    const store = await this.objects.getContainer(versionsAccount(projectId), container);
    return (store?.objectCount ?? 0) > 0;
  }

  /** Removes the container's (empty) version store, when the container itself goes. */
  async dropStore(projectId: string, container: string): Promise<void> {
    if (await this.objects.getContainer(versionsAccount(projectId), container))
      await this.objects.deleteContainer(versionsAccount(projectId), container);
  }
}

export function createVersionStore(objects: ObjectService): VersionStore {
  return new VersionStore(objects);
}
