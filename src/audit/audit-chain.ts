// The audit chain's hash: each event's hash covers its place, the previous event's hash and every field
// of the event in a fixed order, so an edit, a deletion or a reordering of any one row breaks the chain
// at that row (verify names it). JSON of an array, not of an object: the order of keys is the format.
import { createHash } from 'node:crypto';
import type { AuditEventTable } from '../db/schema.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event as written, outside the chain columns. */
export type AuditFields = Omit<AuditEventTable, 'seq' | 'prev_hash' | 'hash'>;

export function canonicalEvent(seq: number, prevHash: string, e: AuditFields): string {
  // Fields added after the chain began are appended only when set, so older events keep their hashes.
  const later = e.target_project_id ? [e.target_project_id] : [];
  return JSON.stringify([
    seq,
    prevHash,
    e.id,
    e.at,
    e.request_id,
    e.service,
    e.action,
    e.method,
    e.path,
    e.target_type,
    e.target_id,
    e.outcome,
    Number(e.status),
    e.initiator_user_id,
    e.initiator_project_id,
    e.initiator_domain_id,
    e.source_address,
    ...later,
  ]);
}

export function eventHash(seq: number, prevHash: string, e: AuditFields): string {
  return createHash('sha256')
    .update(canonicalEvent(seq, prevHash, e))
    .digest('hex');
}
