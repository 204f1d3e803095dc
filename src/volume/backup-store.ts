// Kysely queries for volume backups. Writes after creation are compare-and-set on the row version.
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Backup, BackupStatus, BackupTask, BackupTaskArgs } from './model.js';
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

export function createBackupStore(db: Kysely<VolumeTables>) {
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

    async get(id: string): Promise<Backup | undefined> {
      const row = await db
        .selectFrom('volume_backups')
        .selectAll()
        .where('id', '=', id)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return row ? toBackup(row) : undefined;
    },

    async list(q: {
      projectId: string | undefined;
      volumeId?: string | undefined;
      name?: string | undefined;
      status?: string | undefined;
      marker?: Backup | undefined;
      limit: number;
      offset?: number | undefined;
    }): Promise<Backup[]> {
      let query = db.selectFrom('volume_backups').selectAll().where('deleted', '=', 0);
      if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
      if (q.volumeId !== undefined) query = query.where('volume_id', '=', q.volumeId);
      if (q.name !== undefined) query = query.where('name', '=', q.name);
      if (q.status !== undefined) query = query.where('status', '=', q.status);
      const m = q.marker;
      if (m !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', m.createdAt),
            eb.and([eb('created_at', '=', m.createdAt), eb('id', '<', m.id)]),
          ]),
        );
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(q.limit, LIST_LIMIT_MAX))
        .offset(q.offset ?? 0)
        .execute();
      return rows.map(toBackup);
    },

    async update(id: string, version: number, patch: BackupPatch, now: string): Promise<Backup | undefined> {
      const row: Updateable<VolumeBackupTable> = { version: version + 1, updated_at: now };
      if (patch.name !== undefined) row.name = patch.name;
      if (patch.description !== undefined) row.description = patch.description;
      if (patch.status !== undefined) row.status = patch.status;
      if (patch.task !== undefined) row.task = patch.task;
      if (patch.taskArgs !== undefined) row.task_args = JSON.stringify(patch.taskArgs);
      if (patch.failReason !== undefined) row.fail_reason = patch.failReason;
      if (patch.objectCount !== undefined) row.object_count = patch.objectCount;
      if (patch.metadata !== undefined) row.metadata = JSON.stringify(patch.metadata);
      if (patch.deleted !== undefined) row.deleted = patch.deleted ? 1 : 0;
      const result = await db
        .updateTable('volume_backups')
        .set(row)
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      return toBackup(
        await db.selectFrom('volume_backups').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      );
    },

    async pending(limit: number): Promise<Backup[]> {
      const rows = await db
        .selectFrom('volume_backups')
        .selectAll()
        .where('task', 'is not', null)
        .where('deleted', '=', 0)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.map(toBackup);
    },

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
