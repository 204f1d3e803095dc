// Object-store usage through the real app with a clock the test moves by hand: bytes stored per account
// and storage policy (written with the object rows, Swift and S3 alike), egress and requests by class
// summed per minute, and rate() billing them to the cent. A 1 MiB object stands for 1 GiB: every
// per-GB price below is the real one × 1024, so the amounts are those of 1 GiB (1 GiB would only
// make the test slow).
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/common/clock.js';
import type { MeteringExecutor } from '../../src/metering/metering-tables.js';
import type { PriceList } from '../../src/metering/price-list.js';
import { rate } from '../../src/metering/rating.js';
import { recordsOfResources } from '../../src/metering/usage-store.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createS3User, s3Client, swiftUrl, type S3User } from './s3-support.js';

const MIB = 1024 * 1024;
const HOUR = 3_600_000;
// Starts at the real time: the S3 request below is signed with it (SigV4 allows 15 minutes of skew).
let now = Math.floor(Date.now() / 60_000) * 60_000;
const clock: Clock = { now: () => new Date(now) };

let t: TestApp;
let user: S3User;

async function swift(method: string, path: string, body?: Buffer) {
  const res = await fetch(swiftUrl(t, user.projectId, path), {
    method,
    headers: { 'x-auth-token': user.token },
    ...(body !== undefined && { body }),
  });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

const recordsOfProject = () =>
  recordsOfResources(t.db as unknown as MeteringExecutor, 'object-store', [user.projectId]);

/** 1 GiB costs €3 per GB-month stored and €0.09 per GB out; class A €0.01, class B €0.005 a request. */
const list: PriceList = {
  id: 'eu-1',
  name: 'object storage',
  region: 'RegionOne',
  currency: 'EUR',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: null,
  rules: {
    objectGbMonth: { 'Policy-0': String(3 * 1024) },
    egressGb: String(0.09 * 1024),
    requests: { A: '0.01', B: '0.005' },
  },
};

beforeAll(async () => {
  t = await startTestApp({ clock, identity: { tokenLifetimeSeconds: 7 * 24 * 3600 } });
  user = await createS3User(t, 'metering-objects');
});
afterAll(async () => t?.close());

describe('object-store usage', () => {
  it('bills 1 GiB stored for a day and downloaded twice to the cent', async () => {
    const start = now;
    const data = Buffer.alloc(MIB, 7);
    expect((await swift('PUT', '/bills')).status).toBe(201);
    expect((await swift('PUT', '/bills/big', data)).status).toBe(201);
    const s3 = s3Client(t, user);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bills', Key: 'big' }));
    expect((await got.Body?.transformToByteArray())?.length).toBe(MIB);
    now += 12 * HOUR;
    expect((await swift('GET', '/bills/big')).bytes.length).toBe(MIB);
    // Two listings in one minute: one record of two class A requests, not a row per request.
    expect((await swift('GET', '/bills')).status).toBe(200);
    expect((await swift('GET', '/bills')).status).toBe(200);
    now += 12 * HOUR;
    expect((await swift('DELETE', '/bills/big')).status).toBe(204);
    await t.metering.objectTraffic.flush();

    const records = await recordsOfProject();
    const stored = records.filter((r) => r.meter === 'object:bytes:Policy-0');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      quantity: String(MIB),
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + 24 * HOUR).toISOString(),
    });
    const sums = (meter: string) => records.filter((r) => r.meter === meter).map((r) => Number(r.quantity));
    expect(sums('object:egress:bytes')).toEqual([MIB, MIB]);
    expect(sums('object:requests:B')).toEqual([1, 1]);
    // PUT container + PUT object at the start; then the two listings summed into one record.
    expect(sums('object:requests:A')).toEqual([2, 2]);

    const period = {
      start: new Date(start - HOUR).toISOString(),
      end: new Date(start + 48 * HOUR).toISOString(),
    };
    const rating = rate(records, [list], period, 'EUR');
    const amount = (key: string) => rating.lines.find((l) => l.priceKey === key)?.amount;
    expect(amount('object:Policy-0')).toBe('0.10');
    expect(amount('egress')).toBe('0.18');
    expect(amount('requests:A')).toBe('0.04');
    expect(amount('requests:B')).toBe('0.01');
    expect(rating.total).toBe('0.33');
  });

  it('splits the stored bytes at each change and closes them when the account is empty', async () => {
    const before = (await recordsOfProject()).length;
    expect((await swift('PUT', '/bills/a', Buffer.alloc(100))).status).toBe(201);
    now += HOUR;
    expect((await swift('PUT', '/bills/a', Buffer.alloc(300))).status).toBe(201);
    now += HOUR;
    expect((await swift('DELETE', '/bills/a')).status).toBe(204);
    const stored = (await recordsOfProject()).filter((r) => r.meter === 'object:bytes:Policy-0').slice(-2);
    expect(stored.map((r) => [r.quantity, r.endedAt !== null])).toEqual([
      ['100', true],
      ['300', true],
    ]);
    expect(stored[0]?.endedAt).toBe(stored[1]?.startedAt);
    expect((await recordsOfProject()).length).toBeGreaterThan(before);
  });
});
