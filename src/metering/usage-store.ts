// Kysely queries on usage_records: insert (idempotent for an open record), close, and the reads the
// usage views and the rating need. Column names live here and in metering-tables.ts only.
import type { Selectable } from 'kysely';
import type { MeteringExecutor, UsageRecordTable } from './metering-tables.js';
import type { UsageRecord } from './model.js';

export function recordOf(row: Selectable<UsageRecordTable>): UsageRecord {
  return {
    id: row.id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    projectId: row.project_id,
    meter: row.meter,
    quantity: row.quantity,
    attributes: row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : {},
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

function rowOf(record: UsageRecord): UsageRecordTable {
  return {
    id: record.id,
    resource_type: record.resourceType,
    resource_id: record.resourceId,
    project_id: record.projectId,
    meter: record.meter,
    quantity: record.quantity,
    attributes: Object.keys(record.attributes).length > 0 ? JSON.stringify(record.attributes) : null,
    started_at: record.startedAt,
    ended_at: record.endedAt,
  };
}

export interface ResourceRef {
  resourceType: string;
  resourceId: string;
}

/**
 * Inserts an open record unless one is already open for its resource and meter (the unique partial
 * index decides, so two racing transactions cannot both insert); true when this call inserted it.
 */
export async function insertOpen(db: MeteringExecutor, record: UsageRecord): Promise<boolean> {
  const result = await db
    .insertInto('usage_records')
    .values(rowOf(record))
    .onConflict((oc) =>
      oc.columns(['resource_type', 'resource_id', 'meter']).where('ended_at', 'is', null).doNothing(),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Inserts a closed record (an event, or a record of the past). */
export async function insertClosed(db: MeteringExecutor, record: UsageRecord): Promise<void> {
  await db.insertInto('usage_records').values(rowOf(record)).execute();
}

/** The resource's open records (one per meter at most), oldest first. */
export async function openRecords(
  db: MeteringExecutor,
  ref: ResourceRef & { meter?: string },
): Promise<UsageRecord[]> {
  let query = db
    .selectFrom('usage_records')
    .selectAll()
    .where('resource_type', '=', ref.resourceType)
    .where('resource_id', '=', ref.resourceId)
    .where('ended_at', 'is', null);
  if (ref.meter !== undefined) query = query.where('meter', '=', ref.meter);
  const rows = await query.orderBy('started_at').orderBy('id').execute();
  return rows.map(recordOf);
}

/** Closes one open record at `endedAt` (never before it started); false when it was already closed. */
export async function closeRecord(db: MeteringExecutor, id: string, endedAt: string): Promise<boolean> {
  const result = await db
    .updateTable('usage_records')
    .set({ ended_at: endedAt })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface WindowQuery {
  resourceType?: string;
  projectId?: string;
  /** Records that end after `start` (or are open) and start before `end`. */
  start: string;
  end: string;
  limit: number;
}

/** Records overlapping [start, end), by project, resource and start; at most `limit` rows. */
export async function recordsInWindow(db: MeteringExecutor, q: WindowQuery): Promise<UsageRecord[]> {
  let query = db
    .selectFrom('usage_records')
    .selectAll()
    .where('started_at', '<', q.end)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', q.start)]));
  if (q.resourceType !== undefined) query = query.where('resource_type', '=', q.resourceType);
  if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
  const rows = await query
    .orderBy('project_id')
    .orderBy('resource_id')
    .orderBy('started_at')
    .orderBy('id')
    .limit(q.limit)
    .execute();
  return rows.map(recordOf);
}

/** Every record of the given resources (their whole history), by resource and start. */
export async function recordsOfResources(
  db: MeteringExecutor,
  resourceType: string,
  resourceIds: readonly string[],
): Promise<UsageRecord[]> {
  if (resourceIds.length === 0) return [];
  const rows = await db
    .selectFrom('usage_records')
    .selectAll()
    .where('resource_type', '=', resourceType)
    .where('resource_id', 'in', resourceIds)
    .orderBy('resource_id')
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  return rows.map(recordOf);
}

export interface ResourceKey {
  projectId: string;
  resourceId: string;
}

/**
 * The distinct (project, resource) pairs of one resource type with a record overlapping the window,
 * ordered by project then resource (Nova's paging order), after `after` when given; at most `limit`.
 */
export async function resourcesInWindow(
  db: MeteringExecutor,
  q: Omit<WindowQuery, 'resourceType'> & { resourceType: string; after?: ResourceKey },
): Promise<ResourceKey[]> {
  let query = db
    .selectFrom('usage_records')
    .select(['project_id', 'resource_id'])
    .distinct()
    .where('resource_type', '=', q.resourceType)
    .where('started_at', '<', q.end)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', q.start)]));
  if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
  const after = q.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('project_id', '>', after.projectId),
        eb.and([eb('project_id', '=', after.projectId), eb('resource_id', '>', after.resourceId)]),
      ]),
    );
  }
  const rows = await query.orderBy('project_id').orderBy('resource_id').limit(q.limit).execute();
  return rows.map((r) => ({ projectId: r.project_id, resourceId: r.resource_id }));
}

/** The project of the resource's latest record, for a paging marker; undefined when it has none. */
export async function projectOfResource(
  db: MeteringExecutor,
  resourceType: string,
  resourceId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('usage_records')
    .select('project_id')
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.project_id;
}
