import { describe, expect, it } from 'vitest';
import { isDriverError } from '../compute/driver/driver.js';
import type { GuestSpec } from './agent-contract.js';
import { FakeHostAgent } from './fake-agent.js';
import { FaultyHostAgent, type InjectedAgentFault } from './faulty-agent.js';

const IDS = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const FAST = { delays: { spawnMs: 1, stopMs: 1, pauseMs: 1, destroyMs: 1 } };

function spec(id: string): GuestSpec {
  return {
    id,
    name: id,
    vcpus: 1,
    memoryMiB: 64,
    rootDisk: { kind: 'image', imageId: 'img', projectId: 'p' },
    ports: [],
  };
}

async function trace(seed: number) {
  const inner = new FakeHostAgent('h1', FAST);
  const agent = new FaultyHostAgent(inner, {
    seed,
    errorRate: 0.3,
    failAfterRate: 0.5,
    maxLatencyMs: 2,
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
    await record(() => agent.spawnGuest(spec(id)));
    await record(() => agent.powerGuest(id, 'pause'));
    await record(() => agent.powerGuest(id, 'stop'));
  }
  const remaining = (await inner.listGuests()).map((g) => g.id);
  return { outcomes, faults: agent.faults, remaining };
}

describe('FaultyHostAgent', () => {
  it('replays the same faults for the same seed and different ones for another', async () => {
    const a = await trace(42);
    const b = await trace(42);
    const c = await trace(7);
    expect(a.outcomes).toEqual(b.outcomes);
    expect(a.faults).toEqual(b.faults);
    expect(a.faults.length).toBeGreaterThan(3);
    expect(a.outcomes).not.toEqual(c.outcomes);
    expect(a.faults.every((f: InjectedAgentFault) => f.seed === 42 && f.host === 'h1')).toBe(true);
  });

  it('leaves no guest behind a failed spawn, even a fault injected after it ran', async () => {
    const { outcomes, remaining } = await trace(1234);
    const spawned = IDS.filter((_, i) => outcomes[i * 3] === 'ok');
    expect(remaining.sort()).toEqual(spawned.sort());
    expect(spawned.length).toBeLessThan(IDS.length);
  });

  it('names the seed in every injected error and passes reads through by default', async () => {
    const inner = new FakeHostAgent('h1', FAST);
    const agent = new FaultyHostAgent(inner, { seed: 5, errorRate: 1, onFault: () => {} });
    await expect(agent.spawnGuest(spec(IDS[0]!))).rejects.toThrow(/seed 5/);
    expect(await agent.listGuests()).toEqual([]);
  });
});
