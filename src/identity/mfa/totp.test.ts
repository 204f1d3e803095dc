import { describe, expect, it } from 'vitest';
import { decodeBase32, totpAt, totpStep, verifyTotp } from './totp.js';

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below), truncated to 6 digits.
const SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totp', () => {
  it('decodes base32 and rejects other text', () => {
    expect(decodeBase32(SEED)?.toString()).toBe('12345678901234567890');
    expect(decodeBase32('gezdgnbv gy3tqojq====')?.toString()).toBe('1234567890');
    expect(decodeBase32('not base32!')).toBeUndefined();
    expect(decodeBase32('')).toBeUndefined();
  });

  it('matches the RFC 6238 vectors', () => {
    const secret = decodeBase32(SEED) as Buffer;
    expect(totpAt(secret, totpStep(59_000))).toBe('287082');
    expect(totpAt(secret, totpStep(1_111_111_109_000))).toBe('081804');
    expect(totpAt(secret, totpStep(1_234_567_890_000))).toBe('005924');
    expect(totpAt(secret, totpStep(20_000_000_000_000))).toBe('353130');
  });

  it('accepts the current and the previous windows only', () => {
    const now = 1_234_567_890_000;
    expect(verifyTotp(SEED, '005924', now, 1)).toBe(true);
    expect(verifyTotp(SEED, '005924', now + 30_000, 1)).toBe(true);
    expect(verifyTotp(SEED, '005924', now + 60_000, 1)).toBe(false);
    expect(verifyTotp(SEED, '005924', now + 30_000, 0)).toBe(false);
    expect(verifyTotp(SEED, '005924', now - 30_000, 1)).toBe(false);
    expect(verifyTotp(SEED, '5924', now, 1)).toBe(false);
    expect(verifyTotp('!!', '005924', now, 1)).toBe(false);
  });
});
