// The QEMU driver's resize, revert, confirm and snapshot on a stopped guest (no QEMU process needed):
// real qemu-img on a real instance directory, and the pure helpers.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceSpec } from '../driver.js';
import { resizedSpec, standaloneCopyArgs } from './disk-ops.js';
import { instancePaths, readSpec, writeFileAtomic } from './instance-files.js';
import { QemuDriver } from './qemu-driver.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const id = '9a9a9a9a-1111-4222-8333-444455556666';

async function info(file: string): Promise<Record<string, unknown>> {
  return JSON.parse((await run('qemu-img', ['info', '-U', '--output=json', file])).stdout) as Record<
    string,
    unknown
  >;
}

describe('resizedSpec and standaloneCopyArgs', () => {
  const spec: InstanceSpec = {
    id,
    name: 'vm',
    vcpus: 1,
    memoryMiB: 256,
    rootDisk: { baseImagePath: '/base.qcow2' },
    networkInterfaces: [],
  };
  it('takes the new vCPUs and memory and only grows the disk', () => {
    expect(resizedSpec(spec, { vcpus: 2, memoryMiB: 512, rootDiskBytes: 2048 }, 1024)).toMatchObject({
      vcpus: 2,
      memoryMiB: 512,
      rootDisk: { baseImagePath: '/base.qcow2', sizeBytes: 2048 },
    });
    expect(resizedSpec(spec, { vcpus: 1, memoryMiB: 128, rootDiskBytes: 512 }, 1024).rootDisk.sizeBytes).toBe(
      1024,
    );
    expect(resizedSpec(spec, { vcpus: 1, memoryMiB: 128 }, 1024).rootDisk.sizeBytes).toBe(1024);
  });
  it('copies with force-share into a qcow2 without backing file', () => {
    expect(standaloneCopyArgs('/a', '/b')).toEqual([
      'convert',
      '-U',
      '-f',
      'qcow2',
      '-O',
      'qcow2',
      '/a',
      '/b',
    ]);
  });
});

describe('QemuDriver disk operations on a stopped guest', () => {
  let root: string;
  let driver: QemuDriver;
  const paths = () => instancePaths(root, id);

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'nuage-disk-ops-'));
    const raw = path.join(root, 'base.raw');
    const base = path.join(root, 'base.qcow2');
    await writeFile(raw, Buffer.concat([Buffer.from('NUAGE-BASE'), Buffer.alloc(MiB - 10)]));
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, base]);
    await mkdir(paths().dir, { recursive: true });
    await run('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-b',
      base,
      '-F',
      'qcow2',
      paths().disk,
      `${64 * MiB}`,
    ]);
    const spec: InstanceSpec = {
      id,
      name: 'vm',
      vcpus: 1,
      memoryMiB: 256,
      rootDisk: { baseImagePath: base, sizeBytes: 64 * MiB },
      networkInterfaces: [],
    };
    await writeFileAtomic(paths().specFile, JSON.stringify(spec));
    driver = new QemuDriver({ root });
  });
  afterAll(async () => {
    await driver.close();
    await rm(root, { recursive: true, force: true });
  });

  it('snapshots into a standalone qcow2 holding the base image data', async () => {
    const dest = path.join(root, 'snap.qcow2');
    await driver.snapshot(id, dest);
    const report = await info(dest);
    expect(report).toMatchObject({ format: 'qcow2', 'virtual-size': 64 * MiB });
    expect(report['backing-filename']).toBeUndefined();
    const rawCopy = path.join(root, 'snap.raw');
    await run('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', dest, rawCopy]);
    expect((await readFile(rawCopy)).subarray(0, 10).toString()).toBe('NUAGE-BASE');
    await expect(driver.snapshot('9a9a9a9a-0000-4000-8000-000000000000', dest)).rejects.toMatchObject({
      code: 'NotFound',
    });
  });

  it('resizes (idempotently), reverts to the saved disk and spec, and confirms', async () => {
    const target = { vcpus: 2, memoryMiB: 512, rootDiskBytes: 128 * MiB };
    await driver.resize(id, target);
    await driver.resize(id, target);
    expect(await readSpec(paths())).toMatchObject({
      vcpus: 2,
      memoryMiB: 512,
      rootDisk: { sizeBytes: 128 * MiB },
    });
    expect((await info(paths().disk))['virtual-size']).toBe(128 * MiB);
    expect((await info(path.join(paths().dir, 'disk.qcow2.resize-orig')))['virtual-size']).toBe(64 * MiB);

    await driver.revertResize(id);
    await driver.revertResize(id);
    expect(await readSpec(paths())).toMatchObject({ vcpus: 1, memoryMiB: 256 });
    expect((await info(paths().disk))['virtual-size']).toBe(64 * MiB);
    expect((await readdir(paths().dir)).filter((f) => f.includes('resize-orig'))).toEqual([]);

    // A smaller disk never shrinks it; confirm drops the revert point and keeps the new spec.
    await driver.resize(id, { vcpus: 1, memoryMiB: 128, rootDiskBytes: 32 * MiB });
    expect((await info(paths().disk))['virtual-size']).toBe(64 * MiB);
    await driver.confirmResize(id);
    expect(await readSpec(paths())).toMatchObject({ vcpus: 1, memoryMiB: 128 });
    expect((await readdir(paths().dir)).filter((f) => f.includes('resize-orig'))).toEqual([]);
  });
});
