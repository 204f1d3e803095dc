// Kysely queries for flavors, their project access list and their extra specs.
import type { Kysely, Selectable } from 'kysely';
import type { ComputeTables, FlavorTable } from './compute-tables.js';
import type { Flavor } from './model.js';

/** Hard cap on the rows one listing reads. */
export const FLAVOR_SCAN_LIMIT = 10_000;

function toFlavor(row: Selectable<FlavorTable>, extraSpecs: Record<string, string>): Flavor {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    vcpus: row.vcpus,
    ramMiB: row.ram_mib,
    diskGib: row.disk_gib,
    ephemeralGib: row.ephemeral_gib,
    swapMiB: row.swap_mib,
    rxtxFactor: Number(row.rxtx_factor),
    isPublic: row.is_public === 1,
    disabled: row.disabled === 1,
    extraSpecs,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createFlavorStore(db: Kysely<ComputeTables>) {
  async function specsOf(ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const rows = await db
      .selectFrom('compute_flavor_extra_specs')
      .selectAll()
      .where('flavor_id', 'in', ids)
      .execute();
    for (const row of rows) {
      const specs = out.get(row.flavor_id) ?? {};
      specs[row.key] = row.value;
      out.set(row.flavor_id, specs);
    }
    return out;
  }

  return {
    async get(id: string): Promise<Flavor | undefined> {
      const row = await db.selectFrom('compute_flavors').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return toFlavor(row, (await specsOf([id])).get(id) ?? {});
    },

    async getByName(name: string): Promise<Flavor | undefined> {
      const row = await db
        .selectFrom('compute_flavors')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) return undefined;
      return toFlavor(row, (await specsOf([row.id])).get(row.id) ?? {});
    },

    /** Flavors visible to a project (public ones and those shared with it); all when project is undefined. */
    async list(visibleTo: string | undefined, isPublic: boolean | undefined): Promise<Flavor[]> {
      let query = db.selectFrom('compute_flavors').selectAll().orderBy('id').limit(FLAVOR_SCAN_LIMIT);
      if (isPublic !== undefined) query = query.where('is_public', '=', isPublic ? 1 : 0);
      if (visibleTo !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('is_public', '=', 1),
            eb(
              'id',
              'in',
              eb
                .selectFrom('compute_flavor_projects')
                .select('flavor_id')
                .where('project_id', '=', visibleTo),
            ),
          ]),
        );
      }
      const rows = await query.execute();
      const specs = await specsOf(rows.map((r) => r.id));
      return rows.map((r) => toFlavor(r, specs.get(r.id) ?? {}));
    },

    async insert(f: Flavor): Promise<void> {
      await db
        .insertInto('compute_flavors')
        .values({
          id: f.id,
          name: f.name,
          description: f.description,
          vcpus: f.vcpus,
          ram_mib: f.ramMiB,
          disk_gib: f.diskGib,
          ephemeral_gib: f.ephemeralGib,
          swap_mib: f.swapMiB,
          rxtx_factor: f.rxtxFactor,
          is_public: f.isPublic ? 1 : 0,
          disabled: f.disabled ? 1 : 0,
          created_at: f.createdAt,
          updated_at: f.updatedAt,
        })
        .execute();
    },

    async updateDescription(id: string, description: string | null, at: string): Promise<void> {
      await db
        .updateTable('compute_flavors')
        .set({ description, updated_at: at })
        .where('id', '=', id)
        .execute();
    },

    async remove(id: string): Promise<boolean> {
      const result = await db.deleteFrom('compute_flavors').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async projects(flavorId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('compute_flavor_projects')
        .select('project_id')
        .where('flavor_id', '=', flavorId)
        .orderBy('project_id')
        .execute();
      return rows.map((r) => r.project_id);
    },

    async hasProject(flavorId: string, projectId: string): Promise<boolean> {
      const row = await db
        .selectFrom('compute_flavor_projects')
        .select('project_id')
        .where('flavor_id', '=', flavorId)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async addProject(flavorId: string, projectId: string): Promise<void> {
      await db
        .insertInto('compute_flavor_projects')
        .values({ flavor_id: flavorId, project_id: projectId })
        .execute();
    },

    async removeProject(flavorId: string, projectId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('compute_flavor_projects')
        .where('flavor_id', '=', flavorId)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** Upserts each key (delete + insert: portable across SQLite and PG). */
    async setSpecs(flavorId: string, specs: Record<string, string>): Promise<void> {
      for (const [key, value] of Object.entries(specs)) {
        await db
          .deleteFrom('compute_flavor_extra_specs')
          .where('flavor_id', '=', flavorId)
          .where('key', '=', key)
          .execute();
        await db
          .insertInto('compute_flavor_extra_specs')
          .values({ flavor_id: flavorId, key, value })
          .execute();
      }
    },

    async removeSpec(flavorId: string, key: string): Promise<boolean> {
      const result = await db
        .deleteFrom('compute_flavor_extra_specs')
        .where('flavor_id', '=', flavorId)
        .where('key', '=', key)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type FlavorStore = ReturnType<typeof createFlavorStore>;
