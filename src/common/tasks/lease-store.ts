// Leases on resources, in the database so that every process sees them: an API node's worker, another
// API node's, a host agent's. A lease has a holder and an expiry; a holder that dies stops renewing,
// and its leases become free when they expire. Taking a lease is one upsert guarded by
// "free, expired or already mine", which both SQLite and PostgreSQL apply atomically.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';

export interface WorkLeaseTable {
  kind: string;
  resource_id: string;
  holder: string;
  expires_at: string;
  acquired_at: string;
}

export interface LeaseTables {
  work_leases: WorkLeaseTable;
}

export interface Lease {
  kind: string;
  resourceId: string;
  holder: string;
  expiresAt: string;
}

export interface LeaseStore {
  /** Takes (or extends) the lease when it is free, expired or held by `holder`; false otherwise. */
  acquire(kind: string, resourceId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease `holder` still holds; false when it lost it (expired and taken by another). */
  renew(kind: string, resourceId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up; a no-op when `holder` does not hold it. */
  release(kind: string, resourceId: string, holder: string): Promise<void>;
  /** The lease on a resource, if any (expired ones included: callers compare expiresAt). */
  get(kind: string, resourceId: string): Promise<Lease | undefined>;
  /** Leases of one holder (e.g. to release them all when a process stops). */
  heldBy(holder: string): Promise<Lease[]>;
}

export function createLeaseStore(db: Kysely<LeaseTables>, clock: Clock): LeaseStore {
  const at = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();

  return {
    async acquire(kind, resourceId, holder, ttlMs) {
      const now = at();
      const expiresAt = at(ttlMs);
      const result = await db
        .insertInto('work_leases')
        .values({ kind, resource_id: resourceId, holder, expires_at: expiresAt, acquired_at: now })
        .onConflict((oc) =>
          oc
            .columns(['kind', 'resource_id'])
            .doUpdateSet({ holder, expires_at: expiresAt, acquired_at: now })
            .where((eb) =>
              eb.or([eb('work_leases.expires_at', '<=', now), eb('work_leases.holder', '=', holder)]),
            ),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async renew(kind, resourceId, holder, ttlMs) {
      const result = await db
        .updateTable('work_leases')
        .set({ expires_at: at(ttlMs) })
        .where('kind', '=', kind)
        .where('resource_id', '=', resourceId)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async release(kind, resourceId, holder) {
      await db
        .deleteFrom('work_leases')
        .where('kind', '=', kind)
        .where('resource_id', '=', resourceId)
        .where('holder', '=', holder)
        .execute();
    },

    async get(kind, resourceId) {
      const row = await db
        .selectFrom('work_leases')
        .selectAll()
        .where('kind', '=', kind)
        .where('resource_id', '=', resourceId)
        .executeTakeFirst();
      return row && toLease(row);
    },

    async heldBy(holder) {
      const rows = await db.selectFrom('work_leases').selectAll().where('holder', '=', holder).execute();
      return rows.map(toLease);
    },
  };
}

function toLease(row: WorkLeaseTable): Lease {
  return { kind: row.kind, resourceId: row.resource_id, holder: row.holder, expiresAt: row.expires_at };
}
