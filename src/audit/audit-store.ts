// Append-only storage of audit events: this module only ever inserts and reads, never updates or deletes
// an event. Appends are chained (audit-chain.ts): one transaction takes the head row (the UPDATE locks it
// on PostgreSQL; SQLite has one writer), hashes the event after the head's and moves the head, so the
// chain stays one line whatever the number of API processes.
import { sql, type Kysely } from 'kysely';
import type { AuditEventTable, Database } from '../db/schema.js';
import { eventHash, type AuditFields } from './audit-chain.js';

export type AuditEvent = AuditFields;
export type ChainedAuditEvent = AuditEventTable;

export interface AuditQuery {
  limit: number;
  requestId?: string;
  projectId?: string;
  userId?: string;
  action?: string;
  outcome?: 'success' | 'failure';
  since?: string;
  until?: string;
  /** Keyset paging: events before this seq (newest first). */
  beforeSeq?: number;
}

export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<ChainedAuditEvent[]>;
}

export function createAuditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(event) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('audit_chain')
          .set((eb) => ({ seq: eb('seq', '+', 1) }))
          .where('id', '=', 'head')
          .execute();
        const head = await trx
          .selectFrom('audit_chain')
          .select(['seq', 'hash'])
          .where('id', '=', 'head')
          .executeTakeFirstOrThrow();
        const seq = Number(head.seq);
        const hash = eventHash(seq, head.hash, event);
        await trx
          .insertInto('audit_events')
          .values({ ...event, seq, prev_hash: head.hash, hash })
          .execute();
        await trx.updateTable('audit_chain').set({ hash }).where('id', '=', 'head').execute();
      });
    },
    async list(query) {
      let q = db.selectFrom('audit_events').selectAll();
      if (query.requestId) q = q.where('request_id', '=', query.requestId);
      const projectId = query.projectId;
      // A project's trail: what was done in it, and cloud admins' reads of its data.
      if (projectId) {
        q = q.where((eb) =>
          eb.or([eb('initiator_project_id', '=', projectId), eb('target_project_id', '=', projectId)]),
        );
      }
      if (query.userId) q = q.where('initiator_user_id', '=', query.userId);
      if (query.action) q = q.where('action', '=', query.action);
      if (query.outcome) q = q.where('outcome', '=', query.outcome);
      if (query.since) q = q.where('at', '>=', query.since);
      if (query.until) q = q.where('at', '<', query.until);
      if (query.beforeSeq !== undefined) q = q.where('seq', '<', query.beforeSeq);
      // Chain order; events from before the chain (seq null) come last, oldest by time.
      return q
        .orderBy(sql`coalesce(seq, 0)`, 'desc')
        .orderBy('at', 'desc')
        .limit(Math.min(Math.max(query.limit, 1), 1000))
        .execute();
    },
  };
}
