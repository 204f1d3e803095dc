import { describe, expect, it } from 'vitest';
import { DriverError, isDriverError, type InstanceSpec } from '../driver.js';
import { FakeDriver } from '../fake/fake-driver.js';
import { FaultyDriver, type InjectedFault } from './faulty-driver.js';
import { seededRandom } from './seeded-random.js';

const IDS = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

function spec(id: string): InstanceSpec {
  return { id, name: id, vcpus: 1, memoryMiB: 64, rootDisk: { baseImagePath: '/b' }, networkInterfaces: [] };
}

/** Run a fixed script of calls; the outcome of each ('ok' or the error code) is the trace. */
async function trace(
  seed: number,
): Promise<{ outcomes: string[]; faults: InjectedFault[]; remaining: string[] }> {
  const inner = new FakeDriver({ delays: { spawnMs: 1, stopMs: 1, pauseMs: 1, destroyMs: 1 } });
  const driver = new FaultyDriver(inner, {
    seed,
    errorRate: 0.3,
    failAfterRate: 0.5,
    maxLatencyMs: 3,
    onFault: () => {},
  });
  const outcomes: string[] = [];
  const record = async (action: () => Promise<unknown>) => {
    try {
      await action();
      outcomes.push('ok');
    } catch (err) {
      outcomes.push(isDriverError(err) ? err.code : 'other');
    }
  };
  for (const id of IDS) {
    await record(() => driver.spawn(spec(id)));
    await record(() => driver.pause(id));
    await record(() => driver.stop(id, { soft: false, timeoutMs: 0 }));
  }
  const remaining = (await inner.list()).map((i) => i.id);
  return { outcomes, faults: driver.faults, remaining };
}

describe('FaultyDriver', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const seed = 20261129;
    const first = await trace(seed);
    const second = await trace(seed);
    expect(second, `replay of seed ${seed}`).toEqual(first);
    expect(first.faults.length).toBeGreaterThan(0);
    expect(first.outcomes).toContain('Injected');
    const other = await trace(seed + 1);
    expect(other.outcomes).not.toEqual(first.outcomes);
  });

  it('keeps the spawn contract: a spawn that reports failure leaves nothing behind', async () => {
    const seed = 7;
    const { faults, remaining } = await trace(seed);
    const failedSpawns = faults.filter((f) => f.method === 'spawn').length;
    expect(failedSpawns, `seed ${seed}`).toBeGreaterThan(0);
    expect(remaining.length, `seed ${seed}`).toBe(IDS.length - failedSpawns);
  });

  it('names the seed in every injected error and passes calls through at rate 0', async () => {
    const driver = new FaultyDriver(new FakeDriver(), { seed: 42, errorRate: 1, onFault: () => {} });
    await expect(driver.spawn(spec(IDS[0] ?? ''))).rejects.toThrow(/seed 42/);
    const clean = new FaultyDriver(new FakeDriver(), { seed: 42, errorRate: 0 });
    await expect(clean.spawn(spec(IDS[0] ?? ''))).resolves.toMatchObject({ id: IDS[0] });
    expect(clean.faults).toEqual([]);
  });

  it('replays a seed after reseed() and throws scripted faults the given number of times', async () => {
    const driver = new FaultyDriver(new FakeDriver(), { seed: 9, errorRate: 0.5, onFault: () => {} });
    const run = async () => {
      const outcomes: string[] = [];
      for (const id of IDS.slice(0, 8)) {
        outcomes.push(
          await driver.spawn(spec(id)).then(
            () => 'ok',
            (err: Error) => err.message,
          ),
        );
        await driver.destroy(id).catch(() => undefined);
      }
      return outcomes;
    };
    const first = await run();
    driver.reseed(9);
    expect(await run()).toEqual(first);
    driver.reseed(10, 0);
    expect(await run()).toEqual(Array.from({ length: 8 }, () => 'ok'));
    expect(driver.seed).toBe(10);

    const refused = new DriverError('HypervisorError', 'no room');
    driver.failNext('spawn', refused, 2);
    await expect(driver.spawn(spec(IDS[0] ?? ''))).rejects.toBe(refused);
    await expect(driver.spawn(spec(IDS[0] ?? ''))).rejects.toBe(refused);
    await expect(driver.spawn(spec(IDS[0] ?? ''))).resolves.toMatchObject({ id: IDS[0] });
    driver.failNext('destroy', refused);
    await expect(driver.destroy(IDS[0] ?? '')).rejects.toBe(refused);
    driver.clearScripted();
    await expect(driver.destroy(IDS[0] ?? '')).resolves.toBeUndefined();
  });

  it('seededRandom repeats its sequence', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const values = Array.from({ length: 5 }, () => a());
    expect(values).toEqual(Array.from({ length: 5 }, () => b()));
    for (const value of values) expect(value).toBeGreaterThanOrEqual(0);
    for (const value of values) expect(value).toBeLessThan(1);
  });
});
