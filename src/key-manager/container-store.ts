// Kysely queries for containers (key_manager_containers) and their named secret references
// (key_manager_container_secrets, in the order they were given).
import type { Kysely } from 'kysely';
import type { ContainerTable, KeyManagerTables } from './key-manager-tables.js';
import type { ContainerRecord, ContainerSecretRef, Page } from './model.js';

export interface ContainerListQuery {
  projectId: string;
  offset: number;
  limit: number;
  name?: string;
  type?: string;
}

function toRecord(row: ContainerTable, refs: ContainerSecretRef[]): ContainerRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    creatorId: row.creator_id,
    name: row.name,
    type: row.type,
    status: row.status,
    secretRefs: refs,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A container's secret references, appended at the next position. */
function refQueries(db: Kysely<KeyManagerTables>) {
  return {
    async addRef(containerId: string, ref: ContainerSecretRef): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const last = await trx
          .selectFrom('key_manager_container_secrets')
          .select((eb) => eb.fn.max('position').as('position'))
          .where('container_id', '=', containerId)
          .executeTakeFirst();
        const position =
          last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
        await trx
          .insertInto('key_manager_container_secrets')
          .values({ container_id: containerId, secret_id: ref.secretId, name: ref.name, position })
          .execute();
      });
    },

    async removeRef(containerId: string, ref: ContainerSecretRef): Promise<number> {
      let query = db
        .deleteFrom('key_manager_container_secrets')
        .where('container_id', '=', containerId)
        .where('secret_id', '=', ref.secretId);
      query = ref.name === null ? query.where('name', 'is', null) : query.where('name', '=', ref.name);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function createContainerStore(db: Kysely<KeyManagerTables>) {
  async function refsOf(ids: string[]): Promise<Map<string, ContainerSecretRef[]>> {
    const byContainer = new Map<string, ContainerSecretRef[]>();
    if (ids.length === 0) return byContainer;
    const rows = await db
      .selectFrom('key_manager_container_secrets')
      .selectAll()
      .where('container_id', 'in', ids)
      .orderBy('container_id')
      .orderBy('position')
      .execute();
    for (const row of rows) {
      const list = byContainer.get(row.container_id) ?? [];
      list.push({ name: row.name, secretId: row.secret_id });
      byContainer.set(row.container_id, list);
    }
    return byContainer;
  }

  function filtered(q: ContainerListQuery) {
    let query = db.selectFrom('key_manager_containers').where('project_id', '=', q.projectId);
    if (q.name) query = query.where('name', 'like', q.name);
    if (q.type) query = query.where('type', '=', q.type);
    return query;
  }

  return {
    async insert(container: ContainerRecord): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('key_manager_containers')
          .values({
            id: container.id,
            project_id: container.projectId,
            creator_id: container.creatorId,
            name: container.name,
            type: container.type,
            status: container.status,
            created_at: container.createdAt,
            updated_at: container.updatedAt,
          })
          .execute();
        if (container.secretRefs.length === 0) return;
        await trx
          .insertInto('key_manager_container_secrets')
          .values(
            container.secretRefs.map((ref, position) => ({
              container_id: container.id,
              secret_id: ref.secretId,
              name: ref.name,
              position,
            })),
          )
          .execute();
      });
    },

    async get(id: string): Promise<ContainerRecord | undefined> {
      const row = await db
        .selectFrom('key_manager_containers')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      return toRecord(row, (await refsOf([id])).get(id) ?? []);
    },

    async list(q: ContainerListQuery): Promise<Page<ContainerRecord>> {
      const counted = await filtered(q)
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      const rows = await filtered(q)
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      const refs = await refsOf(rows.map((r) => r.id));
      return {
        items: rows.map((r) => toRecord(r, refs.get(r.id) ?? [])),
        offset: q.offset,
        limit: q.limit,
        total: Number(counted.total),
      };
    },

    ...refQueries(db),

    async remove(id: string): Promise<boolean> {
      const result = await db.deleteFrom('key_manager_containers').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

export type ContainerStore = ReturnType<typeof createContainerStore>;
