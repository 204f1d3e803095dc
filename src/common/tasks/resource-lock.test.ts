// Resource locks across "processes" (two lock sets with different holders on one database): callers
// never overlap on one resource, unrelated resources do not wait, and a lock that stays busy past the
// wait answers 409.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/dialects.js';
import { systemClock } from '../clock.js';
import { isApiError } from '../errors/api-error.js';
import { createLeaseStore, type LeaseTables } from './lease-store.js';
import { createResourceLocks, type ResourceLocks } from './resource-lock.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('resource locks on $name', ({ open }) => {
  let t: TestDatabase;
  let a: ResourceLocks;
  let b: ResourceLocks;

  beforeAll(async () => {
    t = await open();
    const leases = createLeaseStore(t.db as unknown as Kysely<LeaseTables>, systemClock);
    a = createResourceLocks({ leases, holder: 'process-a', ttlMs: 5_000 });
    b = createResourceLocks({ leases, holder: 'process-b', ttlMs: 5_000 });
  });
  afterAll(async () => t?.close());

  it('serialises holders of one resource in and across processes', async () => {
    const events: string[] = [];
    let inside = 0;
    let overlap = false;
    const task = (locks: ResourceLocks, name: string) =>
      locks.withLock('guest', 'g1', async () => {
        inside++;
        if (inside > 1) overlap = true;
        events.push(`${name}+`);
        await pause(30);
        events.push(`${name}-`);
        inside--;
        return name;
      });
    const results = await Promise.all([task(a, 'a1'), task(b, 'b1'), task(a, 'a2'), task(b, 'b2')]);
    expect(results).toEqual(['a1', 'b1', 'a2', 'b2']);
    expect(overlap).toBe(false);
    expect(events).toHaveLength(8);
  });

  it('does not make other resources wait, and frees the lock when the holder throws', async () => {
    let release: () => void = () => undefined;
    const held = a.withLock('guest', 'g2', () => new Promise<void>((r) => (release = r)));
    const other = await b.withLock('guest', 'g3', async () => 'free');
    expect(other).toBe('free');
    release();
    await held;
    await expect(a.withLock('guest', 'g4', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await b.withLock('guest', 'g4', async () => 'after', { waitMs: 1_000 })).toBe('after');
  });

  it('answers 409 when the resource stays busy past the wait', async () => {
    let release: () => void = () => undefined;
    const held = a.withLock('guest', 'g5', () => new Promise<void>((r) => (release = r)));
    await pause(20);
    const err = await b.withLock('guest', 'g5', async () => 'never', { waitMs: 100 }).catch((e) => e);
    expect(isApiError(err) && err.status).toBe(409);
    release();
    await held;
  });

  it('is re-entrant in one call chain, and a chain started inside waits once the holder is done', async () => {
    const order: string[] = [];
    let late: Promise<unknown> = Promise.resolve();
    const inner = await a.withLock(
      'guest',
      'g6',
      async () => {
        // A loop started here that runs on after the holder returns must take the lock itself.
        late = pause(10).then(() => b.withLock('guest', 'g6', async () => order.push('late')));
        return a.withLock('guest', 'g6', async () => 'nested', { waitMs: 100 });
      },
      { waitMs: 1_000 },
    );
    expect(inner).toBe('nested');
    order.push('released');
    await late;
    expect(order).toEqual(['released', 'late']);
    let insideLate = false;
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((r) => (entered = r));
    const holding = a.withLock('guest', 'g7', async () => {
      late = pause(5).then(() => a.withLock('guest', 'g7', async () => (insideLate = true)));
      entered();
      await new Promise<void>((r) => (release = r));
    });
    await inside;
    // The holder still runs: a chain it started shares the lock (re-entrance is per call chain).
    await late;
    expect(insideLate).toBe(true);
    release();
    await holding;
  });
});
