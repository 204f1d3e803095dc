// OpenSSH key handling: generated ed25519 pairs are well-formed, and imported keys are checked.
import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintSshPublicKey, generateEd25519 } from './ssh-keys.js';

describe('generateEd25519', () => {
  it('writes an OpenSSH public line whose key node:crypto accepts', () => {
    const pair = generateEd25519('me@host', randomBytes);
    const [type, body, comment] = pair.publicKey.split(' ');
    expect(type).toBe('ssh-ed25519');
    expect(comment).toBe('me@host');
    const blob = Buffer.from(body ?? '', 'base64');
    const raw = blob.subarray(blob.length - 32);
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(pair.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(fingerprintSshPublicKey(pair.publicKey)).toBe(pair.fingerprint);
  });

  it('writes an openssh-key-v1 private key padded to the cipher block size', () => {
    const pair = generateEd25519('k', randomBytes);
    const lines = pair.privateKey.trim().split('\n');
    expect(lines[0]).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(lines.at(-1)).toBe('-----END OPENSSH PRIVATE KEY-----');
    const body = Buffer.from(lines.slice(1, -1).join(''), 'base64');
    expect(body.subarray(0, 15).toString()).toBe('openssh-key-v1\0');
  });
});

describe('with OpenSSH', () => {
  it('ssh-keygen reads the private key back to the same public key and MD5 fingerprint', () => {
    const pair = generateEd25519('test@nuage', randomBytes);
    const dir = mkdtempSync(join(tmpdir(), 'nuage-key-'));
    try {
      const file = join(dir, 'id_ed25519');
      writeFileSync(file, pair.privateKey, { mode: 0o600 });
      const derived = execFileSync('ssh-keygen', ['-y', '-f', file]).toString().trim();
      expect(derived.split(' ').slice(0, 2)).toEqual(pair.publicKey.split(' ').slice(0, 2));
      const listed = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', file]).toString();
      expect(listed).toContain(`MD5:${pair.fingerprint}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fingerprintSshPublicKey', () => {
  it('rejects a key whose blob names another type', () => {
    const pair = generateEd25519('k', randomBytes);
    const body = pair.publicKey.split(' ')[1];
    expect(() => fingerprintSshPublicKey(`ssh-rsa ${body}`)).toThrow(/invalid/);
    expect(() => fingerprintSshPublicKey('not a key')).toThrow(/invalid/);
  });
});
