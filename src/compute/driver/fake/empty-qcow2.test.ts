import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { emptyQcow2 } from './empty-qcow2.js';

const run = promisify(execFile);

describe('emptyQcow2', () => {
  it('is a consistent qcow2 of the asked virtual size, without a backing file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nuage-qcow2-'));
    try {
      for (const size of [64 * 1024 ** 2, 3 * 1024 ** 3 + 512]) {
        const file = path.join(dir, `empty-${size}.qcow2`);
        await writeFile(file, emptyQcow2(size));
        const info = JSON.parse((await run('qemu-img', ['info', '--output=json', file])).stdout) as Record<
          string,
          unknown
        >;
        expect(info).toMatchObject({ format: 'qcow2', 'virtual-size': size });
        expect(info['backing-filename']).toBeUndefined();
        await run('qemu-img', ['check', '-q', file]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
