// Kysely queries for volume attachments (the attachments API and the worker's attach/detach tasks).
// Writes after creation are compare-and-set on the row version. Spread into the volume store.
import assert from 'node:assert';
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
import type { Attachment, AttachmentStatus, AttachmentTask } from './model.js';
import type { VolumeAttachmentTable, VolumeTables } from './volume-tables.js';

const LIMIT_MAX = 1000;

export interface AttachmentListQuery {
  /** undefined: every project. */
  projectId: string | undefined;
  volumeId?: string | undefined;
  instanceId?: string | undefined;
  status?: string | undefined;
  /** Column filters by Cinder's wire names (the API's). */
  filters?: readonly FilterClause[] | undefined;
  markerId?: string | undefined;
  limit: number;
  offset?: number | undefined;
  /** Cinder's sort keys; absent: creation order (the worker's and compute's lists). */
  sort?: readonly SortKey[] | undefined;
}

/** The attachment columns the API may sort and filter by, by Cinder's key names. */
const ATTACHMENT_COLUMNS: Record<string, SortColumn> = {
  id: { column: 'id' },
  created_at: { column: 'created_at' },
  updated_at: { column: 'updated_at' },
  volume_id: { column: 'volume_id' },
  instance_id: { column: 'instance_id', nullableText: true },
  instance_uuid: { column: 'instance_id', nullableText: true },
  status: { column: 'status' },
  attach_status: { column: 'status' },
  attach_mode: { column: 'attach_mode' },
  project_id: { column: 'project_id' },
};

function parseJson<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}

function toAttachment(row: Selectable<VolumeAttachmentTable>): Attachment {
  return {
    id: row.id,
    volumeId: row.volume_id,
    projectId: row.project_id,
    instanceId: row.instance_id,
    status: row.status as AttachmentStatus,
    task: row.task as AttachmentTask | null,
    attachMode: row.attach_mode === 'ro' ? 'ro' : 'rw',
    connector: parseJson<Record<string, unknown> | null>(row.connector, null),
    mountpoint: row.mountpoint,
    attachedAt: row.attached_at,
    detachedAt: row.detached_at,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type AttachmentPatch = Partial<
  Pick<
    Attachment,
    'status' | 'task' | 'connector' | 'mountpoint' | 'attachedAt' | 'detachedAt' | 'attachMode'
  >
> & { deleted?: boolean };

export function createAttachmentQueries(db: Kysely<VolumeTables>) {
  return {
    async insertAttachment(a: Attachment): Promise<void> {
      await db
        .insertInto('volume_attachments')
        .values({
          id: a.id,
          volume_id: a.volumeId,
          project_id: a.projectId,
          instance_id: a.instanceId,
          status: a.status,
          task: a.task,
          attach_mode: a.attachMode,
          connector: a.connector === null ? null : JSON.stringify(a.connector),
          mountpoint: a.mountpoint,
          attached_at: a.attachedAt,
          detached_at: a.detachedAt,
          deleted: 0,
          version: a.version,
          created_at: a.createdAt,
          updated_at: a.updatedAt,
        })
        .execute();
    },

    async getAttachment(id: string): Promise<Attachment | undefined> {
      const row = await db
        .selectFrom('volume_attachments')
        .selectAll()
        .where('id', '=', id)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      return row ? toAttachment(row) : undefined;
    },

    async attachmentsOf(volumeIds: readonly string[]): Promise<Attachment[]> {
      if (volumeIds.length === 0) return [];
      const rows = await db
        .selectFrom('volume_attachments')
        .selectAll()
        .where('volume_id', 'in', volumeIds)
        .where('deleted', '=', 0)
        .orderBy('created_at')
        .execute();
      return rows.map(toAttachment);
    },

    async listAttachments(q: AttachmentListQuery): Promise<Attachment[]> {
      let query = db.selectFrom('volume_attachments').selectAll().where('deleted', '=', 0);
      if (q.projectId !== undefined) query = query.where('project_id', '=', q.projectId);
      if (q.volumeId !== undefined) query = query.where('volume_id', '=', q.volumeId);
      if (q.instanceId !== undefined) query = query.where('instance_id', '=', q.instanceId);
      if (q.status !== undefined) query = query.where('status', '=', q.status);
      for (const clause of q.filters ?? []) query = query.where(filterExpression(ATTACHMENT_COLUMNS, clause));
      // Internal callers list in creation order; the API sorts as Cinder does (newest first by default).
      const sort = q.sort === undefined ? [] : resolveSort(ATTACHMENT_COLUMNS, q.sort);
      if (q.markerId !== undefined) {
        const marker = await db
          .selectFrom('volume_attachments')
          .selectAll()
          .where('id', '=', q.markerId)
          .executeTakeFirst();
        assert(marker !== undefined, 'the service checks the marker');
        query = query.where(afterMarker(sort, marker));
      }
      if (sort.length === 0) query = query.orderBy('created_at');
      for (const s of sort) query = query.orderBy(sortExpression(s.column), s.dir);
      const rows = await query
        .limit(Math.min(q.limit, LIMIT_MAX))
        .offset(q.offset ?? 0)
        .execute();
      return rows.map(toAttachment);
    },

    async updateAttachment(
      id: string,
      version: number,
      patch: AttachmentPatch,
      now: string,
    ): Promise<Attachment | undefined> {
      const row: Updateable<VolumeAttachmentTable> = { version: version + 1, updated_at: now };
      if (patch.status !== undefined) row.status = patch.status;
      if (patch.task !== undefined) row.task = patch.task;
      if (patch.connector !== undefined)
        row.connector = patch.connector === null ? null : JSON.stringify(patch.connector);
      if (patch.mountpoint !== undefined) row.mountpoint = patch.mountpoint;
      if (patch.attachedAt !== undefined) row.attached_at = patch.attachedAt;
      if (patch.detachedAt !== undefined) row.detached_at = patch.detachedAt;
      if (patch.attachMode !== undefined) row.attach_mode = patch.attachMode;
      if (patch.deleted !== undefined) row.deleted = patch.deleted ? 1 : 0;
      const result = await db
        .updateTable('volume_attachments')
        .set(row)
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      const next = await db
        .selectFrom('volume_attachments')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return toAttachment(next);
    },

    async pendingAttachments(limit: number): Promise<Attachment[]> {
      const rows = await db
        .selectFrom('volume_attachments')
        .selectAll()
        .where('task', 'is not', null)
        .where('deleted', '=', 0)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.map(toAttachment);
    },
  };
}
