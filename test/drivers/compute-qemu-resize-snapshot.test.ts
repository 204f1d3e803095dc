// The real QEMU driver's snapshot and resize against the tiny guest: a live snapshot (pause, standalone
// qcow2 copy, resume) that holds what the guest wrote and passes the image upload's inspection, then a
// resize of the stopped guest (more vCPUs, memory and disk, seen from inside after start) and a revert
// to the saved disk and spec. One guest, three boots.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PowerState, type InstanceSpec } from '../../src/compute/driver/driver.js';
import { QemuDriver } from '../../src/compute/driver/qemu/qemu-driver.js';
import { buildConfigDriveFiles } from '../../src/compute/config-drive/metadata.js';
import { writeConfigDriveIso } from '../../src/compute/config-drive/config-drive-iso.js';
import { HeadTailCapture, inspectImage } from '../../src/image/inspect.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const cacheRoot = process.env.NUAGE_CACHE_DIR ?? path.join(process.env.HOME ?? tmpdir(), '.cache', 'nuage');
const imageDir = path.join(cacheRoot, 'guest-image');
const bootTimeoutMs = 150_000;
const MiB = 1024 * 1024;
/** Written by the guest beyond the boot partition (which ends at 64 MiB), read back from the copies. */
const MARK = 'NUAGE-SNAPSHOT-MARK';
const MARK_OFFSET_MIB = 100;

let scratch: string;
let sshPort: number;
let spec: InstanceSpec;
let driver: QemuDriver;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForConsole(id: string, marker: string, count: number): Promise<number> {
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

async function qemuImgInfo(file: string): Promise<Record<string, unknown>> {
  return JSON.parse((await run('qemu-img', ['info', '-U', '--output=json', file])).stdout) as Record<
    string,
    unknown
  >;
}

/** The MARK bytes at MARK_OFFSET_MIB inside a qcow2 file (converted to a sparse raw copy). */
async function markIn(qcow2: string): Promise<string> {
  const raw = `${qcow2}.raw`;
  await run('qemu-img', ['convert', '-U', '-f', 'qcow2', '-O', 'raw', qcow2, raw]);
  const handle = await open(raw, 'r');
  try {
    const buffer = Buffer.alloc(MARK.length);
    await handle.read(buffer, 0, buffer.length, MARK_OFFSET_MIB * MiB);
    return buffer.toString('latin1');
  } finally {
    await handle.close();
    await rm(raw, { force: true });
  }
}

/** What the image service's upload does with the bytes: head/tail capture, then qemu-img inspection. */
async function inspectAsUpload(file: string) {
  const capture = new HeadTailCapture();
  for await (const chunk of createReadStream(file)) capture.push(chunk as Buffer);
  return inspectImage(scratch, capture, (await stat(file)).size, 'qcow2');
}

beforeAll(async () => {
  await run('bash', [path.join(repoRoot, 'scripts/build-guest-image.sh'), imageDir], { timeout: 280_000 });
  scratch = await mkdtemp(path.join(tmpdir(), 'nuage-qemu-resize-'));
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
    name: 'vm-resize',
    hostname: 'vm-resize.novalocal',
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
    name: 'vm-resize',
    vcpus: 1,
    memoryMiB: 256,
    rootDisk: { baseImagePath: path.join(imageDir, 'nuage-tiny.qcow2'), sizeBytes: 128 * MiB },
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
  driver = new QemuDriver({ root: scratch, pollIntervalMs: 500 });
}, 300_000);

afterAll(async () => {
  if (scratch === undefined) return;
  if (spec !== undefined) await driver.destroy(spec.id);
  await driver.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('QEMU driver snapshot and resize (real guest)', () => {
  it('snapshots a running guest into a standalone qcow2 with what it wrote, and keeps it running', async () => {
    const { pid } = await driver.spawn(spec);
    const readySeconds = await waitForConsole(spec.id, 'GUEST-READY', 1);
    console.log(`spawn→GUEST-READY ${readySeconds.toFixed(1)} s (${await driver.resolveAccelerator()})`);
    await ssh(`printf ${MARK} | dd of=/dev/vda bs=1048576 seek=${MARK_OFFSET_MIB} 2>/dev/null && sync`);

    const snapshot = path.join(scratch, 'live.qcow2');
    const started = performance.now();
    await driver.snapshot(spec.id, snapshot);
    console.log(`live snapshot ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const status = await driver.status(spec.id);
    expect(status).toMatchObject({ powerState: PowerState.Running, pid });
    expect(await ssh('echo alive')).toContain('alive');

    const report = await qemuImgInfo(snapshot);
    expect(report).toMatchObject({ format: 'qcow2', 'virtual-size': 128 * MiB });
    expect(report['backing-filename']).toBeUndefined();
    expect(await inspectAsUpload(snapshot)).toEqual({ format: 'qcow2', virtualSizeBytes: 128 * MiB });
    expect(await markIn(snapshot)).toBe(MARK);
    expect(
      (await readdir(path.join(scratch, 'instances', spec.id))).filter((f) => f.includes('snapshot')),
    ).toEqual([]);
  });

  it('resizes the stopped guest: the guest sees the new vCPUs, memory and disk, and its data', async () => {
    await driver.stop(spec.id, { soft: true, timeoutMs: 60_000 });
    await expect(
      driver.resize(spec.id, { vcpus: 2, memoryMiB: 320, rootDiskBytes: 192 * MiB }),
    ).resolves.toBe(undefined);
    expect((await qemuImgInfo(path.join(scratch, 'instances', spec.id, 'disk.qcow2')))['virtual-size']).toBe(
      192 * MiB,
    );
    await driver.start(spec.id);
    await waitForConsole(spec.id, 'GUEST-READY', 2);
    expect((await ssh('grep -c ^processor /proc/cpuinfo')).trim()).toBe('2');
    const memTotalKiB = Number(/MemTotal:\s+(\d+)/.exec(await ssh('cat /proc/meminfo'))?.[1]);
    expect(memTotalKiB).toBeGreaterThan(256 * 1024);
    expect((await ssh('cat /sys/block/vda/size')).trim()).toBe(String((192 * MiB) / 512));
    const mark = await ssh(
      `dd if=/dev/vda bs=1048576 skip=${MARK_OFFSET_MIB} count=1 2>/dev/null | head -c ${MARK.length}`,
    );
    expect(mark).toBe(MARK);
    // A running guest cannot be resized or reverted.
    await expect(driver.resize(spec.id, { vcpus: 1, memoryMiB: 256 })).rejects.toMatchObject({
      code: 'InvalidState',
    });
    await expect(driver.revertResize(spec.id)).rejects.toMatchObject({ code: 'InvalidState' });
  });

  it('reverts to the saved disk and spec, snapshots the stopped guest, and destroys cleanly', async () => {
    await driver.stop(spec.id, { soft: false, timeoutMs: 0 });
    await driver.revertResize(spec.id);
    const disk = path.join(scratch, 'instances', spec.id, 'disk.qcow2');
    expect((await qemuImgInfo(disk))['virtual-size']).toBe(128 * MiB);
    const stopped = path.join(scratch, 'stopped.qcow2');
    await driver.snapshot(spec.id, stopped);
    expect((await driver.status(spec.id)).powerState).toBe(PowerState.Shutdown);
    expect(await markIn(stopped)).toBe(MARK);

    await driver.start(spec.id);
    await waitForConsole(spec.id, 'GUEST-READY', 3);
    expect((await ssh('grep -c ^processor /proc/cpuinfo')).trim()).toBe('1');
    expect((await ssh('cat /sys/block/vda/size')).trim()).toBe(String((128 * MiB) / 512));

    await driver.destroy(spec.id);
    expect(await readdir(path.join(scratch, 'instances'))).toEqual([]);
  });
});
