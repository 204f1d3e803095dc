import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKeyRepository, rotateKeys } from './key-repository.js';

let base: string;
let dir: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'nuage-keys-'));
  dir = join(base, 'keys', 'tokens');
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

function keyNames(): string[] {
  return readdirSync(dir).sort((a, b) => Number(a) - Number(b));
}

describe('openKeyRepository', () => {
  it('creates a private directory with staged key 0 and primary key 1', () => {
    const repo = openKeyRepository(dir);
    expect(keyNames()).toEqual(['0', '1']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of ['0', '1']) {
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, name), 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    }
    expect(repo.primary().id).toBe(1);
    expect(repo.primary().material).toHaveLength(32);
    expect(repo.decryptionKeys().map((key) => key.id)).toEqual([1, 0]);
  });

  it('derives the fingerprint from the material and finds keys by it', () => {
    const repo = openKeyRepository(dir);
    const primary = repo.primary();
    expect(primary.fingerprint).toHaveLength(4);
    expect(
      primary.material.equals(Buffer.from(readFileSync(join(dir, '1'), 'utf8').trim(), 'base64url')),
    ).toBe(true);
    expect(repo.findByFingerprint(primary.fingerprint)).toBe(primary);
    const unknown = Buffer.from(primary.fingerprint);
    unknown[0] = (unknown[0] ?? 0) ^ 0xff;
    expect(repo.findByFingerprint(unknown)).toBeUndefined();
    expect(repo.findByFingerprint(Buffer.alloc(3))).toBeUndefined();
  });

  it('reopens an existing repository without changing its keys', () => {
    const first = openKeyRepository(dir).primary().material;
    const again = openKeyRepository(dir);
    expect(keyNames()).toEqual(['0', '1']);
    expect(again.primary().material.equals(first)).toBe(true);
  });

  it('refuses a malformed key file and names the file but not its content', () => {
    openKeyRepository(dir);
    writeFileSync(join(dir, '2'), 'this-is-not-a-key\n', { mode: 0o600 });
    expect(() => openKeyRepository(dir)).toThrow(/token key file .*\/2 is malformed/);
    try {
      openKeyRepository(dir);
    } catch (error) {
      expect(String(error)).not.toContain('this-is-not-a-key');
    }
  });

  it('refuses a key file of the wrong length', () => {
    openKeyRepository(dir);
    writeFileSync(join(dir, '2'), `${Buffer.alloc(31, 7).toString('base64url')}\n`, { mode: 0o600 });
    expect(() => openKeyRepository(dir)).toThrow(/malformed/);
  });

  it('refuses a key file readable by group or others', () => {
    openKeyRepository(dir);
    chmodSync(join(dir, '1'), 0o640);
    expect(() => openKeyRepository(dir)).toThrow(/\/1 is accessible by group or others/);
    chmodSync(join(dir, '1'), 0o604);
    expect(() => openKeyRepository(dir)).toThrow(/\/1 is accessible by group or others/);
  });

  it('ignores files whose names are not canonical key ids', () => {
    openKeyRepository(dir);
    writeFileSync(join(dir, '07'), 'junk', { mode: 0o644 });
    writeFileSync(join(dir, '.tmp-123-abc'), 'junk', { mode: 0o600 });
    expect(openKeyRepository(dir).primary().id).toBe(1);
  });
});

describe('rotateKeys', () => {
  it('promotes the staged key and keeps the old primary as a secondary', () => {
    const repo = openKeyRepository(dir);
    const staged0 = repo.decryptionKeys().find((key) => key.id === 0)!.material;
    const primary1 = repo.primary().material;

    expect(rotateKeys(dir, { maxActiveKeys: 5 })).toEqual({ primaryId: 2, removedIds: [] });
    const after1 = openKeyRepository(dir);
    expect(after1.primary().id).toBe(2);
    expect(after1.primary().material.equals(staged0)).toBe(true);
    expect(after1.decryptionKeys().map((key) => key.id)).toEqual([2, 1, 0]);
    expect(after1.decryptionKeys()[1]!.material.equals(primary1)).toBe(true);
    const newStaged = after1.decryptionKeys()[2]!.material;
    expect(newStaged.equals(staged0)).toBe(false);

    expect(rotateKeys(dir, { maxActiveKeys: 5 })).toEqual({ primaryId: 3, removedIds: [] });
    const after2 = openKeyRepository(dir);
    expect(after2.decryptionKeys().map((key) => key.id)).toEqual([3, 2, 1, 0]);
    expect(after2.primary().material.equals(newStaged)).toBe(true);
    expect(keyNames()).toEqual(['0', '1', '2', '3']);
    for (const name of keyNames()) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });

  it('prunes the oldest secondaries down to maxActiveKeys', () => {
    openKeyRepository(dir);
    expect(rotateKeys(dir, { maxActiveKeys: 3 })).toEqual({ primaryId: 2, removedIds: [] });
    expect(rotateKeys(dir, { maxActiveKeys: 3 })).toEqual({ primaryId: 3, removedIds: [1] });
    expect(keyNames()).toEqual(['0', '2', '3']);
    rotateKeys(dir, { maxActiveKeys: 6 });
    rotateKeys(dir, { maxActiveKeys: 6 });
    expect(keyNames()).toEqual(['0', '2', '3', '4', '5']);
    // Lowering the limit prunes several keys at once, never the staged or primary key.
    expect(rotateKeys(dir, { maxActiveKeys: 3 })).toEqual({ primaryId: 6, removedIds: [2, 3, 4] });
    expect(keyNames()).toEqual(['0', '5', '6']);
  });

  it('enforces maxActiveKeys >= 3', () => {
    openKeyRepository(dir);
    expect(() => rotateKeys(dir, { maxActiveKeys: 2 })).toThrow(RangeError);
    expect(() => rotateKeys(dir, { maxActiveKeys: 3.5 })).toThrow(RangeError);
    expect(keyNames()).toEqual(['0', '1']);
  });

  it('refuses to rotate a directory that does not exist', () => {
    expect(() => rotateKeys(dir, { maxActiveKeys: 3 })).toThrow(/does not exist/);
  });

  it('changes nothing when a key file is malformed', () => {
    openKeyRepository(dir);
    writeFileSync(join(dir, '0'), 'garbage\n', { mode: 0o600 });
    expect(() => rotateKeys(dir, { maxActiveKeys: 3 })).toThrow(/malformed/);
    expect(keyNames()).toEqual(['0', '1']);
  });

  it('completes a rotation that crashed after linking the staged key', () => {
    const repo = openKeyRepository(dir);
    const staged = readFileSync(join(dir, '0'));
    // Simulate the crash window: key 2 already is the old staged key, and key 0 was not yet replaced.
    writeFileSync(join(dir, '2'), staged, { mode: 0o600 });
    expect(rotateKeys(dir, { maxActiveKeys: 5 })).toEqual({ primaryId: 2, removedIds: [] });
    expect(keyNames()).toEqual(['0', '1', '2']);
    expect(readFileSync(join(dir, '2')).equals(staged)).toBe(true);
    expect(readFileSync(join(dir, '0')).equals(staged)).toBe(false);
    repo.refresh();
    expect(repo.primary().id).toBe(2);
  });

  it('restores a missing staged key without promoting an unseen key', () => {
    openKeyRepository(dir);
    rmSync(join(dir, '0'));
    expect(rotateKeys(dir, { maxActiveKeys: 3 })).toEqual({ primaryId: 1, removedIds: [] });
    expect(keyNames()).toEqual(['0', '1']);
  });
});

describe('KeyRepository.refresh', () => {
  it('picks up a rotation made by another process', () => {
    const server = openKeyRepository(dir);
    const other = openKeyRepository(dir);
    const oldPrimary = server.primary();
    rotateKeys(dir, { maxActiveKeys: 3 });
    expect(server.primary().id).toBe(1);
    server.refresh();
    expect(server.primary().id).toBe(2);
    expect(server.decryptionKeys().map((key) => key.id)).toEqual([2, 1, 0]);
    // Unchanged keys keep their identity, so caches keyed by TokenKey survive the refresh.
    expect(server.decryptionKeys()[1]).toBe(oldPrimary);
    rotateKeys(dir, { maxActiveKeys: 3 });
    server.refresh();
    expect(server.decryptionKeys().map((key) => key.id)).toEqual([3, 2, 0]);
    expect(server.findByFingerprint(oldPrimary.fingerprint)).toBeUndefined();
    expect(other.primary().id).toBe(1);
  });

  it('keeps the previous keys when the directory becomes malformed', () => {
    const repo = openKeyRepository(dir);
    writeFileSync(join(dir, '5'), 'broken\n', { mode: 0o600 });
    expect(() => repo.refresh()).toThrow(/\/5 is malformed/);
    expect(repo.primary().id).toBe(1);
  });
});
