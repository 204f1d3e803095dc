// The file backend against real qemu-img: thin creation, idempotent steps, extend, clone, snapshot,
// size checks, raw export/import round trip.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import assert from 'node:assert';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError } from './backend.js';
import { createFileBackend } from './file-backend.js';

const run = promisify(execFile);
const GIB = 1024 ** 3;

/** The first `n` bytes of a file and its size (exports are 1 GiB sparse files: never read them whole). */
async function head(path: string, n: number): Promise<{ bytes: Buffer; size: number }> {
  const file = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(n);
    await file.read(bytes, 0, n, 0);
    return { bytes, size: (await file.stat()).size };
  } finally {
    await file.close();
  }
}

async function virtualSize(path: string): Promise<number> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', '-U', path]);
  return (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
}

describe('file backend', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nuage-file-backend-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates thin qcow2 volumes idempotently, extends, clones, snapshots and deletes', async () => {
    const backend = createFileBackend({ root: join(dir, 'volumes') });
    const fileTarget = (at: string) => {
      const target = backend.attachTarget(at);
      assert(target.kind === 'file');
      return target;
    };
    const location = await backend.create('11111111-0000-4000-8000-000000000001', 1);
    expect(await backend.create('11111111-0000-4000-8000-000000000001', 1)).toBe(location);
    const { path, format } = fileTarget(location);
    expect(format).toBe('qcow2');
    expect(await virtualSize(path)).toBe(GIB);
    // Thin: a 1 GiB volume takes well under a megabyte on disk.
    expect((await stat(path)).size).toBeLessThan(1024 * 1024);

    await backend.extend(location, 2);
    await backend.extend(location, 2);
    expect(await virtualSize(path)).toBe(2 * GIB);

    const snap = await backend.snapshot('22222222-0000-4000-8000-000000000001', location, false);
    expect(await virtualSize(fileTarget(snap).path)).toBe(2 * GIB);
    const clone = await backend.clone('11111111-0000-4000-8000-000000000002', snap, 3, false);
    expect(await virtualSize(fileTarget(clone).path)).toBe(3 * GIB);
    await expect(
      backend.clone('11111111-0000-4000-8000-000000000003', location, 1, false),
    ).rejects.toBeInstanceOf(BackendError);

    await backend.delete(clone);
    await backend.delete(clone);
    await expect(stat(fileTarget(clone).path)).rejects.toThrow();
  });

  it('round-trips bytes through a raw export and import, and copies an image file', async () => {
    const backend = createFileBackend({ root: join(dir, 'volumes2') });
    const data = randomBytes(512 * 1024);
    const raw = join(dir, 'data.raw');
    await writeFile(raw, data);
    const location = await backend.createFromFile('11111111-0000-4000-8000-000000000010', raw, 'raw', 1);
    const exported = await backend.exportTo(location, 'raw', false);
    const { bytes, size } = await head(exported, data.length);
    expect(size).toBe(GIB);
    expect(bytes.equals(data)).toBe(true);
    await backend.removeExport(exported);

    const other = await backend.create('11111111-0000-4000-8000-000000000011', 1);
    await backend.importRaw(other, raw, 1);
    const back = await backend.exportTo(other, 'raw', false);
    expect((await head(back, data.length)).bytes.equals(data)).toBe(true);
    await backend.removeExport(back);

    const big = join(dir, 'big.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', big, String(2 * GIB)]);
    await expect(
      backend.createFromFile('11111111-0000-4000-8000-000000000012', big, 'qcow2', 1),
    ).rejects.toMatchObject({
      code: 'TooSmall',
    });
  });
});
