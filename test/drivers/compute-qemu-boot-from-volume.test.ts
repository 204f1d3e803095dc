// Boot from volume on the real QEMU driver: the tiny guest boots from a standalone qcow2 volume file
// used directly as its root disk (no overlay in the instance directory), the root volume cannot be
// hot-plugged a second time, and destroy leaves the volume file intact. One guest, one boot.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfigDriveFiles } from '../../src/compute/config-drive/metadata.js';
import { writeConfigDriveIso } from '../../src/compute/config-drive/config-drive-iso.js';
import { isDriverError, PowerState, type InstanceSpec } from '../../src/compute/driver/driver.js';
import { QemuDriver } from '../../src/compute/driver/qemu/qemu-driver.js';
import { ensureGuestImage } from '../support/guest-image.js';

const run = promisify(execFile);
const bootTimeoutMs = 120_000;

let scratch: string;
let volumePath: string;
let spec: InstanceSpec;
let driver: QemuDriver;

async function waitForConsole(id: string, marker: string): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < bootTimeoutMs) {
    if ((await driver.consoleOutput(id)).includes(marker)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no ${marker} within ${bootTimeoutMs} ms:\n${await driver.consoleOutput(id, 40)}`);
}

beforeAll(async () => {
  const image = await ensureGuestImage();
  scratch = await mkdtemp(path.join(tmpdir(), 'nuage-qemu-bfv-'));
  // What the volume file backend makes of an image: a standalone qcow2 (no backing file), grown.
  volumePath = path.join(scratch, 'volume-root.qcow2');
  await run('qemu-img', ['convert', '-q', '-f', 'qcow2', '-O', 'qcow2', image, volumePath]);
  await run('qemu-img', ['resize', '-q', '-f', 'qcow2', volumePath, String(256 * 1024 * 1024)]);
  const id = randomUUID();
  const files = buildConfigDriveFiles({
    uuid: id,
    name: 'bfv',
    hostname: 'bfv.novalocal',
    projectId: 'p1',
    availabilityZone: 'nova',
    launchIndex: 0,
    keyPairs: [],
    meta: {},
    randomSeed: Buffer.alloc(64, 7).toString('base64'),
    ports: [],
    dnsServers: [],
  });
  await writeConfigDriveIso(files, path.join(scratch, 'config.iso'));
  spec = {
    id,
    name: 'bfv',
    vcpus: 1,
    memoryMiB: 256,
    rootDisk: { kind: 'volume', volumeId: randomUUID(), path: volumePath, format: 'qcow2' },
    networkInterfaces: [{ kind: 'user', macAddress: '52:54:00:12:34:57', hostForwards: [] }],
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

describe('QEMU driver: boot from volume (real guest)', () => {
  it('boots the tiny guest from a qcow2 volume file used as the root disk', async () => {
    const info = await driver.spawn(spec);
    expect(info.powerState).toBe(PowerState.Running);
    await waitForConsole(spec.id, 'GUEST-READY');
    // No overlay: the instance directory holds no disk of its own.
    const instanceDir = path.join(scratch, 'instances', spec.id);
    expect((await readdir(instanceDir)).filter((f) => f.startsWith('disk.qcow2'))).toEqual([]);
    // QEMU holds the volume file itself (its write lock), with no backing file.
    const infoJson = JSON.parse(
      (await run('qemu-img', ['info', '-U', '--output=json', volumePath])).stdout,
    ) as Record<string, unknown>;
    expect(infoJson['backing-filename']).toBeUndefined();
    await expect(run('qemu-img', ['info', volumePath])).rejects.toThrow(/lock/i);
    // The root volume is the first disk already: plugging it again is refused as AlreadyExists.
    const root = spec.rootDisk;
    if (root.kind !== 'volume') throw new Error('expected a volume root');
    const again = await driver
      .attachVolume(spec.id, { volumeId: root.volumeId, path: volumePath, format: 'qcow2' })
      .catch((err: unknown) => err);
    expect(isDriverError(again, 'AlreadyExists')).toBe(true);

    await driver.destroy(spec.id);
    // destroy removes the instance, never the volume.
    await run('qemu-img', ['check', '-q', volumePath]);
  }, 180_000);
});
