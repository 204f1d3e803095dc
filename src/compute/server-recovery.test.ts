// Recovery: the worker resumes a task written before a crash, a delete during the boot leaves nothing,
// reconciliation destroys orphan guests and marks vanished ones, and driver events keep power states.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGE_ID, nova, startCompute, type ComputeHarness } from './compute-test-support.js';

let h: ComputeHarness;
beforeEach(async () => {
  h = await startCompute();
});
afterEach(async () => {
  await h.close();
});

async function bootedServer(name: string): Promise<string> {
  const flavor = await nova(h, 'admin', 'POST', '/v2.1/flavors', {
    flavor: { name: `f-${name}`, vcpus: 1, ram: 256, disk: 1 },
  });
  const created = await nova(h, 'user', 'POST', '/v2.1/servers', {
    server: { name, imageRef: IMAGE_ID, flavorRef: flavor.body.flavor.id, networks: 'auto' },
  });
  await h.module.worker.idle();
  return created.body.server.id as string;
}

const status = async (id: string) =>
  (await nova(h, 'user', 'GET', `/v2.1/servers/${id}`)).body.server?.status;

describe('recovery', () => {
  it('sweep resumes a task whose kick was lost (process restart)', async () => {
    const id = await bootedServer('vm');
    const row = await h.module.stores.servers.get(id);
    await h.module.stores.servers.update(
      id,
      row!.version,
      { taskState: 'powering-off' },
      new Date().toISOString(),
    );
    await h.module.worker.sweep();
    await h.module.worker.idle();
    expect(await status(id)).toBe('SHUTOFF');
  });

  it('a delete during the boot undoes every step', async () => {
    const flavor = await nova(h, 'admin', 'POST', '/v2.1/flavors', {
      flavor: { name: 'f', vcpus: 1, ram: 256, disk: 1 },
    });
    const created = await nova(h, 'user', 'POST', '/v2.1/servers', {
      server: { name: 'vm', imageRef: IMAGE_ID, flavorRef: flavor.body.flavor.id, networks: 'auto' },
    });
    expect((await nova(h, 'user', 'DELETE', `/v2.1/servers/${created.body.server.id}`)).status).toBe(204);
    await h.module.worker.idle();
    expect(await status(created.body.server.id)).toBeUndefined();
    expect(h.ports.live.size).toBe(0);
    expect(await h.driver.list()).toHaveLength(0);
  });

  it('deletes a port that a crash left bound to the server but unrecorded', async () => {
    const id = await bootedServer('vm');
    // What a crash between creating a port and recording it leaves behind.
    const leftover = await h.ports.createPort({ projectId: 'p', networkId: 'n', serverId: id });
    expect(h.ports.live.size).toBe(2);
    expect((await nova(h, 'user', 'DELETE', `/v2.1/servers/${id}`)).status).toBe(204);
    await h.module.worker.idle();
    expect(h.ports.live.has(leftover.portId)).toBe(false);
    expect(h.ports.live.size).toBe(0);
  });

  it('reconcile destroys orphan guests and marks vanished ones', async () => {
    const id = await bootedServer('vm');
    await h.driver.spawn({
      id: '33333333-3333-4333-8333-333333333333',
      name: 'orphan',
      vcpus: 1,
      memoryMiB: 64,
      rootDisk: { baseImagePath: '/nonexistent' },
      networkInterfaces: [],
    });
    await h.driver.destroy(id);
    const report = await h.module.reconcile();
    expect(report.destroyedOrphans).toEqual(['33333333-3333-4333-8333-333333333333']);
    expect(report.markedMissing).toEqual([id]);
    expect(await status(id)).toBe('ERROR');
  });

  it('an unrequested guest power-off makes the server SHUTOFF', async () => {
    const unsubscribe = h.module.watchDriverEvents();
    const id = await bootedServer('vm');
    await h.driver.stop(id, { soft: false, timeoutMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await status(id)).toBe('SHUTOFF');
    unsubscribe();
  });
});
