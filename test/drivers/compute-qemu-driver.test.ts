// The real QEMU compute driver against the tiny guest image: boot with a config drive, SSH in with the
// injected key, pause/unpause, hot-plug a volume, re-attach from a new driver object (a control-plane
// restart), ACPI stop, start, and destroy leaving nothing behind. One guest at a time.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PowerState, type DriverEvent, type InstanceSpec } from '../../src/compute/driver/driver.js';
import { QemuDriver } from '../../src/compute/driver/qemu/qemu-driver.js';
import { isAlive } from '../../src/compute/driver/qemu/host-process.js';
import { buildConfigDriveFiles } from '../../src/compute/config-drive/metadata.js';
import { writeConfigDriveIso } from '../../src/compute/config-drive/config-drive-iso.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const cacheRoot = process.env.NUAGE_CACHE_DIR ?? path.join(process.env.HOME ?? tmpdir(), '.cache', 'nuage');
const imageDir = path.join(cacheRoot, 'guest-image');
const bootTimeoutMs = 120_000;

let scratch: string;
let sshPort: number;
let spec: InstanceSpec;
const events: DriverEvent[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Wait until the console holds `count` lines containing `marker`; returns the elapsed seconds. */
async function waitForConsole(driver: QemuDriver, id: string, marker: string, count = 1): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < bootTimeoutMs) {
    const log = await driver.consoleOutput(id);
    if (log.split('\n').filter((line) => line.includes(marker)).length >= count) {
      return (performance.now() - started) / 1000;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no ${marker} within ${bootTimeoutMs} ms:\n${await driver.consoleOutput(id, 40)}`);
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

function newDriver(): QemuDriver {
  const driver = new QemuDriver({ root: scratch, pollIntervalMs: 500 });
  driver.onEvent((event) => events.push(event));
  return driver;
}

beforeAll(async () => {
  await run('bash', [path.join(repoRoot, 'scripts/build-guest-image.sh'), imageDir], { timeout: 280_000 });
  scratch = await mkdtemp(path.join(tmpdir(), 'nuage-qemu-e2e-'));
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'nuage-e2e',
    '-f',
    path.join(scratch, 'key'),
  ]);
  const publicKey = (await readFile(path.join(scratch, 'key.pub'), 'utf8')).trim();
  sshPort = await freePort();
  const id = randomUUID();
  const files = buildConfigDriveFiles({
    uuid: id,
    name: 'vm1',
    hostname: 'vm1.novalocal',
    projectId: 'p1',
    availabilityZone: 'nova',
    launchIndex: 0,
    keyPairs: [{ name: 'e2e', type: 'ssh', publicKey }],
    meta: {},
    randomSeed: Buffer.alloc(64, 7).toString('base64'),
    ports: [],
    dnsServers: [],
  });
  await writeConfigDriveIso(files, path.join(scratch, 'config.iso'));
  spec = {
    id,
    name: 'vm1',
    vcpus: 1,
    memoryMiB: 256,
    rootDisk: { baseImagePath: path.join(imageDir, 'nuage-tiny.qcow2'), sizeBytes: 128 * 1024 * 1024 },
    networkInterfaces: [
      {
        kind: 'user',
        macAddress: '52:54:00:12:34:56',
        restrict: true,
        hostForwards: [{ protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: sshPort, guestPort: 22 }],
      },
    ],
    configDrive: { isoPath: path.join(scratch, 'config.iso') },
  };
}, 300_000);

afterAll(async () => {
  if (scratch === undefined) return;
  const cleaner = new QemuDriver({ root: scratch });
  if (spec !== undefined) await cleaner.destroy(spec.id);
  await cleaner.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('QEMU compute driver (real guest)', () => {
  let pid: number | undefined;

  it('boots a guest that reads its config drive and answers SSH', async () => {
    let driver = newDriver();
    const spawned = await driver.spawn(spec);
    pid = spawned.pid;
    expect(spawned.powerState).toBe(PowerState.Running);
    const readySeconds = await waitForConsole(driver, spec.id, 'GUEST-READY');
    console.log(`spawn→GUEST-READY ${readySeconds.toFixed(1)} s (${await driver.resolveAccelerator()})`);
    expect(await driver.consoleOutput(spec.id, 200)).toContain('source=config-drive');
    const partitions = await ssh('cat /proc/partitions');
    expect(partitions).toMatch(/vda/);
    expect(partitions).toMatch(/sr0/);

    await driver.pause(spec.id);
    expect((await driver.status(spec.id)).powerState).toBe(PowerState.Paused);
    await driver.unpause(spec.id);
    expect((await driver.status(spec.id)).powerState).toBe(PowerState.Running);

    // A control-plane restart: forget the driver object, build a new one, find and re-attach the guest.
    await driver.close();
    driver = newDriver();
    const listed = await driver.list();
    expect(listed).toEqual([{ id: spec.id, pid, powerState: PowerState.Running }]);
    expect((await driver.attach(spec.id)).powerState).toBe(PowerState.Running);
    await driver.suspend(spec.id);
    expect((await driver.status(spec.id)).powerState).toBe(PowerState.Suspended);
    await driver.resume(spec.id);
    expect(await ssh('hostname')).toContain('vm1');

    await driver.stop(spec.id, { soft: true, timeoutMs: 60_000 });
    expect((await driver.status(spec.id)).powerState).toBe(PowerState.Shutdown);
    expect(await isAlive(pid ?? 0)).toBe(false);
    expect(await driver.consoleOutput(spec.id)).toContain('GUEST-POWEROFF');
    expect(events.map((e) => e.transition)).toContain('stopped');
    expect(events.map((e) => e.transition)).not.toContain('died');
    await driver.close();
  });

  it('restarts from its spec, hot-plugs a volume, and destroys without leftovers', async () => {
    const driver = newDriver();
    await driver.start(spec.id);
    const info = await driver.status(spec.id);
    expect(info.powerState).toBe(PowerState.Running);
    const readySeconds = await waitForConsole(driver, spec.id, 'GUEST-READY', 2);
    console.log(`start→GUEST-READY ${readySeconds.toFixed(1)} s`);

    const volumePath = path.join(scratch, 'volume.raw');
    await run('qemu-img', ['create', '-q', '-f', 'raw', volumePath, '16M']);
    const volume = { volumeId: 'vol-e2e-0001', path: volumePath, format: 'raw' as const };
    await driver.attachVolume(spec.id, volume);
    await waitForConsole(driver, spec.id, 'GUEST-HOTPLUG action=add');
    expect(await ssh('cat /proc/partitions')).toMatch(/vdb/);
    // Online extend (QMP block_resize): the guest sees the new capacity at once, in 512-byte sectors.
    await driver.resizeVolume(spec.id, volume.volumeId, 32 * 1024 * 1024);
    expect((await ssh('cat /sys/block/vdb/size')).trim()).toBe('65536');
    // Re-attaching a recorded volume (what a control-plane restart does) never plugs it twice.
    await expect(driver.attachVolume(spec.id, volume)).rejects.toMatchObject({ code: 'AlreadyExists' });

    // Soft reboot: ACPI power-off, then a new QEMU from the same spec (a new pid, the same disk).
    await driver.reboot(spec.id, 'soft', 60_000);
    const rebooted = await driver.status(spec.id);
    expect(rebooted.powerState).toBe(PowerState.Running);
    expect(rebooted.pid).not.toBe(info.pid);
    expect(await isAlive(info.pid ?? 0)).toBe(false);
    await waitForConsole(driver, spec.id, 'GUEST-READY', 3);
    info.pid = rebooted.pid;
    // The new QEMU got the volume back from the instance directory, at its extended size.
    expect((await ssh('cat /sys/block/vdb/size')).trim()).toBe('65536');
    await driver.detachVolume(spec.id, volume.volumeId, 30_000);
    await waitForConsole(driver, spec.id, 'GUEST-HOTPLUG action=remove');
    expect(await ssh('cat /proc/partitions')).not.toMatch(/vdb/);

    // A stopped guest: attach records the disk for the next start; extend grows the file itself.
    await driver.stop(spec.id, { soft: false, timeoutMs: 0 });
    await driver.attachVolume(spec.id, volume);
    await driver.resizeVolume(spec.id, volume.volumeId, 48 * 1024 * 1024);
    expect((await stat(volumePath)).size).toBe(48 * 1024 * 1024);

    await driver.destroy(spec.id);
    expect(await isAlive(info.pid ?? 0)).toBe(false);
    expect(await readdir(path.join(scratch, 'instances'))).toEqual([]);
    expect(await driver.list()).toEqual([]);
    await driver.close();
  });

  it('reports a hypervisor killed behind its back as died, and destroy still cleans up', async () => {
    const driver = newDriver();
    const { pid } = await driver.spawn(spec);
    expect(pid).toBeDefined();
    const died = new Promise<DriverEvent>((resolve) =>
      driver.onEvent((event) => event.transition === 'died' && resolve(event)),
    );
    // The QEMU this test's driver just started, and nothing else.
    process.kill(pid ?? 0, 'SIGKILL');
    expect((await died).instanceId).toBe(spec.id);
    expect((await driver.status(spec.id)).powerState).toBe(PowerState.Shutdown);
    await driver.destroy(spec.id);
    expect(await readdir(path.join(scratch, 'instances'))).toEqual([]);
    await driver.close();
  });

  it('leaves nothing behind when spawn fails before or after QEMU starts', async () => {
    const driver = newDriver();
    const noBase = { ...spec, rootDisk: { baseImagePath: path.join(scratch, 'missing.qcow2') } };
    await expect(driver.spawn(noBase)).rejects.toMatchObject({
      name: 'DriverError',
      code: 'HypervisorError',
    });
    expect(await readdir(path.join(scratch, 'instances'))).toEqual([]);

    // QEMU itself refuses to start: the forwarded host port is taken.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const nic = spec.networkInterfaces[0];
    if (nic?.kind !== 'user') throw new Error('expected a user-mode NIC');
    const portClash: InstanceSpec = {
      ...spec,
      networkInterfaces: [
        {
          ...nic,
          hostForwards: [{ protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: taken, guestPort: 22 }],
        },
      ],
    };
    try {
      await expect(driver.spawn(portClash)).rejects.toThrow(/QEMU exited at start/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(await readdir(path.join(scratch, 'instances'))).toEqual([]);
    await driver.close();
  });
});
