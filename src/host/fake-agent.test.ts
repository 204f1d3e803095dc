import { describe, expect, it } from 'vitest';
import { PowerState, isDriverError } from '../compute/driver/driver.js';
import type { GuestSpec } from './agent-contract.js';
import { configDriveFilesOf } from './agent-contract.js';
import { FakeHostAgent } from './fake-agent.js';

const ID = '11111111-1111-4111-8111-111111111111';
const FAST = { delays: { spawnMs: 1, stopMs: 1, startMs: 1, rebootMs: 1, pauseMs: 1, destroyMs: 1 } };

function spec(overrides: Partial<GuestSpec> = {}): GuestSpec {
  return {
    id: ID,
    name: 'vm',
    vcpus: 1,
    memoryMiB: 64,
    rootDisk: { kind: 'image', imageId: 'img-1', projectId: 'p1', sizeBytes: 1024 ** 3 },
    ports: [
      {
        portId: 'port-1',
        networkId: 'net-1',
        networkName: 'private',
        macAddress: 'fa:16:3e:00:00:01',
        fixedIps: [{ address: '10.0.0.5', version: 4 }],
        mtu: 1450,
      },
    ],
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    return isDriverError(err) ? err.code : String(err);
  }
}

describe('FakeHostAgent', () => {
  it('spawns from ids: fetches the image, plugs the ports, keeps the config drive files', async () => {
    const agent = new FakeHostAgent('h1', FAST);
    const files = configDriveFilesOf(new Map([['openstack/latest/meta_data.json', '{"uuid":"x"}']]));
    const info = await agent.spawnGuest(spec({ configDrive: { files } }));
    expect(info).toMatchObject({ id: ID, powerState: PowerState.Running });
    expect(agent.imagesFetched()).toEqual(['img-1']);
    expect(agent.portsOf(ID).map((p) => p.portId)).toEqual(['port-1']);
    expect(agent.configDriveOf(ID)?.get('openstack/latest/meta_data.json')).toBe('{"uuid":"x"}');
    expect(await agent.listGuests()).toEqual([expect.objectContaining({ id: ID })]);
    expect(await codeOf(agent.spawnGuest(spec()))).toBe('AlreadyExists');
  });

  it('follows power states and refuses actions in the wrong one', async () => {
    const agent = new FakeHostAgent('h1', FAST);
    await agent.spawnGuest(spec());
    await agent.powerGuest(ID, 'pause');
    expect((await agent.guestStatus(ID)).powerState).toBe(PowerState.Paused);
    expect(await codeOf(agent.powerGuest(ID, 'resume'))).toBe('InvalidState');
    await agent.powerGuest(ID, 'unpause');
    await agent.powerGuest(ID, 'stop', { soft: true, timeoutMs: 10 });
    expect((await agent.guestStatus(ID)).powerState).toBe(PowerState.Shutdown);
    await agent.powerGuest(ID, 'stop');
    await agent.powerGuest(ID, 'start');
    await agent.rebootGuest(ID, 'hard');
    expect((await agent.guestStatus(ID)).powerState).toBe(PowerState.Running);
  });

  it('snapshots, attaches volumes, unplugs ports, and destroys idempotently', async () => {
    const agent = new FakeHostAgent('h1', FAST);
    expect(await codeOf(agent.snapshotGuest(ID, 'img-2'))).toBe('NotFound');
    await agent.spawnGuest(spec());
    await agent.snapshotGuest(ID, 'img-2');
    expect(agent.snapshots()).toEqual([{ imageId: 'img-2', guestId: ID }]);
    await agent.attachVolume(ID, { volumeId: 'vol-1', kind: 'file', format: 'qcow2' });
    expect(await codeOf(agent.attachVolume(ID, { volumeId: 'vol-1', kind: 'file', format: 'qcow2' }))).toBe(
      'AlreadyExists',
    );
    expect(agent.fakeDriver.volumesOf(ID).map((v) => v.volumeId)).toEqual(['vol-1']);
    await agent.detachVolume(ID, 'vol-1');
    await agent.unplugPort(ID, 'port-1');
    expect(agent.portsOf(ID)).toEqual([]);
    expect((await agent.consoleInfo(ID)).serial).toBe(false);
    await agent.destroyGuest(ID);
    await agent.destroyGuest(ID);
    expect(await agent.listGuests()).toEqual([]);
    expect(await codeOf(agent.guestStatus(ID))).toBe('NotFound');
  });

  it('reports a crashed guest as shut down', async () => {
    const agent = new FakeHostAgent('h1', FAST);
    await agent.spawnGuest(spec());
    agent.crash(ID);
    expect((await agent.guestStatus(ID)).powerState).toBe(PowerState.Shutdown);
  });
});
