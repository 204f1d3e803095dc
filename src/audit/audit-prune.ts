// Retention: events older than `audit.retentionDays` are deleted, but only up to a sealed event that has
// been exported — never an event that exists nowhere else, and never past a point verify cannot start
// from. The cut leaves an anchor (the last pruned event's seq and hash, MACed under the audit key):
// verify starts the chain there, and a moved or invented anchor fails its MAC.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { KeyRepository } from '../common/crypto/key-repository.js';
import type { AuditMarkTable, Database } from '../db/schema.js';
import { exportedMark } from './audit-export.js';

export function anchorMac(material: Buffer, a: Pick<AuditMarkTable, 'seq' | 'hash' | 'at'>): string {
  return createHmac('sha256', material)
    .update(`anchor:${Number(a.seq)}:${a.hash}:${a.at}`)
    .digest('hex');
}

export async function readAnchor(db: Kysely<Database>): Promise<AuditMarkTable | undefined> {
  return db.selectFrom('audit_marks').selectAll().where('name', '=', 'anchor').executeTakeFirst();
}

export interface PruneResult {
  pruned: number;
  /** The anchor after the run (0: the chain was never cut). */
  anchor: number;
}

export async function pruneAudit(
  db: Kysely<Database>,
  keys: KeyRepository,
  clock: Clock,
  retentionDays: number,
): Promise<PruneResult> {
  const cutoff = new Date(clock.now().getTime() - retentionDays * 86_400_000).toISOString();
  const exported = await exportedMark(db);
  const current = Number((await readAnchor(db))?.seq ?? 0);
  // The newest seal over an exported event older than the cutoff.
  const seal = await db
    .selectFrom('audit_seals as s')
    .innerJoin('audit_events as e', 'e.seq', 's.seq')
    .select(['s.seq', 's.hash'])
    .where('s.seq', '<=', exported)
    .where('e.at', '<', cutoff)
    .orderBy('s.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!seal || Number(seal.seq) <= current) return { pruned: 0, anchor: current };
  const key = keys.primary();
  const base = { seq: Number(seal.seq), hash: seal.hash, at: clock.now().toISOString() };
  const anchor = { ...base, key_id: key.fingerprint.toString('hex'), mac: anchorMac(key.material, base) };
  const pruned = await db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('audit_events').where('seq', '<=', base.seq).executeTakeFirst();
    await trx
      .insertInto('audit_marks')
      .values({ name: 'anchor', ...anchor })
      .onConflict((oc) => oc.column('name').doUpdateSet(anchor))
      .execute();
    return Number(deleted.numDeletedRows);
  });
  return { pruned, anchor: base.seq };
}
