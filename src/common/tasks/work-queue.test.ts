// The work queue: kicks drive rows, a kick during a run runs the row once more after it, two queues
// (two processes) never drive one row at once, and a row whose lease expired is taken over.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/support/dialects.js';
import { systemClock } from '../clock.js';
import { createLeaseStore, type LeaseStore, type LeaseTables } from './lease-store.js';
import { createWorkQueue, type WorkKind } from './work-queue.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { error: () => undefined };

describe.each(DIALECTS)('work queue on $name', ({ open }) => {
  let t: TestDatabase;
  let leases: LeaseStore;

  beforeAll(async () => {
    t = await open();
    leases = createLeaseStore(t.db as unknown as Kysely<LeaseTables>, systemClock);
  });
  afterAll(async () => t?.close());

  it('drives kicked rows, again after a kick that came during the run', async () => {
    const runs: string[] = [];
    const kind: WorkKind = {
      kind: 'k1',
      pending: async () => [],
      async process(id) {
        runs.push(id);
        await pause(30);
      },
    };
    const queue = createWorkQueue({ leases, holder: 'q1', kinds: [kind], log: quiet });
    queue.kick('k1', 'r1');
    await pause(5);
    queue.kick('k1', 'r1');
    queue.kick('k1', 'r2');
    await queue.idle();
    expect(runs.sort()).toEqual(['r1', 'r1', 'r2']);
    expect(await leases.get('k1', 'r1')).toBeUndefined();
  });

  it('never lets two queues drive one row at once, and both sweep it', async () => {
    let inside = 0;
    let overlap = false;
    let runs = 0;
    const kind = (): WorkKind => ({
      kind: 'k2',
      pending: async () => ['shared'],
      async process() {
        inside++;
        runs++;
        if (inside > 1) overlap = true;
        await pause(40);
        inside--;
      },
    });
    const q1 = createWorkQueue({ leases, holder: 'p1', kinds: [kind()], log: quiet });
    const q2 = createWorkQueue({ leases, holder: 'p2', kinds: [kind()], log: quiet });
    await Promise.all([q1.sweep(), q2.sweep()]);
    await Promise.all([q1.idle(), q2.idle()]);
    expect(overlap).toBe(false);
    expect(runs).toBeGreaterThanOrEqual(1);
  });

  it('takes over a row whose holder died (its lease expired)', async () => {
    await leases.acquire('k3', 'orphan', 'dead-process', 50);
    const seen: string[] = [];
    const queue = createWorkQueue({
      leases,
      holder: 'survivor',
      kinds: [{ kind: 'k3', pending: async () => ['orphan'], process: async (id) => void seen.push(id) }],
      log: quiet,
    });
    await queue.sweep();
    await queue.idle();
    expect(seen).toEqual([]);
    await pause(80);
    await queue.sweep();
    await queue.idle();
    expect(seen).toEqual(['orphan']);
  });

  it('logs a failing row and keeps going', async () => {
    const errors: unknown[] = [];
    const queue = createWorkQueue({
      leases,
      holder: 'q4',
      kinds: [
        {
          kind: 'k4',
          pending: async () => ['bad', 'good'],
          process: async (id) => {
            if (id === 'bad') throw new Error('driver fault');
          },
        },
      ],
      log: { error: (obj) => errors.push(obj) },
    });
    await queue.sweep();
    await queue.idle();
    expect(errors).toHaveLength(1);
    expect(await leases.get('k4', 'bad')).toBeUndefined();
  });
});
