// Retention and export: events are pruned only once sealed and exported, the cut leaves a MACed anchor
// that verify starts from (a moved anchor, or an event deleted after it, still breaks verify); export
// writes CADF JSON lines by time range and moves the 'exported' mark; continuous export reaches a file
// and a syslog receiver.
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditExporter, exportedMark, exportRange } from '../../src/audit/audit-export.js';
import { pruneAudit } from '../../src/audit/audit-prune.js';
import { createAuditSealer } from '../../src/audit/audit-seal.js';
import { fileSink, syslogSink } from '../../src/audit/audit-sinks.js';
import { verifyAuditTrail } from '../../src/audit/audit-verify.js';
import { systemClock } from '../../src/common/clock.js';
import { openKeyRepository } from '../../src/common/crypto/key-repository.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let dir: string;
const keys = () => openKeyRepository(join(t.dataDir, 'keys', 'audit'));
const verify = () => verifyAuditTrail(t.db, keys());
const seal = () => createAuditSealer(t.db, keys(), systemClock).sealNow();
/** A year on: every event so far is past a 183-day retention. */
const later = { now: () => new Date(Date.now() + 365 * 86_400_000) };
const prune = () => pruneAudit(t.db, keys(), later, 183);
const headSeq = async () =>
  Number((await t.db.selectFrom('audit_chain').select('seq').executeTakeFirstOrThrow()).seq);

async function writes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${t.url}/network/v2.0/networks`, {
      method: 'POST',
      headers: { 'x-auth-token': t.adminToken, 'content-type': 'application/json' },
      body: JSON.stringify({ network: { name: `kept-${i}-${Math.random()}` } }),
    });
    expect(res.status).toBe(201);
  }
}

beforeAll(async () => {
  t = await startTestApp();
  dir = await mkdtemp(join(tmpdir(), 'nuage-audit-retention-'));
  await writes(3);
});
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('audit retention and export', () => {
  it('prunes nothing that is not both sealed and exported', async () => {
    expect((await prune()).pruned).toBe(0);
    await seal();
    expect((await prune()).pruned).toBe(0);
  });

  it('exports a time range as CADF JSON lines and moves the exported mark', async () => {
    const out = join(dir, 'export.jsonl');
    const until = new Date(Date.now() + 1000).toISOString();
    const count = await exportRange(t.db, systemClock, { until }, fileSink(out));
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(count);
    const first = JSON.parse(lines[0] as string);
    expect(first).toMatchObject({ seq: 1, initiator: expect.any(Object), target: expect.any(Object) });
    expect(await exportedMark(t.db)).toBeGreaterThanOrEqual(count > 0 ? 1 : 0);
    // A range in the past exports nothing and leaves the mark where it was.
    const mark = await exportedMark(t.db);
    expect(await exportRange(t.db, systemClock, { until: '2000-01-01T00:00:00Z' }, fileSink(out))).toBe(0);
    expect(await exportedMark(t.db)).toBe(mark);
  });

  it('prunes up to the last sealed, exported event; verify starts from the anchor', async () => {
    const sealed = (
      await t.db.selectFrom('audit_seals').select('seq').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    ).seq;
    const result = await prune();
    expect(result.anchor).toBe(Number(sealed));
    expect(result.pruned).toBe(Number(sealed));
    expect(
      await t.db.selectFrom('audit_events').select('seq').where('seq', '<=', Number(sealed)).execute(),
    ).toEqual([]);
    await writes(2);
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report.anchor).toBe(Number(sealed));
    expect(report.events).toBe((await headSeq()) - Number(sealed));
  });

  it('still names an event deleted after the anchor, and a moved anchor', async () => {
    const anchor = Number((await prune()).anchor);
    const next = await t.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', anchor + 1)
      .executeTakeFirstOrThrow();
    await t.db
      .deleteFrom('audit_events')
      .where('seq', '=', anchor + 1)
      .execute();
    const deleted = (await verify()).problems;
    await t.db.insertInto('audit_events').values(next).execute();
    expect(deleted).toContainEqual(expect.stringMatching(/are missing before event .*deleted$/));

    await t.db
      .updateTable('audit_marks')
      .set({ seq: anchor + 1 })
      .where('name', '=', 'anchor')
      .execute();
    const moved = (await verify()).problems;
    await t.db.updateTable('audit_marks').set({ seq: anchor }).where('name', '=', 'anchor').execute();
    expect(moved).toContainEqual(expect.stringMatching(/retention anchor .*moved or forged$/));
    expect((await verify()).problems).toEqual([]);
  });

  it('exports new events continuously to a file and a syslog receiver', async () => {
    const receiver = createSocket('udp4');
    const received: string[] = [];
    receiver.on('message', (msg) => received.push(msg.toString()));
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    try {
      const out = join(dir, 'continuous.jsonl');
      const udp = syslogSink(`udp://127.0.0.1:${receiver.address().port}`);
      const file = fileSink(out);
      const exporter = createAuditExporter(t.db, systemClock, async (lines) => {
        await file(lines);
        await udp(lines);
      });
      const before = await exportedMark(t.db);
      const sent = await exporter.exportNew();
      expect(sent).toBe((await headSeq()) - before);
      expect(await exportedMark(t.db)).toBe(await headSeq());
      expect(await exporter.exportNew()).toBe(0);
      const lines = (await readFile(out, 'utf8')).trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).seq)).toEqual(
        Array.from({ length: sent }, (_, i) => before + 1 + i),
      );
      for (let i = 0; i < 50 && received.length < sent; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(sent);
      expect(received[0]).toMatch(/^<86>1 \S+ \S+ nuage - audit - \{/);
    } finally {
      receiver.close();
    }
  });
});
