// Kysely queries for per-project compute quota overrides (compute_quotas). A resource without a row
// takes the configured default.
import type { Kysely } from 'kysely';
import type { ComputeTables } from './compute-tables.js';

export function createQuotaStore(db: Kysely<ComputeTables>) {
  return {
    /** The project's overrides, resource → hard limit (-1: unlimited). */
    async overrides(projectId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('compute_quotas')
        .select(['resource', 'hard_limit'])
        .where('project_id', '=', projectId)
        .limit(100)
        .execute();
      return new Map(rows.map((r) => [r.resource, Number(r.hard_limit)]));
    },

    /** Sets the given overrides in one transaction (delete + insert keeps it portable). */
    async set(projectId: string, limits: ReadonlyMap<string, number>): Promise<void> {
      await db.transaction().execute(async (trx) => {
        for (const [resource, limit] of limits) {
          await trx
            .deleteFrom('compute_quotas')
            .where('project_id', '=', projectId)
            .where('resource', '=', resource)
            .execute();
          await trx
            .insertInto('compute_quotas')
            .values({ project_id: projectId, resource, hard_limit: limit })
            .execute();
        }
      });
    },

    async reset(projectId: string): Promise<void> {
      await db.deleteFrom('compute_quotas').where('project_id', '=', projectId).execute();
    },
  };
}

export type QuotaStore = ReturnType<typeof createQuotaStore>;
