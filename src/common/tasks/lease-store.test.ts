// Leases on both dialects: one holder at a time, expiry frees a lease, renew and release only by the
// holder, and many concurrent acquirers (separate pool connections on PostgreSQL) yield one winner.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/dialects.js';
import { createLeaseStore, type LeaseStore, type LeaseTables } from './lease-store.js';

describe.each(DIALECTS)('lease store on $name', ({ open }) => {
  let t: TestDatabase;
  let leases: LeaseStore;
  let now = new Date('2026-12-07T10:00:00.000Z');
  const clock = { now: () => now };

  beforeAll(async () => {
    t = await open();
    leases = createLeaseStore(t.db as unknown as Kysely<LeaseTables>, clock);
  });
  afterAll(async () => t?.close());

  it('gives a free lease to one holder and refuses the others until it expires', async () => {
    expect(await leases.acquire('server', 's1', 'a', 1000)).toBe(true);
    expect(await leases.acquire('server', 's1', 'b', 1000)).toBe(false);
    expect(await leases.acquire('server', 's1', 'a', 1000)).toBe(true);
    expect((await leases.get('server', 's1'))?.holder).toBe('a');
    now = new Date(now.getTime() + 1001);
    expect(await leases.acquire('server', 's1', 'b', 1000)).toBe(true);
    expect(await leases.renew('server', 's1', 'a', 1000)).toBe(false);
    expect(await leases.renew('server', 's1', 'b', 1000)).toBe(true);
  });

  it('releases only for the holder, and keeps kinds apart', async () => {
    expect(await leases.acquire('volume', 'v1', 'a', 1000)).toBe(true);
    expect(await leases.acquire('snapshot', 'v1', 'b', 1000)).toBe(true);
    await leases.release('volume', 'v1', 'b');
    expect((await leases.get('volume', 'v1'))?.holder).toBe('a');
    expect((await leases.heldBy('a')).map((l) => `${l.kind}/${l.resourceId}`)).toContain('volume/v1');
    await leases.release('volume', 'v1', 'a');
    expect(await leases.get('volume', 'v1')).toBeUndefined();
  });

  it('lets exactly one of many concurrent acquirers win', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => leases.acquire('race', 'r1', `h${i}`, 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
