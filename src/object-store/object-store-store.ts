// Kysely queries for accounts, containers and objects. Writers of one container are serialised by
// touching its row first in the transaction (a row lock on PostgreSQL; SQLite has one writer anyway),
// so counters stay exact and overwrites resolve by timestamp.
import type { Kysely, Selectable } from 'kysely';
import type { ObjectStorageUsageHook } from '../metering/hooks/object-store.js';
import type { Database, OsContainerTable, OsObjectTable } from '../db/schema.js';
import {
  DEFAULT_STORAGE_POLICY,
  type Account,
  type Container,
  type ListOptions,
  type StoredMetadata,
  type StoredObject,
} from './model.js';
import { projectOfAccount } from './versioning/version-names.js';

/** Metadata JSON as stored in a metadata column (tolerates old or damaged rows). */
export function parseMetadata(text: string): StoredMetadata {
  try {
    const v = JSON.parse(text) as Partial<StoredMetadata>;
    return { meta: v.meta ?? {}, headers: v.headers ?? {} };
  } catch {
    return { meta: {}, headers: {} };
  }
}

const containerFrom = (r: Selectable<OsContainerTable>): Container => ({
  projectId: r.project_id,
  name: r.name,
  metadata: parseMetadata(r.metadata),
  objectCount: Number(r.object_count),
  bytesUsed: Number(r.bytes_used),
  createdAt: r.created_at,
  putTimestamp: r.put_timestamp,
});

const objectFrom = (r: Selectable<OsObjectTable>): StoredObject => ({
  projectId: r.project_id,
  container: r.container,
  name: r.name,
  timestamp: r.timestamp,
  sizeBytes: Number(r.size),
  etag: r.etag,
  contentType: r.content_type,
  lastModified: r.last_modified,
  metadata: parseMetadata(r.metadata),
  blobId: r.blob_id,
  deleteAt: r.delete_at === null ? null : Number(r.delete_at),
});

/** The smallest string greater than every string starting with prefix (for range scans). */
export function prefixUpperBound(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  const last = prefix.codePointAt(prefix.length - 1) as number;
  const width = last > 0xffff ? 2 : 1;
  return prefix.slice(0, prefix.length - width) + String.fromCodePoint(last + 1);
}

/** Queries on accounts and containers. */
function accountQueries(db: Kysely<Database>) {
  return {
    async getAccount(projectId: string): Promise<Account | undefined> {
      const r = await db
        .selectFrom('os_accounts')
        .selectAll()
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return (
        r && {
          projectId: r.project_id,
          metadata: parseMetadata(r.metadata),
          containerCount: Number(r.container_count),
          objectCount: Number(r.object_count),
          bytesUsed: Number(r.bytes_used),
          createdAt: r.created_at,
          putTimestamp: r.put_timestamp,
        }
      );
    },
    async ensureAccount(projectId: string, now: string, timestamp: string): Promise<void> {
      await db
        .insertInto('os_accounts')
        .values({
          project_id: projectId,
          created_at: now,
          put_timestamp: timestamp,
          metadata: '{"meta":{},"headers":{}}',
          container_count: 0,
          object_count: 0,
          bytes_used: 0,
        })
        .onConflict((oc) => oc.column('project_id').doNothing())
        .execute();
    },
    async setAccountMetadata(projectId: string, metadata: StoredMetadata): Promise<void> {
      await db
        .updateTable('os_accounts')
        .set({ metadata: JSON.stringify(metadata) })
        .where('project_id', '=', projectId)
        .execute();
    },

    async getContainer(projectId: string, name: string): Promise<Container | undefined> {
      const r = await db
        .selectFrom('os_containers')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      return r && containerFrom(r);
    },
    async listContainers(projectId: string, o: ListOptions): Promise<Container[]> {
      let q = db.selectFrom('os_containers').selectAll().where('project_id', '=', projectId);
      q = applyRange(q, o) as typeof q;
      const rows = await q
        .orderBy('name', o.reverse ? 'desc' : 'asc')
        .limit(o.limit)
        .execute();
      return rows.map(containerFrom);
    },
    /** Returns false when it already existed. */
    async createContainer(c: Container): Promise<boolean> {
      const r = await db
        .insertInto('os_containers')
        .values({
          project_id: c.projectId,
          name: c.name,
          metadata: JSON.stringify(c.metadata),
          object_count: 0,
          bytes_used: 0,
          created_at: c.createdAt,
          put_timestamp: c.putTimestamp,
        })
        .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
        .executeTakeFirst();
      const created = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
      if (created) {
        await db
          .updateTable('os_accounts')
          .set((eb) => ({ container_count: eb('container_count', '+', 1) }))
          .where('project_id', '=', c.projectId)
          .execute();
      }
      return created;
    },
    async setContainerMetadata(projectId: string, name: string, metadata: StoredMetadata): Promise<void> {
      await db
        .updateTable('os_containers')
        .set({ metadata: JSON.stringify(metadata) })
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .execute();
    },
    /** Deletes an empty container; returns 'deleted', 'missing' or 'not-empty'. */
    async deleteContainer(projectId: string, name: string): Promise<'deleted' | 'missing' | 'not-empty'> {
      const c = await this.lockContainer(projectId, name);
      if (!c) return 'missing';
      if (c.objectCount > 0) return 'not-empty';
      await db
        .deleteFrom('os_containers')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .execute();
      await db
        .updateTable('os_accounts')
        .set((eb) => ({ container_count: eb('container_count', '-', 1) }))
        .where('project_id', '=', projectId)
        .execute();
      return 'deleted';
    },
    /** First statement of a writing transaction: takes the container's row lock and returns it. */
    async lockContainer(projectId: string, name: string): Promise<Container | undefined> {
      await db
        .updateTable('os_containers')
        .set((eb) => ({ object_count: eb.ref('object_count') }))
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .execute();
      return this.getContainer(projectId, name);
    },
  };
}

/** Queries on object rows, blob references and the garbage queue. */
function objectQueries(db: Kysely<Database>, usage?: ObjectStorageUsageHook) {
  return {
    async getObject(projectId: string, container: string, name: string): Promise<StoredObject | undefined> {
      const r = await db
        .selectFrom('os_objects')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('container', '=', container)
        .where('name', '=', name)
        .executeTakeFirst();
      return r && objectFrom(r);
    },
    async listObjects(projectId: string, container: string, o: ListOptions): Promise<StoredObject[]> {
      let q = db
        .selectFrom('os_objects')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('container', '=', container);
      q = applyRange(q, o) as typeof q;
      const rows = await q
        .orderBy('name', o.reverse ? 'desc' : 'asc')
        .limit(o.limit)
        .execute();
      return rows.map(objectFrom);
    },
    async insertObjectRow(o: StoredObject): Promise<void> {
      await db.insertInto('os_objects').values(objectRow(o)).execute();
    },
    async replaceObjectRow(o: StoredObject): Promise<void> {
      const row = objectRow(o);
      await db
        .updateTable('os_objects')
        .set(row)
        .where('project_id', '=', o.projectId)
        .where('container', '=', o.container)
        .where('name', '=', o.name)
        .execute();
    },
    async deleteObjectRow(projectId: string, container: string, name: string): Promise<void> {
      await db
        .deleteFrom('os_objects')
        .where('project_id', '=', projectId)
        .where('container', '=', container)
        .where('name', '=', name)
        .execute();
    },
    async addUsage(projectId: string, container: string, objects: number, bytes: number): Promise<void> {
      if (objects === 0 && bytes === 0) return;
      await db
        .updateTable('os_containers')
        .set((eb) => ({
          object_count: eb('object_count', '+', objects),
          bytes_used: eb('bytes_used', '+', bytes),
        }))
        .where('project_id', '=', projectId)
        .where('name', '=', container)
        .execute();
      await db
        .updateTable('os_accounts')
        .set((eb) => ({
          object_count: eb('object_count', '+', objects),
          bytes_used: eb('bytes_used', '+', bytes),
        }))
        .where('project_id', '=', projectId)
        .execute();
      if (usage && bytes !== 0) {
        const account = await db
          .selectFrom('os_accounts')
          .select('bytes_used')
          .where('project_id', '=', projectId)
          .executeTakeFirst();
        await usage.stored(db, {
          accountId: projectId,
          projectId: projectOfAccount(projectId),
          storagePolicy: DEFAULT_STORAGE_POLICY,
          bytesUsed: Number(account?.bytes_used ?? 0),
        });
      }
    },
    async setObjectMetadata(o: StoredObject): Promise<void> {
      await db
        .updateTable('os_objects')
        .set({
          metadata: JSON.stringify(o.metadata),
          content_type: o.contentType,
          delete_at: o.deleteAt,
          timestamp: o.timestamp,
        })
        .where('project_id', '=', o.projectId)
        .where('container', '=', o.container)
        .where('name', '=', o.name)
        .execute();
    },
    async countBlobReferences(blobId: string): Promise<number> {
      const r = await db
        .selectFrom('os_objects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('blob_id', '=', blobId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async expiredObjects(
      nowSeconds: number,
      limit: number,
      scope?: { projectId: string; container: string },
    ): Promise<StoredObject[]> {
      let query = db.selectFrom('os_objects').selectAll().where('delete_at', '<=', nowSeconds);
      if (scope)
        query = query.where('project_id', '=', scope.projectId).where('container', '=', scope.container);
      const rows = await query.limit(limit).execute();
      return rows.map(objectFrom);
    },

    async queueGarbage(blobId: string, at: string): Promise<void> {
      await db
        .insertInto('os_blob_garbage')
        .values({ blob_id: blobId, queued_at: at })
        .onConflict((oc) => oc.column('blob_id').doNothing())
        .execute();
    },
    async garbage(limit: number): Promise<string[]> {
      const rows = await db.selectFrom('os_blob_garbage').select('blob_id').limit(limit).execute();
      return rows.map((r) => r.blob_id);
    },
    async forgetGarbage(blobId: string): Promise<void> {
      await db.deleteFrom('os_blob_garbage').where('blob_id', '=', blobId).execute();
    },
  };
}

function objectRow(o: StoredObject) {
  return {
    project_id: o.projectId,
    container: o.container,
    name: o.name,
    timestamp: o.timestamp,
    size: o.sizeBytes,
    etag: o.etag,
    content_type: o.contentType,
    last_modified: o.lastModified,
    metadata: JSON.stringify(o.metadata),
    blob_id: o.blobId,
    delete_at: o.deleteAt,
  };
}

/** `usage`: the metering hook told of every change of an account's bytes, in the same transaction. */
export function createObjectStoreStore(db: Kysely<Database>, usage?: ObjectStorageUsageHook) {
  return { ...accountQueries(db), ...objectQueries(db, usage) };
}

/** prefix / marker / end_marker as a range on the name column (no LIKE, so no escaping issues). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shared by two differently typed builders.
function applyRange(q: any, o: ListOptions): unknown {
  if (o.prefix) {
    q = q.where('name', '>=', o.prefix);
    const upper = prefixUpperBound(o.prefix);
    if (upper !== undefined) q = q.where('name', '<', upper);
  }
  if (o.reverse) {
    if (o.marker) q = q.where('name', '<', o.marker);
    if (o.endMarker) q = q.where('name', '>', o.endMarker);
  } else {
    if (o.marker) q = q.where('name', '>', o.marker);
    if (o.endMarker) q = q.where('name', '<', o.endMarker);
  }
  return q;
}

export type ObjectStoreStore = ReturnType<typeof createObjectStoreStore>;
