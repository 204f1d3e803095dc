// Seals: the chain's head at a moment (seq, hash, time) with an HMAC under a key kept outside the
// database (the data dir's keys/audit repository; an operator may point it at storage the API process
// can only read). A rewrite of the chain that recomputes every hash still leaves the sealed hashes and
// their MACs behind it, which verify checks.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { KeyRepository } from '../common/crypto/key-repository.js';
import type { AuditSealTable, Database } from '../db/schema.js';

export function sealMac(material: Buffer, seal: Pick<AuditSealTable, 'seq' | 'hash' | 'at'>): string {
  return createHmac('sha256', material)
    .update(`${Number(seal.seq)}:${seal.hash}:${seal.at}`)
    .digest('hex');
}

export function createAuditSealer(db: Kysely<Database>, keys: KeyRepository, clock: Clock) {
  return {
    /** Seals the head if it moved since the last seal; the seal made, or undefined. */
    async sealNow(): Promise<AuditSealTable | undefined> {
      const head = await db
        .selectFrom('audit_chain')
        .select(['seq', 'hash'])
        .where('id', '=', 'head')
        .executeTakeFirst();
      if (!head || Number(head.seq) === 0) return undefined;
      const last = await db
        .selectFrom('audit_seals')
        .select('seq')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last && Number(last.seq) >= Number(head.seq)) return undefined;
      const key = keys.primary();
      const base = { seq: Number(head.seq), hash: head.hash, at: clock.now().toISOString() };
      const seal = { ...base, key_id: key.fingerprint.toString('hex'), mac: sealMac(key.material, base) };
      await db
        .insertInto('audit_seals')
        .values(seal)
        .onConflict((oc) => oc.column('seq').doNothing())
        .execute();
      return seal;
    },
  };
}

export type AuditSealer = ReturnType<typeof createAuditSealer>;
