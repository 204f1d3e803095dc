// Kysely queries for volume backups. Writes after creation are compare-and-set on the row version.
import type { VolumeUsageHook } from '../metering/hooks/volume.js';
import {
  afterMarker,
  filterExpression,
  resolveSort,
  sortExpression,
  type FilterClause,
  type SortColumn,
  type SortKey,
} from './list-query.js';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Backup, BackupStatus, BackupTask, BackupTaskArgs } from './model.js';
import { rowKit } from '../db/row-kit.js';
import { LIST_LIMIT_MAX } from './volume-store.js';
import type { VolumeBackupTable, VolumeTables } from './volume-tables.js';

function toBackup(row: Selectable<VolumeBackupTable>): Backup {
  return {
    id: row.id,
    projectId: row.project_id,
    userId: row.user_id,
    volumeId: row.volume_id,
    snapshotId: row.snapshot_id,
    parentId: row.parent_id,
    name: row.name,
    description: row.description,
    sizeGib: Number(row.size_gib),
    status: row.status as BackupStatus,
    task: row.task as BackupTask | null,
    taskArgs: JSON.parse(row.task_args) as BackupTaskArgs,
    failReason: row.fail_reason,
    container: row.container,
    objectCount: Number(row.object_count),
    isIncremental: row.is_incremental === 1,
    availabilityZone: row.availability_zone,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    dataTimestamp: row.data_timestamp,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type BackupPatch = Partial<
  Pick<
    Backup,
    'name' | 'description' | 'status' | 'task' | 'taskArgs' | 'failReason' | 'objectCount' | 'metadata'
  >
> & { deleted?: boolean };

export interface BackupListQuery {
  /** undefined: every project. */
  projectId: string | undefined;
  volumeId?: string | undefined;
  /** Column filters by Cinder's wire names. */
  filters?: readonly FilterClause[] | undefined;
  /** The id of the last backup of the previous page (it must exist). */
  markerId?: string | undefined;
  limit: number;
  offset?: number | undefined;
  sort?: readonly SortKey[] | undefined;
}

/** The backup columns a list may sort and filter by, by Cinder's key names. */
const BACKUP_COLUMNS: Record<string, SortColumn> = {
  id: { column: 'id' },
  created_at: { column: 'created_at' },
  updated_at: { column: 'updated_at' },
  name: { column: 'name', nullableText: true },
  display_name: { column: 'name', nullableText: true },
  description: { column: 'description', nullableText: true },
  status: { column: 'status' },
  volume_id: { column: 'volume_id' },
  snapshot_id: { column: 'snapshot_id', nullableText: true },
  project_id: { column: 'project_id' },
  user_id: { column: 'user_id' },
  size: { column: 'size_gib' },
  container: { column: 'container' },
  availability_zone: { column: 'availability_zone' },
  data_timestamp: { column: 'data_timestamp' },
};

export function createBackupStore(db: Kysely<VolumeTables>, usage?: VolumeUsageHook) {
  const kit = rowKit<VolumeTables, VolumeBackupTable, Backup>(db, 'volume_backups', toBackup);
  function filtered(q: BackupListQuery) {
    let query = db.selectFrom('volume_backups').selectAll().where('deleted', '=', 0);
    if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
    if (q.volumeId !== undefined) query = query.where('volume_id', '=', q.volumeId);
    for (const clause of q.filters ?? []) query = query.where(filterExpression(BACKUP_COLUMNS, clause));
    return query;
  }

  return {
    async insert(b: Backup): Promise<void> {
      await db
        .insertInto('volume_backups')
        .values({
          id: b.id,
          project_id: b.projectId,
          user_id: b.userId,
          volume_id: b.volumeId,
          snapshot_id: b.snapshotId,
          parent_id: b.parentId,
          name: b.name,
          description: b.description,
          size_gib: b.sizeGib,
          status: b.status,
          task: b.task,
          task_args: JSON.stringify(b.taskArgs),
          fail_reason: b.failReason,
          container: b.container,
          object_count: b.objectCount,
          is_incremental: b.isIncremental ? 1 : 0,
          availability_zone: b.availabilityZone,
          metadata: JSON.stringify(b.metadata),
          data_timestamp: b.dataTimestamp,
          deleted: 0,
          version: b.version,
          created_at: b.createdAt,
          updated_at: b.updatedAt,
        })
        .execute();
    },

    get: (id: string): Promise<Backup | undefined> => kit.get(id),

    async list(q: BackupListQuery): Promise<Backup[]> {
      const sort = resolveSort(BACKUP_COLUMNS, q.sort ?? []);
      let query = filtered(q);
      if (q.markerId !== undefined) query = query.where(afterMarker(sort, await kit.marker(q.markerId)));
      for (const s of sort) query = query.orderBy(sortExpression(s.column), s.dir);
      const rows = await query
        .limit(Math.min(q.limit, LIST_LIMIT_MAX))
        .offset(q.offset ?? 0)
        .execute();
      return rows.map(toBackup);
    },

    /** How many backups the list's filters match, without paging (with_count). */
    async count(q: BackupListQuery): Promise<number> {
      const row = await filtered(q)
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async update(id: string, version: number, patch: BackupPatch, now: string): Promise<Backup | undefined> {
      // With metering, the usage record changes in the same transaction as the row it bills.
      if (usage && !db.isTransaction) {
        return db
          .transaction()
          .execute((trx) => createBackupStore(trx, usage).update(id, version, patch, now));
      }
      const row: Updateable<VolumeBackupTable> = {};
      if (patch.name !== undefined) row.name = patch.name;
      if (patch.description !== undefined) row.description = patch.description;
      if (patch.status !== undefined) row.status = patch.status;
      if (patch.task !== undefined) row.task = patch.task;
      if (patch.taskArgs !== undefined) row.task_args = JSON.stringify(patch.taskArgs);
      if (patch.failReason !== undefined) row.fail_reason = patch.failReason;
      if (patch.objectCount !== undefined) row.object_count = patch.objectCount;
      if (patch.metadata !== undefined) row.metadata = JSON.stringify(patch.metadata);
      if (patch.deleted !== undefined) row.deleted = patch.deleted ? 1 : 0;
      const next = await kit.compareAndSet(id, version, row, now);
      if (next === undefined) return undefined;
      if (usage) await usage.backup(db, next, patch.deleted === true, now);
      return next;
    },

    pending: (limit: number): Promise<Backup[]> => kit.pending(limit),

    /** The newest available backup of a volume (the parent of an incremental one). */
    async latestOf(volumeId: string): Promise<Backup | undefined> {
      const row = await db
        .selectFrom('volume_backups')
        .selectAll()
        .where('volume_id', '=', volumeId)
        .where('deleted', '=', 0)
        .where('status', '=', 'available')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      return row ? toBackup(row) : undefined;
    },

    async countChildren(id: string): Promise<number> {
      const row = await db
        .selectFrom('volume_backups')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('parent_id', '=', id)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async usage(projectId: string): Promise<{ count: number; gigabytes: number }> {
      const row = await db
        .selectFrom('volume_backups')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size_gib').as('gib')])
        .where('project_id', '=', projectId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return { count: Number(row?.n ?? 0), gigabytes: Number(row?.gib ?? 0) };
    },
  };
}

export type BackupStore = ReturnType<typeof createBackupStore>;
