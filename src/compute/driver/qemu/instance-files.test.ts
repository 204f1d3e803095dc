import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailFile } from './instance-files.js';
import { volumeNodeNames } from './volume-names.js';

describe('tailFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nuage-tail-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the last lines, the whole file, or nothing for a missing file', async () => {
    const file = path.join(dir, 'console.log');
    await writeFile(file, 'a\nb\nc\nd\n');
    expect(await tailFile(file, 2)).toBe('c\nd\n');
    expect(await tailFile(file, undefined)).toBe('a\nb\nc\nd\n');
    expect(await tailFile(file, 10)).toBe('a\nb\nc\nd\n');
    expect(await tailFile(path.join(dir, 'missing'), 5)).toBe('');
  });

  it('reads at most maxBytes from the end', async () => {
    const file = path.join(dir, 'big.log');
    await writeFile(file, `${'x'.repeat(100)}\nlast\n`);
    expect(await tailFile(file, undefined, 8)).toBe('xx\nlast\n');
  });
});

describe('volumeNodeNames', () => {
  it('gives short, stable QEMU names and a 20-character serial', () => {
    const names = volumeNodeNames('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    expect(names).toEqual(volumeNodeNames('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'));
    expect(names.serial).toBe('0f1e2d3c-4b5a-6978-8');
    for (const name of [names.fileNode, names.formatNode, names.deviceId]) {
      expect(name.length).toBeLessThanOrEqual(31);
      expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
    }
  });
});
