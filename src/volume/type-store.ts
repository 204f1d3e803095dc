// Kysely queries for volume types (with extra specs and project access) and per-project quota overrides.
import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { VolumeType } from './model.js';
import type { VolumeTables, VolumeTypeTable } from './volume-tables.js';

export function createTypeStore(db: Kysely<VolumeTables>) {
  async function hydrate(rows: Selectable<VolumeTypeTable>[]): Promise<VolumeType[]> {
    if (rows.length === 0) return [];
    const specs = await db
      .selectFrom('volume_type_extra_specs')
      .selectAll()
      .where(
        'type_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      isPublic: r.is_public === 1,
      extraSpecs: Object.fromEntries(specs.filter((s) => s.type_id === r.id).map((s) => [s.key, s.value])),
    }));
  }

  return {
    async get(id: string): Promise<VolumeType | undefined> {
      const rows = await db.selectFrom('volume_types').selectAll().where('id', '=', id).execute();
      return (await hydrate(rows))[0];
    },
    async getByName(name: string): Promise<VolumeType | undefined> {
      const rows = await db.selectFrom('volume_types').selectAll().where('name', '=', name).execute();
      return (await hydrate(rows))[0];
    },
    /** Public types, plus private ones the project has access to (every type when projectId is undefined). */
    async list(projectId: string | undefined, limit: number): Promise<VolumeType[]> {
      let query = db.selectFrom('volume_types').selectAll();
      if (projectId !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('is_public', '=', 1),
            eb.exists(
              eb
                .selectFrom('volume_type_projects as p')
                .select('p.type_id')
                .whereRef('p.type_id', '=', 'volume_types.id')
                .where('p.project_id', '=', projectId),
            ),
          ]),
        );
      }
      return hydrate(await query.orderBy('name').limit(limit).execute());
    },
    async hasAccess(typeId: string, projectId: string): Promise<boolean> {
      const row = await db
        .selectFrom('volume_type_projects')
        .select('type_id')
        .where('type_id', '=', typeId)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row !== undefined;
    },
    async projectsOf(typeId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('volume_type_projects')
        .select('project_id')
        .where('type_id', '=', typeId)
        .execute();
      return rows.map((r) => r.project_id);
    },
    async addProject(typeId: string, projectId: string): Promise<void> {
      await db
        .insertInto('volume_type_projects')
        .values({ type_id: typeId, project_id: projectId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async removeProject(typeId: string, projectId: string): Promise<number> {
      const r = await db
        .deleteFrom('volume_type_projects')
        .where('type_id', '=', typeId)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async insert(t: VolumeType, now: string): Promise<void> {
      await db
        .insertInto('volume_types')
        .values({
          id: t.id,
          name: t.name,
          description: t.description,
          is_public: t.isPublic ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.setExtraSpecs(t.id, t.extraSpecs);
    },
    async update(
      t: Pick<VolumeType, 'id' | 'name' | 'description' | 'isPublic'>,
      now: string,
    ): Promise<void> {
      await db
        .updateTable('volume_types')
        .set({ name: t.name, description: t.description, is_public: t.isPublic ? 1 : 0, updated_at: now })
        .where('id', '=', t.id)
        .execute();
    },
    async delete(id: string): Promise<void> {
      await db.deleteFrom('volume_type_extra_specs').where('type_id', '=', id).execute();
      await db.deleteFrom('volume_type_projects').where('type_id', '=', id).execute();
      await db.deleteFrom('volume_types').where('id', '=', id).execute();
    },
    /** Merges the given specs into the type's. */
    async setExtraSpecs(typeId: string, specs: Record<string, string>): Promise<void> {
      for (const [key, value] of Object.entries(specs)) {
        await db
          .insertInto('volume_type_extra_specs')
          .values({ type_id: typeId, key, value })
          .onConflict((oc) => oc.columns(['type_id', 'key']).doUpdateSet({ value }))
          .execute();
      }
    },
    async deleteExtraSpec(typeId: string, key: string): Promise<number> {
      const r = await db
        .deleteFrom('volume_type_extra_specs')
        .where('type_id', '=', typeId)
        .where('key', '=', key)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    /**
     * Serialises quota checks of one project until the transaction ends, so that two concurrent creates
     * cannot both fit under the limit (PostgreSQL advisory lock; SQLite transactions are serial already).
     */
    async lockProjectQuota(projectId: string): Promise<void> {
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await sql`select pg_advisory_xact_lock(hashtext(${`volume-quota:${projectId}`}))`.execute(db);
    },

    async quotaOverrides(projectId: string): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('volume_quotas')
        .selectAll()
        .where('project_id', '=', projectId)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.resource, Number(r.hard_limit)]));
    },
    async setQuota(projectId: string, resource: string, limit: number): Promise<void> {
      await db
        .insertInto('volume_quotas')
        .values({ project_id: projectId, resource, hard_limit: limit })
        .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: limit }))
        .execute();
    },
    async clearQuotas(projectId: string): Promise<void> {
      await db.deleteFrom('volume_quotas').where('project_id', '=', projectId).execute();
    },
  };
}

export type TypeStore = ReturnType<typeof createTypeStore>;
