import { describe, expect, it } from 'vitest';
import { randomSecret, sha256Hex } from './secret-token.js';

describe('randomSecret', () => {
  it('returns fresh base64url secrets of the requested size', () => {
    const a = randomSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(randomSecret()).not.toBe(a);
    expect(Buffer.from(randomSecret(48), 'base64url')).toHaveLength(48);
  });

  it('refuses sizes that cannot be meant', () => {
    expect(() => randomSecret(8)).toThrow();
    expect(() => randomSecret(1.5 as number)).toThrow();
  });
});

describe('sha256Hex', () => {
  it('hashes strings as UTF-8 and buffers as bytes', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
    expect(sha256Hex('\u00e9')).toBe(sha256Hex(Buffer.from([0xc3, 0xa9])));
  });
});
