// Append-only storage of audit events: this module only ever inserts and reads, never updates or deletes.
import type { Kysely } from 'kysely';
import type { AuditEventTable, Database } from '../db/schema.js';

export type AuditEvent = AuditEventTable;

export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  /** Newest first, for operators and tests. */
  list(options: { limit: number; requestId?: string }): Promise<AuditEvent[]>;
}

export function createAuditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(event) {
      await db.insertInto('audit_events').values(event).execute();
    },
    async list({ limit, requestId }) {
      let q = db.selectFrom('audit_events').selectAll();
      if (requestId) q = q.where('request_id', '=', requestId);
      return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(Math.min(limit, 1000)).execute();
    },
  };
}
