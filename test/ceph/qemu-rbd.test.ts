// A real QEMU guest on RBD disks (the rig, librbd from qemu-block-extra): it boots from an RBD volume
// made from the tiny guest image by the rbd backend, gets a second RBD volume hot-plugged, writes to it,
// and what it wrote is in the pool — in the volume, and in a snapshot and a clone taken while attached.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigDriveIso } from '../../src/compute/config-drive/config-drive-iso.js';
import { buildConfigDriveFiles } from '../../src/compute/config-drive/metadata.js';
import { PowerState, type InstanceSpec } from '../../src/compute/driver/driver.js';
import { QemuDriver } from '../../src/compute/driver/qemu/qemu-driver.js';
import type { Location, VolumeBackend } from '../../src/volume/backend/backend.js';
import { createRbdBackend } from '../../src/volume/backend/rbd-backend.js';
import { cephRig, type CephRig } from '../support/ceph-rig.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const cacheRoot = process.env.NUAGE_CACHE_DIR ?? path.join(process.env.HOME ?? tmpdir(), '.cache', 'nuage');
const imageDir = path.join(cacheRoot, 'guest-image');
const bootTimeoutMs = 120_000;

let rig: CephRig;
let backend: VolumeBackend;
let driver: QemuDriver;
let scratch: string;
let sshPort: number;
let spec: InstanceSpec;
const made: Location[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForConsole(marker: string, count = 1): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < bootTimeoutMs) {
    const log = await driver.consoleOutput(spec.id);
    if (log.split('\n').filter((line) => line.includes(marker)).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no ${marker} within ${bootTimeoutMs} ms:\n${await driver.consoleOutput(spec.id, 40)}`);
}

async function ssh(command: string): Promise<string> {
  const args = ['-i', path.join(scratch, 'key'), '-p', String(sshPort), '-o', 'StrictHostKeyChecking=no'];
  args.push('-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes');
  args.push('-o', 'ConnectTimeout=15', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', command);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return (await run('ssh', args, { timeout: 30_000 })).stdout;
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  throw lastError;
}

/** The first bytes of a volume or snapshot, read through the backend's export. */
async function firstBytes(location: Location, n: number): Promise<string> {
  const exported = await backend.exportTo(location, 'raw', false);
  const handle = await open(exported, 'r');
  try {
    const bytes = Buffer.alloc(n);
    await handle.read(bytes, 0, n, 0);
    return bytes.toString('latin1');
  } finally {
    await handle.close();
    await backend.removeExport(exported);
  }
}

beforeAll(async () => {
  await run('bash', [path.join(repoRoot, 'scripts/build-guest-image.sh'), imageDir], { timeout: 280_000 });
  rig = cephRig();
  scratch = await mkdtemp(path.join(tmpdir(), 'nuage-qemu-rbd-'));
  backend = createRbdBackend({ rbd: rig.rbd, pool: 'volumes', scratchDir: path.join(scratch, 'work') });
  driver = new QemuDriver({ root: scratch, pollIntervalMs: 500, ceph: rig.client });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rbd', '-f', path.join(scratch, 'key')]);
  const publicKey = (await readFile(path.join(scratch, 'key.pub'), 'utf8')).trim();
  sshPort = await freePort();
  const id = randomUUID();
  const files = buildConfigDriveFiles({
    uuid: id,
    name: 'rbd1',
    hostname: 'rbd1.novalocal',
    projectId: 'p1',
    availabilityZone: 'nova',
    launchIndex: 0,
    keyPairs: [{ name: 'rbd', type: 'ssh', publicKey }],
    meta: {},
    randomSeed: Buffer.alloc(64, 7).toString('base64'),
    ports: [],
    dnsServers: [],
  });
  await writeConfigDriveIso(files, path.join(scratch, 'config.iso'));
  const rootId = randomUUID();
  const root = await backend.createFromFile(rootId, path.join(imageDir, 'nuage-tiny.qcow2'), 'qcow2', 1);
  made.push(root);
  spec = {
    id,
    name: 'rbd1',
    vcpus: 1,
    memoryMiB: 256,
    rootDisk: { kind: 'rbd', pool: 'volumes', image: `volume-${rootId}`, volumeId: rootId },
    networkInterfaces: [
      {
        kind: 'user',
        macAddress: '52:54:00:12:34:57',
        restrict: true,
        hostForwards: [{ protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: sshPort, guestPort: 22 }],
      },
    ],
    configDrive: { isoPath: path.join(scratch, 'config.iso') },
  };
}, 300_000);

afterAll(async () => {
  if (driver !== undefined && spec !== undefined) await driver.destroy(spec.id).catch(() => undefined);
  await driver?.close();
  for (const location of made.reverse()) await backend.delete(location).catch(() => undefined);
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

describe('QEMU on RBD (real guest)', () => {
  it('boots from an RBD volume, hot-plugs another, and its writes land in the pool', async () => {
    const started = performance.now();
    expect((await driver.spawn(spec)).powerState).toBe(PowerState.Running);
    await waitForConsole('GUEST-READY');
    console.log(`rbd root: spawn→GUEST-READY ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const volumeId = randomUUID();
    const data = await backend.create(volumeId, 1);
    made.push(data);
    const target = backend.attachTarget(data);
    expect(target.kind).toBe('rbd');
    await driver.attachVolume(spec.id, { volumeId, ...target });
    await waitForConsole('GUEST-HOTPLUG action=add');
    expect(await ssh('cat /sys/block/vdb/size')).toMatch(/^2097152\s*$/);
    const marker = `nuage-rbd-${randomUUID()}`;
    await ssh(`printf '%s' ${marker} > /dev/vdb && sync && echo 3 > /proc/sys/vm/drop_caches`);

    // Taken while the guest holds the image open: RBD snapshots need no pause.
    const snapshot = await backend.snapshot(randomUUID(), data, true);
    const copy = await backend.clone(randomUUID(), snapshot, 1, true);
    made.push(copy);
    expect(await firstBytes(snapshot, marker.length)).toBe(marker);
    expect(await firstBytes(copy, marker.length)).toBe(marker);

    await driver.detachVolume(spec.id, volumeId, 30_000);
    await waitForConsole('GUEST-HOTPLUG action=remove');
    expect(await firstBytes(data, marker.length)).toBe(marker);
    await driver.destroy(spec.id);
    // The driver never deletes a volume root: the volume service owns it.
    expect(
      await rig.rbd.info({ pool: 'volumes', image: (spec.rootDisk as { image: string }).image }),
    ).toBeDefined();
  });
});
