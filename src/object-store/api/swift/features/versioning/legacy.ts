// Swift's legacy versioned writes. X-Versions-Location (stack mode): an overwrite first copies the
// current object to <archive>/<3-hex byte length><name>/<timestamp>, and a DELETE pops the newest
// archived copy back in place. X-History-Location (history mode): overwrites are archived the same way,
// and a DELETE archives the current object plus a zero-byte delete marker before removing it.
import { ApiError } from '../../../../../common/errors/api-error.js';
import type { Container, StoredObject } from '../../../../model.js';
import type { ObjectService } from '../../../../object-service.js';
import { DELETE_MARKER_CONTENT_TYPE } from '../../../../versioning/index.js';
import { errors } from '../../../../../common/errors/codes.js';

export interface LegacyVersioning {
  archive: string;
  mode: 'stack' | 'history';
}

/** How many archived copies a stack-mode DELETE tries to restore before giving up. */
const MAX_RESTORE_ATTEMPTS = 10;

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function legacyVersioningOf(c: Container): LegacyVersioning | undefined {
  const stack = c.metadata.headers['x-versions-location'];
  const history = c.metadata.headers['x-history-location'];
  const value = stack || history;
  if (!value) return undefined;
  return { archive: decoded(value).split('/')[0] as string, mode: stack ? 'stack' : 'history' };
}

export function archivePrefix(name: string): string {
  return `${Buffer.byteLength(name).toString(16).padStart(3, '0')}${name}/`;
}

async function requireArchive(objects: ObjectService, projectId: string, archive: string): Promise<void> {
  // Swift turns the archive's 404 into 412: the versioned write cannot proceed.
  if (!(await objects.getContainer(projectId, archive))) throw errors.preconditionFailed();
}

async function copyToArchive(objects: ObjectService, current: StoredObject, archive: string): Promise<void> {
  await requireArchive(objects, current.projectId, archive);
  await objects.copyObject(current, {
    projectId: current.projectId,
    container: archive,
    name: archivePrefix(current.name) + current.timestamp,
    metadata: current.metadata,
    contentType: current.contentType,
    deleteAt: current.deleteAt,
  });
}

async function* emptyBody(): AsyncGenerator<Buffer> {}

/** Before an overwrite: archives the current object, if any. */
export async function legacyBeforeWrite(
  objects: ObjectService,
  container: Container,
  name: string,
  legacy: LegacyVersioning,
): Promise<void> {
  const current = await objects.findObject(container.projectId, container.name, name);
  if (current) await copyToArchive(objects, current, legacy.archive);
}

async function pushOnDelete(objects: ObjectService, existing: StoredObject, archive: string): Promise<void> {
  await copyToArchive(objects, existing, archive);
  await objects.putObject({
    projectId: existing.projectId,
    container: archive,
    name: archivePrefix(existing.name) + objects.timestamps.next(),
    body: emptyBody(),
    contentLength: 0,
    contentType: DELETE_MARKER_CONTENT_TYPE,
    metadata: { meta: {}, headers: {} },
    deleteAt: null,
  });
}

/** Restores the newest archived copy over the current object; 'proceed' when there is none. */
async function popOnDelete(
  objects: ObjectService,
  existing: StoredObject,
  archive: string,
): Promise<'proceed' | 'handled'> {
  if (!(await objects.getContainer(existing.projectId, archive))) return 'proceed';
  const newest = await objects.listObjects(existing.projectId, archive, {
    prefix: archivePrefix(existing.name),
    reverse: true,
    limit: MAX_RESTORE_ATTEMPTS,
  });
  for (const entry of newest) {
    if (entry.kind !== 'item') continue;
    // A delete marker on top (left by history mode) while data exists: just delete the data.
    if (entry.item.contentType === DELETE_MARKER_CONTENT_TYPE) return 'proceed';
    const copy = await objects.findObject(existing.projectId, archive, entry.item.name);
    if (!copy) continue;
    await objects.copyObject(copy, {
      projectId: existing.projectId,
      container: existing.container,
      name: existing.name,
      metadata: copy.metadata,
      contentType: copy.contentType,
      deleteAt: copy.deleteAt,
    });
    // Gone already (a concurrent DELETE): it lived long enough to be restored, as Swift reasons.
    await objects.deleteObject(existing.projectId, archive, copy.name).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    });
    return 'handled';
  }
  return 'proceed';
}

export async function legacyBeforeDelete(
  objects: ObjectService,
  existing: StoredObject,
  legacy: LegacyVersioning,
): Promise<'proceed' | 'handled'> {
  if (legacy.mode === 'history') {
    await pushOnDelete(objects, existing, legacy.archive);
    return 'proceed';
  }
  return popOnDelete(objects, existing, legacy.archive);
}
