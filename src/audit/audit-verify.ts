// `nuage audit verify`: walks the chain in order and names every row that breaks it — an edited event
// (its content no longer gives its hash), a deleted one (a gap in seq, or a head past the last event),
// a reordered or rewritten one (a previous hash that does not match, a seal the chain no longer holds,
// or a seal whose MAC fails under the key kept outside the database).
import type { Kysely } from 'kysely';
import type { KeyRepository } from '../common/crypto/key-repository.js';
import type { Database } from '../db/schema.js';
import { eventHash, GENESIS_HASH } from './audit-chain.js';
import { anchorMac, readAnchor } from './audit-prune.js';
import { sealMac } from './audit-seal.js';

export interface AuditVerifyReport {
  /** Chained events checked. */
  events: number;
  /** Where the chain starts: the last event pruned by retention (0: none pruned). */
  anchor: number;
  /** Events written before the chain existed (not checkable). */
  legacy: number;
  seals: number;
  problems: string[];
}

const PAGE = 1000;

/** Walks the chain; keeps the hashes of the sealed events only (the chain may be long). */
async function walkChain(
  db: Kysely<Database>,
  sealed: Set<number>,
  problems: string[],
  start: { seq: number; hash: string },
) {
  let expected = start.seq + 1;
  let prev = start.hash;
  let events = 0;
  const hashes = new Map<number, string>([[start.seq, start.hash]]);
  for (let after = start.seq; ;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq', 'asc')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      const name = `event ${seq} (${row.id})`;
      if (seq !== expected) {
        problems.push(`events ${expected}..${seq - 1} are missing before ${name}: deleted`);
      } else if (row.prev_hash !== prev) {
        problems.push(`${name}: its previous hash is not event ${seq - 1}'s: reordered or rewritten`);
      }
      if (eventHash(seq, row.prev_hash ?? '', row) !== row.hash) {
        problems.push(`${name}: its content does not give its hash: edited`);
      }
      if (sealed.has(seq)) hashes.set(seq, row.hash ?? '');
      prev = row.hash ?? '';
      expected = seq + 1;
      events++;
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  return { events, last: expected - 1, lastHash: prev, hashes };
}

/** Where the chain starts: the genesis, or the anchor retention left (its MAC checked). */
async function chainStart(db: Kysely<Database>, keys: KeyRepository, problems: string[]) {
  const anchor = await readAnchor(db);
  if (!anchor) return { seq: 0, hash: GENESIS_HASH };
  const key = anchor.key_id ? keys.findByFingerprint(Buffer.from(anchor.key_id, 'hex')) : undefined;
  if (!key || anchorMac(key.material, anchor) !== anchor.mac) {
    problems.push(
      `the retention anchor at event ${Number(anchor.seq)}: its MAC does not verify: moved or forged`,
    );
  }
  return { seq: Number(anchor.seq), hash: anchor.hash };
}

export async function verifyAuditTrail(
  db: Kysely<Database>,
  keys: KeyRepository,
): Promise<AuditVerifyReport> {
  const problems: string[] = [];
  const seals = await db.selectFrom('audit_seals').selectAll().orderBy('seq', 'asc').execute();
  keys.refresh();
  const start = await chainStart(db, keys, problems);
  const chain = await walkChain(db, new Set(seals.map((s) => Number(s.seq))), problems, start);
  const head = await db.selectFrom('audit_chain').selectAll().where('id', '=', 'head').executeTakeFirst();
  if (!head) problems.push('the chain head row is missing');
  else if (Number(head.seq) !== chain.last || head.hash !== chain.lastHash) {
    problems.push(
      `the head is at event ${Number(head.seq)} but the chain ends at ${chain.last}: events deleted at the end`,
    );
  }
  for (const seal of seals) {
    const seq = Number(seal.seq);
    const pruned = seq < start.seq;
    const key = keys.findByFingerprint(Buffer.from(seal.key_id, 'hex'));
    if (!key || sealMac(key.material, seal) !== seal.mac) {
      problems.push(`seal at event ${seq}: its MAC does not verify: the seal was forged or edited`);
    } else if (!pruned && chain.hashes.get(seq) !== seal.hash) {
      problems.push(
        `seal at event ${seq}: the chain no longer holds the sealed hash: events up to ${seq} rewritten`,
      );
    }
  }
  const legacy = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('seq', 'is', null)
    .executeTakeFirst();
  return {
    events: chain.events,
    anchor: start.seq,
    legacy: Number(legacy?.n ?? 0),
    seals: seals.length,
    problems,
  };
}
