// Boot from volume end to end: the started `nuage up` binary with real QEMU guests (the tiny image) and
// QEMU user networking, driven by the `openstack` CLI: `server create --volume` on a volume made from
// the image, and `server create --image --boot-from-volume 1`. Both guests boot (GUEST-READY on the
// console), the volumes show in-use and attached, and deletes release them (available, not deleted:
// delete_on_termination is false by default) and leave no QEMU process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImage } from '../support/guest-image.js';
import { killGuestsUnder } from '../support/leaked-guests.js';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackJson, openstackOk, type CliOptions } from '../support/openstack-cli.js';

const run = promisify(execFile);
const BOOT_TIMEOUT_MS = 150_000;
/** `--nic none` needs compute 2.37 (novaclient sends networks: "none"). */
const NOVA_2_37 = ['--os-compute-api-version', '2.37'];

let nuage: NuageServer;
let admin: CliOptions;

interface VolumeView {
  id: string;
  status: string;
  attachments: { server_id: string; device: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  while (Date.now() - started < BOOT_TIMEOUT_MS) {
    last = await read();
    if (done(last)) return last;
    await sleep(1_000);
  }
  throw new Error(`${what} did not settle: ${JSON.stringify(last)}`);
}

const volumeShow = (name: string) => openstackJson<VolumeView>(['volume', 'show', name], admin);
const consoleLog = (name: string) => openstackOk(['console', 'log', 'show', name], admin);

async function qemuRunning(serverId: string): Promise<boolean> {
  return run('pgrep', ['-f', `uuid ${serverId}`]).then(
    () => true,
    () => false,
  );
}

describe('boot from volume e2e (QEMU guests)', () => {
  beforeAll(async () => {
    const image = await ensureGuestImage();
    nuage = await startNuage();
    admin = { cloudsYaml: nuage.cloudsYaml, timeoutMs: 180_000 };
    await openstackOk(
      ['image', 'create', '--file', image, '--disk-format', 'qcow2', '--container-format', 'bare', 'tiny'],
      admin,
    );
    await openstackOk(['flavor', 'create', '--vcpus', '1', '--ram', '256', '--disk', '1', 'f1'], admin);
  }, 300_000);

  afterAll(async () => {
    const dataDir = nuage?.dataDir;
    await nuage?.stop();
    // A failed run leaves its guests behind (they outlive the control plane by design).
    if (dataDir) killGuestsUnder(dataDir);
  });

  it('boots `server create --volume` and `--image --boot-from-volume 1`, then releases the volumes', async () => {
    await openstackOk(['volume', 'create', '--image', 'tiny', '--size', '1', 'root1'], admin);
    await waitFor(
      'volume root1',
      () => volumeShow('root1'),
      (v) => v.status === 'available',
    );

    const vm1 = await openstackJson<{ id: string; status: string; image: string }>(
      [
        ...NOVA_2_37,
        'server',
        'create',
        '--volume',
        'root1',
        '--flavor',
        'f1',
        '--nic',
        'none',
        '--wait',
        'vm1',
      ],
      admin,
    );
    expect(vm1.status).toBe('ACTIVE');
    expect(vm1.image).toMatch(/booted from volume/);
    const vm2 = await openstackJson<{ id: string; status: string }>(
      [
        ...NOVA_2_37,
        'server',
        'create',
        '--image',
        'tiny',
        '--boot-from-volume',
        '1',
        '--flavor',
        'f1',
        '--nic',
        'none',
        '--wait',
        'vm2',
      ],
      admin,
    );
    expect(vm2.status).toBe('ACTIVE');
    for (const name of ['vm1', 'vm2'])
      await waitFor(
        `${name} console`,
        () => consoleLog(name),
        (log) => log.includes('GUEST-READY'),
      );

    const root1 = await volumeShow('root1');
    expect(root1.status).toBe('in-use');
    expect(root1.attachments).toEqual([expect.objectContaining({ server_id: vm1.id, device: '/dev/vda' })]);
    const volumes = await openstackJson<{ ID: string; Status: string }[]>(['volume', 'list'], admin);
    expect(volumes).toHaveLength(2);
    const made = volumes.find((v) => v.ID !== root1.id);
    if (made === undefined) throw new Error('no volume made for vm2');
    const madeView = await volumeShow(made.ID);
    expect(madeView.status).toBe('in-use');
    expect(madeView.attachments).toEqual([expect.objectContaining({ server_id: vm2.id })]);

    await openstackOk(['server', 'delete', '--wait', 'vm1', 'vm2'], admin);
    expect(await qemuRunning(vm1.id)).toBe(false);
    expect(await qemuRunning(vm2.id)).toBe(false);
    expect((await volumeShow('root1')).status).toBe('available');
    expect((await volumeShow(made.ID)).status).toBe('available');
    await openstackOk(['volume', 'delete', 'root1', made.ID], admin);
  }, 600_000);
});
