// The object service both front ends (Swift and S3) call: accounts, containers and objects with
// durable writes. A PUT streams into a new blob (fsynced and renamed), then commits the row in one
// transaction that also moves the counters; the replaced blob is queued as garbage in the same
// transaction and unlinked after the commit. A crash leaves the old object or the new one, never a mix.
import type { Readable } from 'node:stream';
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { BlobStore } from './blob/blob-store.js';
import { listWithDelimiter } from './listing.js';
import {
  emptyMetadata,
  type Container,
  type Listed,
  type ListOptions,
  type StoredMetadata,
  type StoredObject,
} from './model.js';
import type { ObjectStoreStore } from './object-store-store.js';
import { createTimestamps } from './timestamps.js';
import { createContainerOperations } from './container-operations.js';
import { sameCustomerKey } from './customer-key.js';
import { assertRemovable } from './object-lock.js';
import { VERSIONS_ENABLED_HEADER } from './versioning/version-store.js';

export interface ObjectServiceDeps {
  store: ObjectStoreStore;
  transaction<T>(fn: (store: ObjectStoreStore) => Promise<T>): Promise<T>;
  blobs: BlobStore;
  clock: Clock;
  maxObjectBytes: number;
}

export interface PutObjectInput {
  projectId: string;
  container: string;
  name: string;
  body: AsyncIterable<Buffer | Uint8Array | string>;
  contentLength?: number | undefined;
  contentType: string;
  metadata: StoredMetadata;
  deleteAt: number | null;
  /** Etag header sent by the client: a mismatch is 422 and nothing is stored. */
  expectedEtag?: string | undefined;
  /** If-None-Match: * — fail with 412 if the object exists. */
  mustNotExist?: boolean | undefined;
  onChunk?: ((chunk: Buffer) => void) | undefined;
  /** Checks run after the bytes are durable and before the row is committed (S3 trailer checksums). */
  beforeCommit?: ((written: { sizeBytes: number; md5Hex: string }) => void) | undefined;
  /** Overrides the etag stored (SLO manifests, S3 multipart). */
  etagOverride?: string | undefined;
  /** SSE-C: the customer's key wraps the blob's data key (the caller records it in sysmeta). */
  customerKey?: Buffer | undefined;
}

/** How a delete treats Object Lock (src/object-store/object-lock.ts). */
export interface DeleteOptions {
  /** The caller archived this row as a version first (S3 delete marker, version promotion). */
  keepsVersion?: boolean | undefined;
  /** S3's x-amz-bypass-governance-retention, from a caller allowed s3:BypassGovernanceRetention. */
  bypassGovernance?: boolean | undefined;
}

export function createObjectService(deps: ObjectServiceDeps) {
  const { store, blobs, clock } = deps;
  const timestamps = createTimestamps(clock);

  async function requireContainer(projectId: string, name: string): Promise<Container> {
    const c = await store.getContainer(projectId, name);
    if (!c) throw errors.notFound('container', name);
    return c;
  }

  /** Unlinks queued blobs that no row references any more. Safe to call any time, bounded per call. */
  async function collectGarbage(limit = 1000): Promise<number> {
    let removed = 0;
    for (const blobId of await store.garbage(limit)) {
      if ((await store.countBlobReferences(blobId)) === 0) {
        await blobs.remove(blobId);
        removed += 1;
      }
      await store.forgetGarbage(blobId);
    }
    return removed;
  }

  function isExpired(o: StoredObject): boolean {
    return o.deleteAt !== null && o.deleteAt * 1000 <= clock.now().getTime();
  }

  /** Commits a row for a durable blob: newest timestamp wins; returns whether this write took effect. */
  async function commitObject(next: StoredObject, mustNotExist: boolean): Promise<boolean> {
    const applied = await deps.transaction(async (tx) => {
      if (!(await tx.lockContainer(next.projectId, next.container)))
        throw errors.notFound('container', next.container);
      const old = await tx.getObject(next.projectId, next.container, next.name);
      if (old && mustNotExist && !isExpired(old)) throw errors.preconditionFailed();
      if (old && old.timestamp >= next.timestamp) return false;
      if (old) {
        // A locked row is replaced only where versioning is on: every writer there archived it first.
        const container = await tx.getContainer(next.projectId, next.container);
        if (container?.metadata.headers[VERSIONS_ENABLED_HEADER] !== 'True')
          assertRemovable(old, clock.now());
        await tx.replaceObjectRow(next);
        await tx.addUsage(next.projectId, next.container, 0, next.sizeBytes - old.sizeBytes);
        if (old.blobId && old.blobId !== next.blobId)
          await tx.queueGarbage(old.blobId, clock.now().toISOString());
      } else {
        await tx.insertObjectRow(next);
        await tx.addUsage(next.projectId, next.container, 1, next.sizeBytes);
      }
      return true;
    });
    await collectGarbage(16);
    return applied;
  }

  const containers = createContainerOperations({ ...deps, timestamps, requireContainer });

  return {
    timestamps,
    collectGarbage,
    isExpired,

    ...containers,
    requireContainer,
    async listObjects(
      projectId: string,
      container: string,
      o: ListOptions,
    ): Promise<Array<Listed<StoredObject>>> {
      await requireContainer(projectId, container);
      const now = clock.now().getTime();
      const live = async (opts: ListOptions) =>
        (await store.listObjects(projectId, container, opts)).filter(
          (x) => x.deleteAt === null || x.deleteAt * 1000 > now,
        );
      return listWithDelimiter(live, o);
    },
    /** The live object, or undefined (missing or expired). */
    async findObject(projectId: string, container: string, name: string): Promise<StoredObject | undefined> {
      const o = await store.getObject(projectId, container, name);
      return o && !isExpired(o) ? o : undefined;
    },
    async requireObject(projectId: string, container: string, name: string): Promise<StoredObject> {
      const o = await this.findObject(projectId, container, name);
      if (!o) throw errors.notFound('object', name);
      return o;
    },
    /** The object's bytes; an SSE-C object needs its `customerKey` (403 without it). */
    async openObject(
      o: StoredObject,
      range?: { start: number; end: number },
      customerKey?: Buffer,
    ): Promise<Readable> {
      if (!o.blobId) throw errors.internal(new Error(`object ${o.name} has no blob`));
      return blobs.read(o.blobId, range, { customerKey });
    },

    async putObject(input: PutObjectInput): Promise<{ object: StoredObject; applied: boolean }> {
      await requireContainer(input.projectId, input.container);
      if (input.mustNotExist && (await this.findObject(input.projectId, input.container, input.name))) {
        throw errors.preconditionFailed();
      }
      const timestamp = timestamps.next();
      const written = await blobs.write(input.body, {
        projectId: input.projectId,
        maxBytes: deps.maxObjectBytes,
        expectedBytes: input.contentLength,
        onChunk: input.onChunk,
        customerKey: input.customerKey,
      });
      try {
        if (
          input.expectedEtag !== undefined &&
          input.expectedEtag.replaceAll('"', '').toLowerCase() !== written.md5Hex
        ) {
          throw errors.unprocessable('The ETag you sent does not match the MD5 of the data received.');
        }
        input.beforeCommit?.(written);
        const object: StoredObject = {
          projectId: input.projectId,
          container: input.container,
          name: input.name,
          timestamp,
          sizeBytes: written.sizeBytes,
          etag: input.etagOverride ?? written.md5Hex,
          contentType: input.contentType,
          lastModified: clock.now().toISOString(),
          metadata: input.metadata,
          blobId: written.blobId,
          deleteAt: input.deleteAt,
        };
        const applied = await commitObject(object, input.mustNotExist ?? false);
        if (!applied) await blobs.remove(written.blobId);
        return { object, applied };
      } catch (err) {
        await blobs.remove(written.blobId);
        throw err;
      }
    },

    /** Server-side copy: the new row shares the source's blob (blobs are immutable). */
    async copyObject(
      source: StoredObject,
      target: {
        projectId: string;
        container: string;
        name: string;
        metadata: StoredMetadata;
        contentType: string;
        deleteAt: number | null;
      },
    ) {
      // A shared SSE-C blob opens only with the source's key: a copy that loses it could never be read.
      if (!sameCustomerKey(source, target.metadata)) {
        throw errors.forbidden('An object stored with a customer-provided key is copied only with that key.');
      }
      const object: StoredObject = {
        ...source,
        ...target,
        timestamp: timestamps.next(),
        lastModified: clock.now().toISOString(),
      };
      const applied = await commitObject(object, false);
      return { object, applied };
    },

    async updateObjectMetadata(
      o: StoredObject,
      metadata: StoredMetadata,
      contentType: string,
      deleteAt: number | null,
    ) {
      const next = { ...o, metadata, contentType, deleteAt, timestamp: timestamps.next() };
      await store.setObjectMetadata(next);
      return next;
    },

    /** Deletes one row; a version under Object Lock is refused (403) unless `options` allow it. */
    async deleteObject(
      projectId: string,
      container: string,
      name: string,
      options: DeleteOptions = {},
    ): Promise<StoredObject> {
      const removed = await deps.transaction(async (tx) => {
        if (!(await tx.lockContainer(projectId, container))) throw errors.notFound('container', container);
        const old = await tx.getObject(projectId, container, name);
        if (!old) throw errors.notFound('object', name);
        if (!options.keepsVersion) assertRemovable(old, clock.now(), options.bypassGovernance);
        await tx.deleteObjectRow(projectId, container, name);
        await tx.addUsage(projectId, container, -1, -old.sizeBytes);
        if (old.blobId) await tx.queueGarbage(old.blobId, clock.now().toISOString());
        return old;
      });
      await collectGarbage(16);
      if (isExpired(removed)) throw errors.notFound('object', name);
      return removed;
    },

    /**
     * Deletes objects whose X-Delete-At has passed (of one container with `scope`); returns how many.
     * Bounded per call.
     */
    async reapExpired(limit = 1000, scope?: { projectId: string; container: string }): Promise<number> {
      const nowSeconds = Math.floor(clock.now().getTime() / 1000);
      const expired = await store.expiredObjects(nowSeconds, limit, scope);
      for (const o of expired) {
        await this.deleteObject(o.projectId, o.container, o.name).catch(() => undefined);
      }
      return expired.length;
    },
    emptyMetadata,
  };
}

export type ObjectService = ReturnType<typeof createObjectService>;
