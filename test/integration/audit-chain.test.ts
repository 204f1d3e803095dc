// The audit trail is tamper-evident: every event is chained to the one before it, the head is sealed
// with a MAC under a key outside the database, and verify names any edited, deleted or reordered row —
// including a rewrite that recomputes every hash after an edit. Through the API, a project admin reads
// only their project's events; a cloud admin reads all.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditSealer } from '../../src/audit/audit-seal.js';
import { eventHash } from '../../src/audit/audit-chain.js';
import { verifyAuditTrail } from '../../src/audit/audit-verify.js';
import { systemClock } from '../../src/common/clock.js';
import { openKeyRepository } from '../../src/common/crypto/key-repository.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createS3User, type S3User } from './s3-support.js';

let t: TestApp;
let alice: S3User;
let bob: S3User;
const keys = () => openKeyRepository(join(t.dataDir, 'keys', 'audit'));
const verify = () => verifyAuditTrail(t.db, keys());

beforeAll(async () => {
  t = await startTestApp();
  alice = await createS3User(t, 'alice-audit', { role: 'admin' });
  bob = await createS3User(t, 'bob-audit', { role: 'admin' });
  // A write in each project and a refused login, so the chain holds events of both and a failure.
  for (const u of [alice, bob]) {
    const res = await fetch(`${t.url}/network/v2.0/networks`, {
      method: 'POST',
      headers: { 'x-auth-token': u.token, 'content-type': 'application/json' },
      body: JSON.stringify({ network: { name: `net-${u.userName}` } }),
    });
    expect(res.status).toBe(201);
  }
  const refused = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'alice-audit', domain: { id: 'default' }, password: 'wrong' } },
        },
      },
    }),
  });
  expect(refused.status).toBe(401);
});
afterAll(async () => t?.close());

/** Runs `change` on the database, checks verify's findings, then puts the rows back. */
async function tampered(change: () => Promise<() => Promise<void>>): Promise<string[]> {
  const restore = await change();
  try {
    return (await verify()).problems;
  } finally {
    await restore();
  }
}

async function rowAt(seq: number) {
  return t.db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
}

describe('audit chain', () => {
  it('verifies an untouched trail, sealed by a key outside the database', async () => {
    const seal = await createAuditSealer(t.db, keys(), systemClock).sealNow();
    expect(seal?.seq).toBeGreaterThan(5);
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.events).toBeGreaterThanOrEqual(seal?.seq ?? Infinity);
    expect(report.seals).toBe(1);
  });

  it('names an edited event', async () => {
    const problems = await tampered(async () => {
      const [three, four] = [await rowAt(3), await rowAt(4)];
      await t.db.updateTable('audit_events').set({ target_id: 'tampered' }).where('seq', '=', 3).execute();
      await t.db.updateTable('audit_events').set({ action: 'nothing-to-see' }).where('seq', '=', 4).execute();
      return async () => {
        await t.db.updateTable('audit_events').set(three).where('seq', '=', 3).execute();
        await t.db.updateTable('audit_events').set(four).where('seq', '=', 4).execute();
      };
    });
    expect(problems).toContainEqual(expect.stringMatching(/^event 3 .*edited$/));
    expect(problems.some((p) => p.startsWith('event 4 ') && p.endsWith('edited'))).toBe(true);
  });

  it('names a deleted event, and events deleted at the end', async () => {
    const middle = await tampered(async () => {
      const row = await rowAt(2);
      await t.db.deleteFrom('audit_events').where('seq', '=', 2).execute();
      return async () => void (await t.db.insertInto('audit_events').values(row).execute());
    });
    expect(middle).toContainEqual(
      expect.stringMatching(/^events 2\.\.2 are missing before event 3 .*deleted$/),
    );
    const head = await t.db.selectFrom('audit_chain').select('seq').executeTakeFirstOrThrow();
    const end = await tampered(async () => {
      const row = await rowAt(Number(head.seq));
      await t.db
        .deleteFrom('audit_events')
        .where('seq', '=', row.seq as number)
        .execute();
      return async () => void (await t.db.insertInto('audit_events').values(row).execute());
    });
    expect(end).toContainEqual(expect.stringMatching(/deleted at the end$/));
  });

  it('names reordered events', async () => {
    const problems = await tampered(async () => {
      const [a, b] = [await rowAt(5), await rowAt(6)];
      await t.db.updateTable('audit_events').set({ seq: -1 }).where('seq', '=', 5).execute();
      await t.db.updateTable('audit_events').set({ seq: 5 }).where('seq', '=', 6).execute();
      await t.db.updateTable('audit_events').set({ seq: 6 }).where('seq', '=', -1).execute();
      return async () => {
        await t.db.deleteFrom('audit_events').where('seq', 'in', [5, 6]).execute();
        await t.db.insertInto('audit_events').values([a, b]).execute();
      };
    });
    expect(problems.some((p) => p.startsWith('event 5 '))).toBe(true);
    expect(problems.some((p) => p.startsWith('event 6 '))).toBe(true);
  });

  it('catches an edit whose author recomputed every hash after it, through the seal', async () => {
    const problems = await tampered(async () => {
      const rows = await t.db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>=', 2)
        .orderBy('seq')
        .execute();
      let prev = (await rowAt(1)).hash as string;
      for (const row of rows) {
        const seq = Number(row.seq);
        const edited = seq === 2 ? { ...row, source_address: '203.0.113.9' } : row;
        const hash = eventHash(seq, prev, edited);
        await t.db
          .updateTable('audit_events')
          .set({ ...edited, prev_hash: prev, hash })
          .where('seq', '=', seq)
          .execute();
        prev = hash;
      }
      await t.db.updateTable('audit_chain').set({ hash: prev }).where('id', '=', 'head').execute();
      return async () => {
        for (const row of rows)
          await t.db
            .updateTable('audit_events')
            .set(row)
            .where('seq', '=', row.seq as number)
            .execute();
        await t.db
          .updateTable('audit_chain')
          .set({ hash: rows.at(-1)?.hash as string })
          .where('id', '=', 'head')
          .execute();
      };
    });
    expect(problems).toContainEqual(
      expect.stringMatching(/^seal at event \d+: the chain no longer holds the sealed hash/),
    );
    expect(await verify()).toMatchObject({ problems: [] });
  });

  it('lets a project admin read only their project, a cloud admin everything', async () => {
    const read = async (token: string, query = '') => {
      const res = await fetch(`${t.identityUrl}/v3/OS-NUAGE/audit/events${query}`, {
        headers: { 'x-auth-token': token },
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const own = await read(alice.token);
    expect(own.status).toBe(200);
    expect(own.body.events.length).toBeGreaterThan(0);
    expect(own.body.events.every((e: any) => e.initiator.project_id === alice.projectId)).toBe(true);
    expect(own.body.events[0]).toMatchObject({ action: expect.any(String), outcome: expect.any(String) });
    const member = await createS3User(t, 'carol-audit', { projectId: alice.projectId });
    expect((await read(member.token)).status).toBe(403);
    const other = await read(alice.token, `?project_id=${bob.projectId}`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe(403);
    const all = await read(t.adminToken, `?project_id=${bob.projectId}&outcome=success`);
    expect(all.status).toBe(200);
    expect(all.body.events.length).toBeGreaterThan(0);
    expect(all.body.events.every((e: any) => e.initiator.project_id === bob.projectId)).toBe(true);
    const failures = await read(t.adminToken, '?action=authenticate&outcome=failure');
    expect(failures.body.events.length).toBeGreaterThan(0);
    const page = await read(t.adminToken, '?limit=2');
    expect(page.body.events).toHaveLength(2);
    expect(page.body.links.next).toContain('marker=');
    expect((await read(t.adminToken, '?limit=abc')).status).toBe(400);
    expect((await read(t.adminToken, '?nuage_unknown=1')).status).toBe(400);
  });
});
