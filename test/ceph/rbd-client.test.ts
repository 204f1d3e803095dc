// The RBD client against a real cluster (scripts/ceph-rig.sh, started by the project's global setup):
// images, snapshots, clones, flatten, diff, streams in and out, qemu-img over rbd: filenames, idempotent
// repeats and typed errors. Prints the latencies of create, snapshot and clone as the tools see them.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRbdError, RbdError } from '../../src/storage/rbd/rbd-errors.js';
import type { RbdImageRef } from '../../src/storage/rbd/rbd-names.js';
import { cephRig, uniqueName, type CephRig } from '../support/ceph-rig.js';

const MIB = 1024 * 1024;
let rig: CephRig;
let scratch: string;
const made: RbdImageRef[] = [];

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`rbd latency: ${label} ${(performance.now() - started).toFixed(0)} ms`);
  return result;
}

function image(prefix: string): RbdImageRef {
  const ref = { pool: 'volumes', image: uniqueName(prefix) };
  made.push(ref);
  return ref;
}

async function rejection(work: Promise<unknown>): Promise<RbdError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RbdError);
  return err as RbdError;
}

beforeAll(async () => {
  rig = cephRig();
  scratch = await mkdtemp(path.join(tmpdir(), 'nuage-rbd-'));
});

afterAll(async () => {
  // Clones first, then their parents' snapshots, then the parents.
  for (const ref of made.reverse()) {
    await rig.rbd.flatten(ref).catch(() => undefined);
    for (const snap of await rig.rbd.snapshots(ref).catch(() => [])) {
      const s = { ...ref, snapshot: snap.name };
      await rig.rbd.unprotectSnapshot(s).catch(() => undefined);
      await rig.rbd.removeSnapshot(s).catch(() => undefined);
    }
    await rig.rbd.remove(ref).catch(() => undefined);
  }
  await rm(scratch, { recursive: true, force: true });
}, 120_000);

describe('RBD client', () => {
  it('creates, describes, grows and removes an image, each step repeatable', async () => {
    const ref = image('basic');
    expect(await timed('create 1 GiB', () => rig.rbd.create(ref, 1024 * MIB))).toBe(true);
    expect(await rig.rbd.create(ref, 1024 * MIB)).toBe(false);
    const info = await rig.rbd.info(ref);
    expect(info).toMatchObject({ sizeBytes: 1024 * MIB, snapshotCount: 0 });
    expect(info?.features).toEqual(expect.arrayContaining(['layering', 'object-map', 'fast-diff']));
    expect(info?.parent).toBeUndefined();
    await rig.rbd.resize(ref, 2048 * MIB);
    expect((await rig.rbd.info(ref))?.sizeBytes).toBe(2048 * MIB);
    expect((await rejection(rig.rbd.resize(ref, 1024 * MIB))).code).toBe('InvalidArgument');
    expect(await rig.rbd.list('volumes')).toContain(ref.image);
    await timed('remove', () => rig.rbd.remove(ref));
    await rig.rbd.remove(ref);
    expect(await rig.rbd.info(ref)).toBeUndefined();
    expect((await rejection(rig.rbd.resize(ref, MIB))).code).toBe('NotFound');
  });

  it('refuses names that a tool could misread, before calling Ceph', async () => {
    for (const bad of ['a/b', 'a@b', 'a:b', 'a,b', '', 'a b', '-x']) {
      const err = await rejection(rig.rbd.create({ pool: 'volumes', image: bad }, MIB));
      expect(err.code).toBe('InvalidArgument');
    }
  });

  it('snapshots, protects, clones, flattens; typed errors while children or snapshots exist', async () => {
    const parent = image('parent');
    await rig.rbd.create(parent, 64 * MIB);
    const data = randomBytes(MIB);
    await writeFile(path.join(scratch, 'one.raw'), data);
    await rig.rbd.convert({
      from: { file: path.join(scratch, 'one.raw') },
      fromFormat: 'raw',
      to: { rbd: parent },
      toFormat: 'raw',
      targetExists: true,
    });
    const snap = { ...parent, snapshot: 'snap' };
    await timed('snap create', () => rig.rbd.createSnapshot(snap));
    await rig.rbd.createSnapshot(snap);
    await timed('snap protect', () => rig.rbd.protectSnapshot(snap));
    await rig.rbd.protectSnapshot(snap);
    expect(await rig.rbd.snapshots(parent)).toEqual([{ name: 'snap', sizeBytes: 64 * MIB, protected: true }]);

    const child = image('child');
    await timed('clone', () => rig.rbd.clone(snap, child));
    await rig.rbd.clone(snap, child);
    const other = image('other');
    await rig.rbd.create(other, MIB);
    expect((await rejection(rig.rbd.clone(snap, other))).code).toBe('Exists');
    expect((await rig.rbd.info(child))?.parent).toEqual(snap);
    expect(await rig.rbd.children(snap)).toEqual([{ pool: 'volumes', image: child.image }]);
    // The clone reads its parent's data, and rbd diff counts it.
    expect((await rig.rbd.diff(child)).reduce((n, e) => n + e.length, 0)).toBeGreaterThanOrEqual(MIB);
    expect((await rejection(rig.rbd.unprotectSnapshot(snap))).code).toBe('Busy');
    expect((await rejection(rig.rbd.removeSnapshot(snap))).code).toBe('Busy');
    expect((await rejection(rig.rbd.remove(parent))).code).toBe('HasSnapshots');

    await timed('flatten 64 MiB clone (1 MiB data)', () => rig.rbd.flatten(child));
    await rig.rbd.flatten(child);
    expect((await rig.rbd.info(child))?.parent).toBeUndefined();
    expect(await rig.rbd.children(snap)).toEqual([]);
    await rig.rbd.unprotectSnapshot(snap);
    await rig.rbd.unprotectSnapshot(snap);
    await rig.rbd.removeSnapshot(snap);
    await rig.rbd.removeSnapshot(snap);
    await rig.rbd.remove(parent);
    const back = await buffer(rig.rbd.exportStream(child));
    expect(back.length).toBe(64 * MIB);
    expect(back.subarray(0, MIB).equals(data)).toBe(true);
    expect(back.subarray(MIB).every((b) => b === 0)).toBe(true);
  });

  it('streams raw bytes in and out, and diffs only what was written', async () => {
    const ref = image('stream');
    const data = Buffer.concat([randomBytes(MIB), Buffer.alloc(8 * MIB), randomBytes(MIB)]);
    await rig.rbd.importStream(Readable.from([data]), ref);
    expect((await rig.rbd.info(ref))?.sizeBytes).toBe(data.length);
    expect((await rejection(rig.rbd.importStream(Readable.from([data]), ref))).code).toBe('Exists');
    const extents = await rig.rbd.diff(ref);
    const covered = extents.reduce((n, e) => n + e.length, 0);
    expect(covered).toBeGreaterThanOrEqual(2 * MIB);
    expect(covered).toBeLessThan(data.length);
    expect((await buffer(rig.rbd.exportStream(ref))).equals(data)).toBe(true);
    // qemu-img reads the same bytes through the rbd: filename (as QEMU would).
    const out = path.join(scratch, 'back.raw');
    await rig.rbd.convert({ from: { rbd: ref }, fromFormat: 'raw', to: { file: out }, toFormat: 'raw' });
    expect((await readFile(out)).equals(data)).toBe(true);
    expect(await rig.rbd.virtualSize({ rbd: ref }, 'raw')).toBe(data.length);
  });

  it('fails the export stream of a missing image instead of ending it short', async () => {
    const stream = rig.rbd.exportStream({ pool: 'volumes', image: uniqueName('missing') });
    const err = await buffer(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRbdError(err, 'NotFound')).toBe(true);
  });

  it('names the user and config on the command line, never a key', () => {
    const name = rig.rbd.qemuFilename({ pool: 'vms', image: 'x', snapshot: 's' });
    expect(name).toBe(`rbd:vms/x@s:conf=${rig.client.confPath}:id=nuage`);
    expect(name).not.toMatch(/key=/);
  });
});
