// The rbd volume backend against a real cluster (scripts/ceph-rig.sh, started by the project's global
// setup): thin creation, extend, snapshots, copy-on-write clones of snapshots and volumes (and what
// happens to them when their parent goes), volumes from image files, exports for backups and uploads
// (point in time, holes skipped), restores, and the configuration that selects the backend.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RbdImageRef } from '../../src/storage/rbd/rbd-names.js';
import { BackendError, type Location, type VolumeBackend } from '../../src/volume/backend/backend.js';
import { createRbdBackend, MAX_CLONE_DEPTH } from '../../src/volume/backend/rbd-backend.js';
import { chooseVolumeBackend } from '../../src/volume/backend/select-backend.js';
import { cephRig, type CephRig } from '../support/ceph-rig.js';

const run = promisify(execFile);
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
let rig: CephRig;
let backend: VolumeBackend;
let scratch: string;
const made: Location[] = [];

/** The first `n` bytes of a file and its size (exports are sparse 1 GiB files: never read them whole). */
async function head(file: string, n: number): Promise<{ bytes: Buffer; size: number }> {
  const handle = await open(file, 'r');
  try {
    const bytes = Buffer.alloc(n);
    await handle.read(bytes, 0, n, 0);
    return { bytes, size: (await handle.stat()).size };
  } finally {
    await handle.close();
  }
}

function refOf(location: Location): RbdImageRef {
  const target = backend.attachTarget(location);
  if (target.kind !== 'rbd') throw new Error(`not an rbd target: ${location}`);
  const { pool, image, snapshot } = target;
  return snapshot === undefined ? { pool, image } : { pool, image, snapshot };
}

/** The first `n` guest-visible bytes of a volume or snapshot, read through an export. */
async function firstBytes(location: Location, n: number): Promise<Buffer> {
  const exported = await backend.exportTo(location, 'raw', false);
  try {
    return (await head(exported, n)).bytes;
  } finally {
    await backend.removeExport(exported);
  }
}

/** A new 1 GiB volume whose first MiB is random data (written as a restore would). */
async function volumeWithData(): Promise<{ location: Location; data: Buffer }> {
  const data = randomBytes(MIB);
  const raw = path.join(scratch, `${randomUUID()}.raw`);
  await writeFile(raw, data);
  const location = await backend.create(randomUUID(), 1);
  made.push(location);
  await backend.importRaw(location, raw, 1);
  return { location, data };
}

async function clone(source: Location, sizeGib = 1): Promise<Location> {
  const location = await backend.clone(randomUUID(), source, sizeGib, false);
  made.push(location);
  return location;
}

beforeAll(async () => {
  rig = cephRig();
  scratch = await mkdtemp(path.join(tmpdir(), 'nuage-rbd-backend-'));
  backend = createRbdBackend({ rbd: rig.rbd, pool: 'volumes', scratchDir: path.join(scratch, 'work') });
});

afterAll(async () => {
  // Newest first: clones go before the volumes they came from (delete copes with either order).
  for (const location of made.reverse()) await backend.delete(location).catch(() => undefined);
  await rm(scratch, { recursive: true, force: true });
});

describe('rbd volume backend', () => {
  it('creates thin volumes, extends and deletes them, each step repeatable', async () => {
    const id = randomUUID();
    const location = await backend.create(id, 1);
    made.push(location);
    expect(location).toBe(`volumes/volume-${id}`);
    expect(await backend.create(id, 1)).toBe(location);
    expect(backend.attachTarget(location)).toEqual({ kind: 'rbd', pool: 'volumes', image: `volume-${id}` });
    expect((await rig.rbd.info(refOf(location)))?.sizeBytes).toBe(GIB);
    expect(await rig.rbd.diff(refOf(location))).toEqual([]);

    await backend.extend(location, 2);
    await backend.extend(location, 2);
    await backend.extend(location, 1);
    expect((await rig.rbd.info(refOf(location)))?.sizeBytes).toBe(2 * GIB);

    await backend.delete(location);
    await backend.delete(location);
    expect(await rig.rbd.info(refOf(location))).toBeUndefined();
    await expect(backend.extend(location, 3)).rejects.toMatchObject({ code: 'NotFound' });
    expect(() => backend.attachTarget('/var/lib/x.qcow2')).toThrow(BackendError);
  });

  it('snapshots a volume and clones the snapshot copy-on-write; the clone outlives the snapshot', async () => {
    const { location, data } = await volumeWithData();
    const snapshotId = randomUUID();
    const snap = await backend.snapshot(snapshotId, location, false);
    expect(snap).toBe(`${location}@snapshot-${snapshotId}`);
    expect(await backend.snapshot(snapshotId, location, false)).toBe(snap);
    expect(backend.attachTarget(snap)).toMatchObject({ kind: 'rbd', snapshot: `snapshot-${snapshotId}` });

    const copy = await clone(snap, 2);
    expect((await rig.rbd.info(refOf(copy)))?.parent).toEqual(refOf(snap));
    expect((await rig.rbd.info(refOf(copy)))?.sizeBytes).toBe(2 * GIB);
    // Later writes to the volume do not reach the snapshot or its clone.
    await backend.importRaw(location, await writeRaw(randomBytes(MIB)), 1);
    expect((await firstBytes(snap, MIB)).equals(data)).toBe(true);
    expect((await firstBytes(copy, MIB)).equals(data)).toBe(true);

    await backend.delete(snap);
    await backend.delete(snap);
    expect((await rig.rbd.snapshots(refOf(location))).map((s) => s.name)).toEqual([]);
    expect((await rig.rbd.info(refOf(copy)))?.parent).toBeUndefined();
    expect((await firstBytes(copy, MIB)).equals(data)).toBe(true);
  });

  it('clones a volume through a snapshot of its own, which goes with the clone', async () => {
    const { location, data } = await volumeWithData();
    const id = randomUUID();
    const copy = await backend.clone(id, location, 1, false);
    expect(await backend.clone(id, location, 1, false)).toBe(copy);
    expect((await rig.rbd.info(refOf(copy)))?.parent).toEqual({
      ...refOf(location),
      snapshot: `clone-${id}`,
    });
    expect((await firstBytes(copy, MIB)).equals(data)).toBe(true);
    await backend.delete(copy);
    expect(await rig.rbd.snapshots(refOf(location))).toEqual([]);

    // The source may go first: its clones are flattened and keep their data.
    const second = await clone(location);
    await backend.delete(location);
    expect(await rig.rbd.info(refOf(location))).toBeUndefined();
    expect((await rig.rbd.info(refOf(second)))?.parent).toBeUndefined();
    expect((await firstBytes(second, MIB)).equals(data)).toBe(true);
  });

  it('flattens a clone deeper than the clone depth limit', async () => {
    let { location } = await volumeWithData();
    for (let depth = 1; depth <= MAX_CLONE_DEPTH; depth += 1) {
      location = await clone(location);
      expect((await rig.rbd.info(refOf(location)))?.parent).toBeDefined();
    }
    const deep = await clone(location);
    expect((await rig.rbd.info(refOf(deep)))?.parent).toBeUndefined();
    // The snapshot made for the flattened clone is gone too.
    expect(await rig.rbd.snapshots(refOf(location))).toEqual([]);
  });

  it('refuses a clone smaller than its source and a missing source', async () => {
    const { location } = await volumeWithData();
    await backend.extend(location, 2);
    await expect(backend.clone(randomUUID(), location, 1, false)).rejects.toMatchObject({
      code: 'TooSmall',
    });
    await expect(
      backend.clone(randomUUID(), `volumes/volume-${randomUUID()}`, 1, false),
    ).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('creates a volume from a qcow2 image file, and leaves nothing when it does not fit', async () => {
    const data = randomBytes(MIB);
    const qcow2 = path.join(scratch, 'image.qcow2');
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', await writeRaw(data), qcow2]);
    const id = randomUUID();
    const location = await backend.createFromFile(id, qcow2, 'qcow2', 1);
    made.push(location);
    expect(await backend.createFromFile(id, qcow2, 'qcow2', 1)).toBe(location);
    expect((await rig.rbd.info(refOf(location)))?.sizeBytes).toBe(GIB);
    expect((await firstBytes(location, MIB)).equals(data)).toBe(true);

    const big = path.join(scratch, 'big.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', big, String(2 * GIB)]);
    const tooBig = randomUUID();
    await expect(backend.createFromFile(tooBig, big, 'qcow2', 1)).rejects.toMatchObject({
      code: 'TooSmall',
    });
    const images = await rig.rbd.list('volumes');
    expect(images.filter((name) => name.startsWith(`volume-${tooBig}`))).toEqual([]);
  });

  it('exports a point-in-time raw copy with its data ranges, and a qcow2 copy for an image', async () => {
    const { location, data } = await volumeWithData();
    const exported = await backend.exportTo(location, 'raw', false);
    expect((await stat(exported)).size).toBe(GIB);
    // The export reads a snapshot of its own: writes after it do not show, and it goes with the export.
    expect((await rig.rbd.snapshots(refOf(location))).length).toBe(1);
    await backend.importRaw(location, await writeRaw(randomBytes(MIB)), 1);
    expect((await head(exported, MIB)).bytes.equals(data)).toBe(true);
    const ranges = await backend.dataRanges(exported);
    const covered = ranges.reduce((n, r) => n + r.length, 0);
    expect(ranges[0]?.start).toBe(0);
    expect(covered).toBeGreaterThanOrEqual(MIB);
    expect(covered).toBeLessThan(GIB / 8);
    await backend.removeExport(exported);
    await backend.removeExport(exported);
    expect(await rig.rbd.snapshots(refOf(location))).toEqual([]);

    const image = await backend.exportTo(location, 'qcow2', false);
    const { stdout } = await run('qemu-img', ['info', '--output=json', image]);
    expect(JSON.parse(stdout)).toMatchObject({ format: 'qcow2', 'virtual-size': GIB });
    await run('qemu-img', ['compare', '-q', image, rig.rbd.qemuFilename(refOf(location))]);
    await backend.removeExport(image);
  });

  it('restores raw bytes over a volume, growing it to the size asked', async () => {
    const location = await backend.create(randomUUID(), 1);
    made.push(location);
    const data = randomBytes(2 * MIB);
    const raw = await backend.scratchPath('restore');
    await writeFile(raw, data);
    await backend.importRaw(location, raw, 2);
    await backend.importRaw(location, raw, 2);
    await rm(raw);
    expect((await rig.rbd.info(refOf(location)))?.sizeBytes).toBe(2 * GIB);
    expect((await firstBytes(location, data.length)).equals(data)).toBe(true);
  });

  it('is chosen by volume.backend = rbd with the Ceph client config, and refused without one', async () => {
    const dataDir = path.join(scratch, 'data');
    const chosen = chooseVolumeBackend(
      loadConfig({
        overrides: {
          dataDir,
          'volume.backend': 'rbd',
          'volume.rbdPool': 'volumes',
          'ceph.conf': rig.client.confPath,
          'ceph.user': rig.client.user,
        },
      }),
    );
    expect(chosen.name).toBe('rbd');
    const id = randomUUID();
    const location = await chosen.create(id, 1);
    made.push(location);
    expect(location).toBe(`volumes/volume-${id}`);
    expect((await rig.rbd.info(refOf(location)))?.sizeBytes).toBe(GIB);
    expect(() =>
      chooseVolumeBackend(loadConfig({ overrides: { dataDir, 'volume.backend': 'rbd' } })),
    ).toThrow(/ceph\.conf/);
    expect(chooseVolumeBackend(loadConfig({ overrides: { dataDir } })).name).toBe('file');
  });
});

async function writeRaw(data: Buffer): Promise<string> {
  const file = path.join(scratch, `${randomUUID()}.raw`);
  await writeFile(file, data);
  return file;
}
