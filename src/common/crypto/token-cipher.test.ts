import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyRepository } from './key-repository.js';
import { openKeyRepository, rotateKeys } from './key-repository.js';
import { createTokenCipher, MAX_PAYLOAD_BYTES } from './token-cipher.js';

let base: string;
let dir: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'nuage-cipher-'));
  dir = join(base, 'keys', 'tokens');
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

const payload = new TextEncoder().encode('{"user":"u-1","project":"p-1","expires":1900000000}');

describe('TokenCipher', () => {
  it('round-trips payloads in the documented format', () => {
    const keys = openKeyRepository(dir);
    const cipher = createTokenCipher(keys);
    const token = cipher.seal(payload);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const raw = Buffer.from(token, 'base64url');
    expect(raw).toHaveLength(1 + 4 + 12 + payload.length + 16);
    expect(raw[0]).toBe(0x01);
    expect(raw.subarray(1, 5).equals(keys.primary().fingerprint)).toBe(true);
    // The payload must not appear in the clear.
    expect(raw.includes(Buffer.from('"user"'))).toBe(false);
    expect(Buffer.from(cipher.open(token)!).equals(Buffer.from(payload))).toBe(true);
    expect(cipher.seal(payload)).not.toBe(token);
    expect(cipher.open(cipher.seal(new Uint8Array(0)))).toHaveLength(0);
  });

  it('rejects a token with any single byte changed', () => {
    const cipher = createTokenCipher(openKeyRepository(dir));
    const raw = Buffer.from(cipher.seal(payload), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const tampered = Buffer.from(raw);
        tampered[i] = (tampered[i] ?? 0) ^ flip;
        expect(cipher.open(tampered.toString('base64url'))).toBeNull();
      }
    }
  });

  it('rejects truncated and extended tokens', () => {
    const cipher = createTokenCipher(openKeyRepository(dir));
    const token = cipher.seal(payload);
    const raw = Buffer.from(token, 'base64url');
    for (let n = 0; n < raw.length; n++) {
      expect(cipher.open(raw.subarray(0, n).toString('base64url'))).toBeNull();
    }
    for (let n = 1; n < token.length; n++) expect(cipher.open(token.slice(0, n))).toBeNull();
    expect(cipher.open(Buffer.concat([raw, Buffer.from([0])]).toString('base64url'))).toBeNull();
    expect(cipher.open(`${token}A`)).toBeNull();
  });

  it('rejects non-canonical spellings of a valid token', () => {
    const cipher = createTokenCipher(openKeyRepository(dir));
    // 1 + 4 + 12 + 1 + 16 = 34 bytes, so the last base64url character carries 4 unused bits.
    const token = cipher.seal(new Uint8Array([42]));
    expect(token.length % 4).toBe(2);
    expect([...cipher.open(token)!]).toEqual([42]);
    const last = token.charCodeAt(token.length - 1);
    const respelled = token.slice(0, -1) + String.fromCharCode(last + 1);
    expect(Buffer.from(respelled, 'base64url').equals(Buffer.from(token, 'base64url'))).toBe(true);
    expect(cipher.open(respelled)).toBeNull();
    expect(cipher.open(`${token}=`)).toBeNull();
    expect(cipher.open(`${token}==`)).toBeNull();
    expect(cipher.open(` ${token}`)).toBeNull();
    expect(cipher.open(`${token.slice(0, 10)}.${token.slice(10)}`)).toBeNull();
    // Standard base64 with padding decodes to the same bytes but is not our format.
    expect(cipher.open(Buffer.from(token, 'base64url').toString('base64'))).toBeNull();
  });

  it('returns null for garbage, empty, huge and wrong-version input without throwing', () => {
    const cipher = createTokenCipher(openKeyRepository(dir));
    const raw = Buffer.from(cipher.seal(payload), 'base64url');
    const wrongVersion = Buffer.from(raw);
    wrongVersion[0] = 0x02;
    const inputs: unknown[] = [
      '',
      'A',
      'not a token',
      '\u0000'.repeat(100),
      '🙂'.repeat(40),
      'A'.repeat(44),
      'A'.repeat(4096),
      'A'.repeat(4097),
      'x'.repeat(1_000_000),
      wrongVersion.toString('base64url'),
      undefined,
      null,
      42,
    ];
    for (const input of inputs) expect(cipher.open(input as string)).toBeNull();
  });

  it('refuses to seal a payload whose token would exceed the length bound', () => {
    const cipher = createTokenCipher(openKeyRepository(dir));
    const biggest = cipher.seal(new Uint8Array(MAX_PAYLOAD_BYTES));
    expect(biggest.length).toBeLessThanOrEqual(4096);
    expect(cipher.open(biggest)).toHaveLength(MAX_PAYLOAD_BYTES);
    expect(() => cipher.seal(new Uint8Array(MAX_PAYLOAD_BYTES + 1))).toThrow();
  });

  it('opens pre-rotation tokens until their key is pruned', () => {
    const maxActiveKeys = 5;
    const keys = openKeyRepository(dir);
    const cipher = createTokenCipher(keys);
    const token = cipher.seal(payload);
    rotateKeys(dir, { maxActiveKeys });
    keys.refresh();
    expect(keys.primary().id).toBe(2);
    expect(cipher.open(token)).not.toBeNull();
    // New tokens use the new primary, and old ones keep working.
    const newer = cipher.seal(payload);
    expect(Buffer.from(newer, 'base64url').subarray(1, 5).equals(keys.primary().fingerprint)).toBe(true);
    for (let i = 1; i < maxActiveKeys - 2; i++) rotateKeys(dir, { maxActiveKeys });
    keys.refresh();
    expect(keys.decryptionKeys().map((key) => key.id)).toEqual([4, 3, 2, 1, 0]);
    expect(cipher.open(token)).not.toBeNull();
    rotateKeys(dir, { maxActiveKeys });
    keys.refresh();
    expect(cipher.open(token)).toBeNull();
    expect(cipher.open(newer)).not.toBeNull();
  });

  it('rejects tokens sealed with another repository', () => {
    const ours = createTokenCipher(openKeyRepository(dir));
    const theirs = createTokenCipher(openKeyRepository(join(base, 'elsewhere')));
    expect(ours.open(theirs.seal(payload))).toBeNull();
    expect(theirs.open(ours.seal(payload))).toBeNull();
  });

  it('rejects a token whose fingerprint is ours but whose key is not', () => {
    const keys = openKeyRepository(dir);
    const cipher = createTokenCipher(keys);
    const raw = Buffer.from(
      createTokenCipher(openKeyRepository(join(base, 'other'))).seal(payload),
      'base64url',
    );
    keys.primary().fingerprint.copy(raw, 1);
    expect(cipher.open(raw.toString('base64url'))).toBeNull();
  });
});

describe('TokenCipher refresh on unknown fingerprints', () => {
  function countingRepository(inner: KeyRepository): { repo: KeyRepository; refreshes: () => number } {
    let count = 0;
    const repo: KeyRepository = {
      primary: () => inner.primary(),
      decryptionKeys: () => inner.decryptionKeys(),
      findByFingerprint: (fp) => inner.findByFingerprint(fp),
      refresh: () => {
        count++;
        inner.refresh();
      },
    };
    return { repo, refreshes: () => count };
  }

  it('refreshes once to find a key added by another process, at most once per second', () => {
    const serverKeys = openKeyRepository(dir);
    const { repo, refreshes } = countingRepository(serverKeys);
    let clock = 0;
    const server = createTokenCipher(repo, { now: () => clock });
    // Another process rotates twice, then seals with the resulting primary, which was never staged here.
    rotateKeys(dir, { maxActiveKeys: 5 });
    rotateKeys(dir, { maxActiveKeys: 5 });
    const other = createTokenCipher(openKeyRepository(dir));
    const token = other.seal(payload);

    clock = 500;
    expect(server.open(token)).toBeNull();
    expect(refreshes()).toBe(0);
    clock = 1000;
    expect(server.open(token)).not.toBeNull();
    expect(refreshes()).toBe(1);
    // Known fingerprints never cost a refresh; unknown ones are limited to one per second.
    const stranger = createTokenCipher(openKeyRepository(join(base, 'stranger'))).seal(payload);
    clock = 1500;
    expect(server.open(token)).not.toBeNull();
    expect(server.open(stranger)).toBeNull();
    expect(server.open(stranger)).toBeNull();
    expect(refreshes()).toBe(1);
    clock = 2100;
    expect(server.open(stranger)).toBeNull();
    expect(refreshes()).toBe(2);
  });

  it('picks up a new primary for sealing within a second of a rotation', () => {
    const keys = openKeyRepository(dir);
    let clock = 0;
    const cipher = createTokenCipher(keys, { now: () => clock });
    rotateKeys(dir, { maxActiveKeys: 3 });
    const fingerprintOf = (token: string) => Buffer.from(token, 'base64url').subarray(1, 5);
    expect(keys.primary().id).toBe(1);
    const before = fingerprintOf(cipher.seal(payload));
    clock = 1000;
    const after = fingerprintOf(cipher.seal(payload));
    expect(keys.primary().id).toBe(2);
    expect(after.equals(keys.primary().fingerprint)).toBe(true);
    expect(after.equals(before)).toBe(false);
  });
});
