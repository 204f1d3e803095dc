// Kysely queries for orders (key_manager_orders). Orders are always looked up within their project.
import type { Kysely } from 'kysely';
import type { KeyManagerTables, OrderTable } from './key-manager-tables.js';
import type { OrderRecord, Page } from './model.js';

function toRecord(row: OrderTable): OrderRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    creatorId: row.creator_id,
    type: row.type,
    status: row.status,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    secretId: row.secret_id,
    containerId: row.container_id,
    errorStatusCode: row.error_status_code,
    errorReason: row.error_reason,
    subStatus: row.sub_status,
    subStatusMessage: row.sub_status_message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createOrderStore(db: Kysely<KeyManagerTables>) {
  function filtered(projectId: string, meta: string | undefined) {
    let query = db.selectFrom('key_manager_orders').where('project_id', '=', projectId);
    // Barbican's Order.meta.contains(): a substring of the stored JSON text (unescaped, as there).
    if (meta) query = query.where('meta', 'like', `%${meta}%`);
    return query;
  }

  return {
    async insert(order: OrderRecord): Promise<void> {
      await db
        .insertInto('key_manager_orders')
        .values({
          id: order.id,
          project_id: order.projectId,
          creator_id: order.creatorId,
          type: order.type,
          status: order.status,
          meta: JSON.stringify(order.meta),
          secret_id: order.secretId,
          container_id: order.containerId,
          error_status_code: order.errorStatusCode,
          error_reason: order.errorReason,
          sub_status: order.subStatus,
          sub_status_message: order.subStatusMessage,
          created_at: order.createdAt,
          updated_at: order.updatedAt,
        })
        .execute();
    },

    async get(id: string, projectId: string): Promise<OrderRecord | undefined> {
      const row = await db
        .selectFrom('key_manager_orders')
        .selectAll()
        .where('id', '=', id)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async list(q: {
      projectId: string;
      offset: number;
      limit: number;
      meta?: string;
    }): Promise<Page<OrderRecord>> {
      const counted = await filtered(q.projectId, q.meta)
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      const rows = await filtered(q.projectId, q.meta)
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return { items: rows.map(toRecord), offset: q.offset, limit: q.limit, total: Number(counted.total) };
    },

    /** Records how processing ended: the generated secret or container, or the error. */
    async finish(order: OrderRecord): Promise<void> {
      await db
        .updateTable('key_manager_orders')
        .set({
          status: order.status,
          secret_id: order.secretId,
          container_id: order.containerId,
          error_status_code: order.errorStatusCode,
          error_reason: order.errorReason,
          sub_status: order.subStatus,
          sub_status_message: order.subStatusMessage,
          updated_at: order.updatedAt,
        })
        .where('id', '=', order.id)
        .execute();
    },

    async remove(id: string): Promise<boolean> {
      const result = await db.deleteFrom('key_manager_orders').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
