// Kysely queries for volumes, their metadata and their attachments. Writes after creation go through
// `update` with the row's version as a compare-and-set guard, so that two writers (an API call and the
// worker, or two processes) never both advance a row.
import type { VolumeUsageHook } from '../metering/hooks/volume.js';
import { rowKit } from '../db/row-kit.js';
import type { Kysely, Selectable, Updateable } from 'kysely';
import {
  afterMarker,
  filterExpression,
  resolveSort,
  sortExpression,
  type FilterClause,
  type SortColumn,
  type SortKey,
} from './list-query.js';
import type { Volume, VolumeStatus, VolumeTask, VolumeTaskArgs } from './model.js';
import { createAttachmentQueries } from './attachment-store.js';
import type { VolumeTable, VolumeTables } from './volume-tables.js';

export const LIST_LIMIT_MAX = 1000;

function parseJson<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}

function toVolume(
  row: Selectable<VolumeTable>,
  metadata: Record<string, string>,
  adminMetadata: Record<string, string>,
): Volume {
  return {
    id: row.id,
    projectId: row.project_id,
    userId: row.user_id,
    name: row.name,
    description: row.description,
    sizeGib: Number(row.size_gib),
    status: row.status as VolumeStatus,
    task: row.task as VolumeTask | null,
    taskArgs: parseJson<VolumeTaskArgs>(row.task_args, {}),
    typeId: row.type_id,
    availabilityZone: row.availability_zone,
    bootable: row.bootable === 1,
    multiattach: row.multiattach === 1,
    sourceVolumeId: row.source_volume_id,
    snapshotId: row.snapshot_id,
    imageId: row.image_id,
    backupId: row.backup_id,
    imageMetadata: parseJson<Record<string, string> | null>(row.image_metadata, null),
    host: row.host,
    providerLocation: row.provider_location,
    errorReason: row.error_reason,
    metadata,
    adminMetadata,
    deleted: row.deleted === 1,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type VolumePatch = Partial<
  Pick<
    Volume,
    | 'name'
    | 'description'
    | 'sizeGib'
    | 'status'
    | 'task'
    | 'taskArgs'
    | 'bootable'
    | 'imageMetadata'
    | 'host'
    | 'providerLocation'
    | 'errorReason'
    | 'deleted'
  >
>;

function volumePatchToRow(p: VolumePatch): Updateable<VolumeTable> {
  const row: Updateable<VolumeTable> = {};
  if (p.name !== undefined) row.name = p.name;
  if (p.description !== undefined) row.description = p.description;
  if (p.sizeGib !== undefined) row.size_gib = p.sizeGib;
  if (p.status !== undefined) row.status = p.status;
  if (p.task !== undefined) row.task = p.task;
  if (p.taskArgs !== undefined) row.task_args = JSON.stringify(p.taskArgs);
  if (p.bootable !== undefined) row.bootable = p.bootable ? 1 : 0;
  if (p.imageMetadata !== undefined)
    row.image_metadata = p.imageMetadata === null ? null : JSON.stringify(p.imageMetadata);
  if (p.host !== undefined) row.host = p.host;
  if (p.providerLocation !== undefined) row.provider_location = p.providerLocation;
  if (p.errorReason !== undefined) row.error_reason = p.errorReason;
  if (p.deleted !== undefined) row.deleted = p.deleted ? 1 : 0;
  return row;
}

export interface VolumeListQuery {
  /** undefined: every project (admin all_tenants). */
  projectId: string | undefined;
  /** Column filters by Cinder's wire names (`name`, `status`, `size`, `created_at`, …). */
  filters?: readonly FilterClause[] | undefined;
  metadata?: Record<string, string> | undefined;
  /** The id of the last volume of the previous page (it must exist). */
  markerId?: string | undefined;
  limit: number;
  sort: readonly SortKey[];
  offset?: number | undefined;
}

/** The volume columns a list may sort and filter by, by Cinder's key names. */
const VOLUME_SORT_COLUMNS: Record<string, SortColumn> = {
  id: { column: 'id' },
  created_at: { column: 'created_at' },
  updated_at: { column: 'updated_at' },
  name: { column: 'name', nullableText: true },
  display_name: { column: 'name', nullableText: true },
  description: { column: 'description', nullableText: true },
  display_description: { column: 'description', nullableText: true },
  size: { column: 'size_gib' },
  status: { column: 'status' },
  availability_zone: { column: 'availability_zone' },
  bootable: { column: 'bootable' },
  multiattach: { column: 'multiattach' },
  project_id: { column: 'project_id' },
  user_id: { column: 'user_id' },
  volume_type_id: { column: 'type_id' },
  snapshot_id: { column: 'snapshot_id', nullableText: true },
  source_volid: { column: 'source_volume_id', nullableText: true },
  host: { column: 'host', nullableText: true },
};

export function createVolumeStore(db: Kysely<VolumeTables>, usage?: VolumeUsageHook) {
  // Rows come back as they are: hydrate() adds metadata and attachments to many at once.
  const kit = rowKit<VolumeTables, VolumeTable, Selectable<VolumeTable>>(db, 'volumes', (row) => row);
  async function metadataOf(
    table: 'volume_metadata' | 'volume_admin_metadata',
    ids: readonly string[],
  ): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom(table).selectAll().where('volume_id', 'in', ids).execute();
    for (const r of rows) {
      const m = out.get(r.volume_id) ?? {};
      m[r.key] = r.value;
      out.set(r.volume_id, m);
    }
    return out;
  }

  async function hydrate(rows: Selectable<VolumeTable>[]): Promise<Volume[]> {
    const ids = rows.map((r) => r.id);
    const meta = await metadataOf('volume_metadata', ids);
    const admin = await metadataOf('volume_admin_metadata', ids);
    return rows.map((r) => toVolume(r, meta.get(r.id) ?? {}, admin.get(r.id) ?? {}));
  }

  function filtered(q: VolumeListQuery) {
    let query = db.selectFrom('volumes').selectAll().where('deleted', '=', 0);
    if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
    for (const clause of q.filters ?? []) query = query.where(filterExpression(VOLUME_SORT_COLUMNS, clause));
    for (const [key, value] of Object.entries(q.metadata ?? {})) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('volume_metadata as m')
            .select('m.key')
            .whereRef('m.volume_id', '=', 'volumes.id')
            .where('m.key', '=', key)
            .where('m.value', '=', value),
        ),
      );
    }
    return query;
  }

  return {
    async insert(v: Volume): Promise<void> {
      await db
        .insertInto('volumes')
        .values({
          id: v.id,
          project_id: v.projectId,
          user_id: v.userId,
          name: v.name,
          description: v.description,
          size_gib: v.sizeGib,
          status: v.status,
          task: v.task,
          task_args: JSON.stringify(v.taskArgs),
          type_id: v.typeId,
          availability_zone: v.availabilityZone,
          bootable: v.bootable ? 1 : 0,
          multiattach: v.multiattach ? 1 : 0,
          source_volume_id: v.sourceVolumeId,
          snapshot_id: v.snapshotId,
          image_id: v.imageId,
          backup_id: v.backupId,
          image_metadata: v.imageMetadata === null ? null : JSON.stringify(v.imageMetadata),
          host: v.host,
          provider_location: v.providerLocation,
          error_reason: v.errorReason,
          deleted: 0,
          version: v.version,
          created_at: v.createdAt,
          updated_at: v.updatedAt,
          deleted_at: null,
        })
        .execute();
      for (const [key, value] of Object.entries(v.metadata)) {
        await db.insertInto('volume_metadata').values({ volume_id: v.id, key, value }).execute();
      }
    },

    /** A live (not deleted) volume. */
    async get(id: string): Promise<Volume | undefined> {
      const row = await kit.get(id);
      return row ? (await hydrate([row]))[0] : undefined;
    },

    async list(q: VolumeListQuery): Promise<Volume[]> {
      const sort = resolveSort(VOLUME_SORT_COLUMNS, q.sort);
      let query = filtered(q);
      if (q.markerId !== undefined) query = query.where(afterMarker(sort, await kit.marker(q.markerId)));
      for (const s of sort) query = query.orderBy(sortExpression(s.column), s.dir);
      const rows = await query
        .limit(Math.min(q.limit, LIST_LIMIT_MAX))
        .offset(q.offset ?? 0)
        .execute();
      return hydrate(rows);
    },

    /** How many volumes the list's filters match, without paging (Cinder's with_count). */
    async count(q: VolumeListQuery): Promise<number> {
      const row = await filtered(q)
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** Compare-and-set: applies the patch only if the row still has `version`; the new row or undefined. */
    async update(id: string, version: number, patch: VolumePatch, now: string): Promise<Volume | undefined> {
      // With metering, the usage record changes in the same transaction as the row it bills.
      if (usage && !db.isTransaction) {
        return db
          .transaction()
          .execute((trx) => createVolumeStore(trx, usage).update(id, version, patch, now));
      }
      const set = { ...volumePatchToRow(patch), ...(patch.deleted === true && { deleted_at: now }) };
      const row = await kit.compareAndSet(id, version, set, now);
      if (row === undefined) return undefined;
      const next = (await hydrate([row]))[0];
      if (usage && next) await usage.volume(db, next, patch.deleted === true, now);
      return next;
    },

    /** Rows the worker still owes work (restart resumes them). */
    async pending(limit: number): Promise<Volume[]> {
      return hydrate(await kit.pending(limit));
    },

    /** Live volumes and their gigabytes for a project (quota usage). */
    async usage(projectId: string): Promise<{ count: number; gigabytes: number }> {
      const row = await db
        .selectFrom('volumes')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size_gib').as('gib')])
        .where('project_id', '=', projectId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return { count: Number(row?.n ?? 0), gigabytes: Number(row?.gib ?? 0) };
    },

    /** Volumes still being created from a backup (the backup must stay while they read it). */
    async countCreatingFrom(backupId: string): Promise<number> {
      const row = await db
        .selectFrom('volumes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('backup_id', '=', backupId)
        .where('task', '=', 'create')
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async countOfType(typeId: string): Promise<number> {
      const row = await db
        .selectFrom('volumes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type_id', '=', typeId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async replaceMetadata(volumeId: string, metadata: Record<string, string>): Promise<void> {
      await db.deleteFrom('volume_metadata').where('volume_id', '=', volumeId).execute();
      for (const [key, value] of Object.entries(metadata)) {
        await db.insertInto('volume_metadata').values({ volume_id: volumeId, key, value }).execute();
      }
    },

    /** Sets one admin metadata key (Cinder's volume_admin_metadata_update without delete). */
    async setAdminMetadata(volumeId: string, key: string, value: string): Promise<void> {
      await db
        .deleteFrom('volume_admin_metadata')
        .where('volume_id', '=', volumeId)
        .where('key', '=', key)
        .execute();
      await db.insertInto('volume_admin_metadata').values({ volume_id: volumeId, key, value }).execute();
    },

    ...createAttachmentQueries(db),
  };
}

export type VolumeStore = ReturnType<typeof createVolumeStore>;
