import { describe, expect, it } from 'vitest';
import { PowerState, isDriverError, type DriverEvent, type InstanceSpec } from '../driver.js';
import { FakeDriver } from './fake-driver.js';

function spec(id: string): InstanceSpec {
  return {
    id,
    name: `vm-${id.slice(0, 4)}`,
    vcpus: 1,
    memoryMiB: 256,
    rootDisk: { baseImagePath: '/images/base.qcow2' },
    networkInterfaces: [],
  };
}

const ID = '11111111-2222-4333-8444-555555555555';

async function collect(driver: FakeDriver): Promise<{ events: DriverEvent[]; flush: () => Promise<void> }> {
  const events: DriverEvent[] = [];
  driver.onEvent((event) => events.push(event));
  return { events, flush: () => new Promise((resolve) => setTimeout(resolve, 0)) };
}

describe('FakeDriver', () => {
  it('goes through spawn asynchronously: NoState while building, then Running', async () => {
    const driver = new FakeDriver({ delays: { spawnMs: 20 } });
    const spawning = driver.spawn(spec(ID));
    expect((await driver.status(ID)).powerState).toBe(PowerState.NoState);
    const info = await spawning;
    expect(info.powerState).toBe(PowerState.Running);
    expect(info.pid).toBeGreaterThan(0);
    expect(await driver.consoleOutput(ID, 1)).toContain('GUEST-READY');
  });

  it('walks the power state machine and emits lifecycle events', async () => {
    const driver = new FakeDriver();
    const { events, flush } = await collect(driver);
    await driver.spawn(spec(ID));
    await driver.pause(ID);
    expect((await driver.status(ID)).powerState).toBe(PowerState.Paused);
    await expect(driver.pause(ID)).rejects.toSatisfy((e) => isDriverError(e, 'InvalidState'));
    await driver.unpause(ID);
    await driver.suspend(ID);
    expect((await driver.status(ID)).powerState).toBe(PowerState.Suspended);
    await expect(driver.unpause(ID)).rejects.toSatisfy((e) => isDriverError(e, 'InvalidState'));
    await driver.resume(ID);
    await driver.stop(ID, { soft: true, timeoutMs: 1_000 });
    await driver.stop(ID, { soft: true, timeoutMs: 1_000 });
    expect((await driver.status(ID)).powerState).toBe(PowerState.Shutdown);
    await driver.start(ID);
    await driver.reboot(ID, 'hard');
    await flush();
    expect(events.map((e) => e.transition)).toEqual([
      'started',
      'paused',
      'resumed',
      'suspended',
      'resumed',
      'stopped',
      'started',
      'started',
    ]);
  });

  it('refuses overlapping operations on one instance', async () => {
    const driver = new FakeDriver({ delays: { stopMs: 30 } });
    await driver.spawn(spec(ID));
    const stopping = driver.stop(ID, { soft: false, timeoutMs: 0 });
    await expect(driver.pause(ID)).rejects.toSatisfy((e) => isDriverError(e, 'InvalidState'));
    await stopping;
  });

  it('rejects duplicates and unknown ids, and destroy is idempotent', async () => {
    const driver = new FakeDriver();
    await driver.spawn(spec(ID));
    await expect(driver.spawn(spec(ID))).rejects.toSatisfy((e) => isDriverError(e, 'AlreadyExists'));
    await driver.destroy(ID);
    await driver.destroy(ID);
    await expect(driver.status(ID)).rejects.toSatisfy((e) => isDriverError(e, 'NotFound'));
    expect(await driver.list()).toEqual([]);
  });

  it('attaches and detaches volumes', async () => {
    const driver = new FakeDriver();
    await driver.spawn(spec(ID));
    await driver.attachVolume(ID, { volumeId: 'v1', path: '/v/1', format: 'raw' });
    await expect(driver.attachVolume(ID, { volumeId: 'v1', path: '/v/1', format: 'raw' })).rejects.toSatisfy(
      (e) => isDriverError(e, 'AlreadyExists'),
    );
    expect(driver.volumesOf(ID).map((v) => v.volumeId)).toEqual(['v1']);
    await driver.detachVolume(ID, 'v1');
    await expect(driver.detachVolume(ID, 'v1')).rejects.toSatisfy((e) => isDriverError(e, 'NotFound'));
  });

  it('reports crashes and guest power-offs as events', async () => {
    const driver = new FakeDriver();
    const { events, flush } = await collect(driver);
    await driver.spawn(spec(ID));
    driver.crash(ID);
    await flush();
    expect(events.at(-1)?.transition).toBe('died');
    expect((await driver.status(ID)).powerState).toBe(PowerState.Shutdown);
    await driver.start(ID);
    driver.guestPowerOff(ID);
    await flush();
    expect(events.at(-1)?.transition).toBe('stopped');
  });

  it('a destroy during spawn wins and the spawn fails', async () => {
    const driver = new FakeDriver({ delays: { spawnMs: 20 } });
    const spawning = driver.spawn(spec(ID));
    await driver.destroy(ID);
    await expect(spawning).rejects.toSatisfy((e) => isDriverError(e));
    expect(await driver.list()).toEqual([]);
  });
});
