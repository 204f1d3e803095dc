// The image cache downloads an image once, even for concurrent callers, and leaves no partial file.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createImageSource, type ImageReader } from './image-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function reader(fail = false): ImageReader & { opened: number } {
  const r = {
    opened: 0,
    visible: async (_auth: unknown, id: string) => ({
      id,
      status: 'active',
      minDisk: 1,
      minRam: 64,
      sizeBytes: 4,
    }),
    async openActive() {
      r.opened++;
      if (fail)
        return {
          diskFormat: 'qcow2',
          stream: Readable.from(
            (async function* () {
              yield Buffer.from('ab');
              throw new Error('read failed');
            })(),
          ),
        };
      return { diskFormat: 'qcow2', stream: Readable.from([Buffer.from('qcow'), Buffer.from('2!')]) };
    },
  };
  return r;
}

describe('createImageSource', () => {
  it('caches the bytes once for concurrent callers', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nuage-img-'));
    dirs.push(dataDir);
    const r = reader();
    const source = createImageSource(r, dataDir);
    const [a, b] = await Promise.all([source.baseImagePath('img', 'p'), source.baseImagePath('img', 'p')]);
    expect(a).toBe(b);
    expect(readFileSync(a).toString()).toBe('qcow2!');
    await source.baseImagePath('img', 'p');
    expect(r.opened).toBe(1);
  });

  it('leaves no file when the read fails', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nuage-img-'));
    dirs.push(dataDir);
    const source = createImageSource(reader(true), dataDir);
    await expect(source.baseImagePath('img', 'p')).rejects.toThrow('read failed');
    expect(readdirSync(join(dataDir, 'compute', 'image-cache'))).toEqual([]);
  });
});
