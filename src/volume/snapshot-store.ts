// Kysely queries for volume snapshots. Writes after creation are compare-and-set on the row version.
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Snapshot, SnapshotStatus, SnapshotTask } from './model.js';
import { LIST_LIMIT_MAX } from './volume-store.js';
import type { VolumeSnapshotTable, VolumeTables } from './volume-tables.js';

function toSnapshot(row: Selectable<VolumeSnapshotTable>): Snapshot {
  return {
    id: row.id,
    projectId: row.project_id,
    userId: row.user_id,
    volumeId: row.volume_id,
    name: row.name,
    description: row.description,
    sizeGib: Number(row.size_gib),
    status: row.status as SnapshotStatus,
    task: row.task as SnapshotTask | null,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    providerLocation: row.provider_location,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type SnapshotPatch = Partial<
  Pick<Snapshot, 'name' | 'description' | 'status' | 'task' | 'metadata' | 'providerLocation'>
> & { deleted?: boolean };

export function createSnapshotStore(db: Kysely<VolumeTables>) {
  return {
    async insert(s: Snapshot): Promise<void> {
      await db
        .insertInto('volume_snapshots')
        .values({
          id: s.id,
          project_id: s.projectId,
          user_id: s.userId,
          volume_id: s.volumeId,
          name: s.name,
          description: s.description,
          size_gib: s.sizeGib,
          status: s.status,
          task: s.task,
          metadata: JSON.stringify(s.metadata),
          provider_location: s.providerLocation,
          deleted: 0,
          version: s.version,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
        })
        .execute();
    },

    async get(id: string): Promise<Snapshot | undefined> {
      const row = await db
        .selectFrom('volume_snapshots')
        .selectAll()
        .where('id', '=', id)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return row ? toSnapshot(row) : undefined;
    },

    async list(q: {
      projectId: string | undefined;
      volumeId?: string | undefined;
      name?: string | undefined;
      status?: string | undefined;
      marker?: Snapshot | undefined;
      limit: number;
      offset?: number | undefined;
    }): Promise<Snapshot[]> {
      let query = db.selectFrom('volume_snapshots').selectAll().where('deleted', '=', 0);
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
      return rows.map(toSnapshot);
    },

    async update(
      id: string,
      version: number,
      patch: SnapshotPatch,
      now: string,
    ): Promise<Snapshot | undefined> {
      const row: Updateable<VolumeSnapshotTable> = { version: version + 1, updated_at: now };
      if (patch.name !== undefined) row.name = patch.name;
      if (patch.description !== undefined) row.description = patch.description;
      if (patch.status !== undefined) row.status = patch.status;
      if (patch.task !== undefined) row.task = patch.task;
      if (patch.metadata !== undefined) row.metadata = JSON.stringify(patch.metadata);
      if (patch.providerLocation !== undefined) row.provider_location = patch.providerLocation;
      if (patch.deleted !== undefined) row.deleted = patch.deleted ? 1 : 0;
      const result = await db
        .updateTable('volume_snapshots')
        .set(row)
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      return toSnapshot(
        await db.selectFrom('volume_snapshots').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
      );
    },

    async pending(limit: number): Promise<Snapshot[]> {
      const rows = await db
        .selectFrom('volume_snapshots')
        .selectAll()
        .where('task', 'is not', null)
        .where('deleted', '=', 0)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.map(toSnapshot);
    },

    async countOfVolume(volumeId: string): Promise<number> {
      const row = await db
        .selectFrom('volume_snapshots')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('volume_id', '=', volumeId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async usage(projectId: string): Promise<{ count: number; gigabytes: number }> {
      const row = await db
        .selectFrom('volume_snapshots')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size_gib').as('gib')])
        .where('project_id', '=', projectId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return { count: Number(row?.n ?? 0), gigabytes: Number(row?.gib ?? 0) };
    },
  };
}

export type SnapshotStore = ReturnType<typeof createSnapshotStore>;
