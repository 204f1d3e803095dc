// Kysely queries for volume snapshots. Writes after creation are compare-and-set on the row version.
import type { VolumeUsageHook } from '../metering/hooks/volume.js';
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
import type { Snapshot, SnapshotStatus, SnapshotTask } from './model.js';
import { rowKit } from '../db/row-kit.js';
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

export interface SnapshotListQuery {
  /** undefined: every project. */
  projectId: string | undefined;
  volumeId?: string | undefined;
  /** Column filters by Cinder's wire names. */
  filters?: readonly FilterClause[] | undefined;
  metadata?: Record<string, string> | undefined;
  /** The id of the last snapshot of the previous page (it must exist). */
  markerId?: string | undefined;
  limit: number;
  offset?: number | undefined;
  sort?: readonly SortKey[] | undefined;
}

/** The snapshot columns a list may sort and filter by, by Cinder's key names. */
const SNAPSHOT_COLUMNS: Record<string, SortColumn> = {
  id: { column: 'id' },
  created_at: { column: 'created_at' },
  updated_at: { column: 'updated_at' },
  name: { column: 'name', nullableText: true },
  display_name: { column: 'name', nullableText: true },
  description: { column: 'description', nullableText: true },
  display_description: { column: 'description', nullableText: true },
  status: { column: 'status' },
  volume_id: { column: 'volume_id' },
  project_id: { column: 'project_id' },
  user_id: { column: 'user_id' },
  size: { column: 'size_gib' },
  volume_size: { column: 'size_gib' },
};

/** The most rows a metadata-filtered list reads before matching the JSON column in process. */
const METADATA_SCAN_MAX = 10_000;

function matchesMetadata(s: Snapshot, wanted: Record<string, string> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => s.metadata[k] === v);
}

export function createSnapshotStore(db: Kysely<VolumeTables>, usage?: VolumeUsageHook) {
  const kit = rowKit<VolumeTables, VolumeSnapshotTable, Snapshot>(db, 'volume_snapshots', toSnapshot);
  function filtered(q: SnapshotListQuery) {
    let query = db.selectFrom('volume_snapshots').selectAll().where('deleted', '=', 0);
    if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
    if (q.volumeId !== undefined) query = query.where('volume_id', '=', q.volumeId);
    for (const clause of q.filters ?? []) query = query.where(filterExpression(SNAPSHOT_COLUMNS, clause));
    return query;
  }

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

    get: (id: string): Promise<Snapshot | undefined> => kit.get(id),

    async list(q: SnapshotListQuery): Promise<Snapshot[]> {
      const sort = resolveSort(SNAPSHOT_COLUMNS, q.sort ?? []);
      let query = filtered(q);
      if (q.markerId !== undefined) query = query.where(afterMarker(sort, await kit.marker(q.markerId)));
      for (const s of sort) query = query.orderBy(sortExpression(s.column), s.dir);
      const limit = Math.min(q.limit, LIST_LIMIT_MAX);
      if (q.metadata === undefined) {
        return (
          await query
            .limit(limit)
            .offset(q.offset ?? 0)
            .execute()
        ).map(toSnapshot);
      }
      // Metadata is a JSON column: match it here, then page (a bounded scan).
      const rows = (await query.limit(METADATA_SCAN_MAX).execute()).map(toSnapshot);
      const offset = q.offset ?? 0;
      return rows.filter((s) => matchesMetadata(s, q.metadata)).slice(offset, offset + limit);
    },

    /** How many snapshots the list's filters match, without paging (with_count). */
    async count(q: SnapshotListQuery): Promise<number> {
      if (q.metadata !== undefined) {
        const rows = (await filtered(q).limit(METADATA_SCAN_MAX).execute()).map(toSnapshot);
        return rows.filter((s) => matchesMetadata(s, q.metadata)).length;
      }
      const row = await filtered(q)
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async update(
      id: string,
      version: number,
      patch: SnapshotPatch,
      now: string,
    ): Promise<Snapshot | undefined> {
      // With metering, the usage record changes in the same transaction as the row it bills.
      if (usage && !db.isTransaction) {
        return db
          .transaction()
          .execute((trx) => createSnapshotStore(trx, usage).update(id, version, patch, now));
      }
      const row: Updateable<VolumeSnapshotTable> = {};
      if (patch.name !== undefined) row.name = patch.name;
      if (patch.description !== undefined) row.description = patch.description;
      if (patch.status !== undefined) row.status = patch.status;
      if (patch.task !== undefined) row.task = patch.task;
      if (patch.metadata !== undefined) row.metadata = JSON.stringify(patch.metadata);
      if (patch.providerLocation !== undefined) row.provider_location = patch.providerLocation;
      if (patch.deleted !== undefined) row.deleted = patch.deleted ? 1 : 0;
      const next = await kit.compareAndSet(id, version, row, now);
      if (next === undefined) return undefined;
      if (usage) await usage.snapshot(db, next, patch.deleted === true, now);
      return next;
    },

    pending: (limit: number): Promise<Snapshot[]> => kit.pending(limit),

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
