import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.js';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{86}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('handles non-ASCII passwords and treats canonically equivalent forms alike', async () => {
    const stored = await hashPassword('pa\u00dfw\u00f6rd');
    expect(await verifyPassword('pa\u00dfw\u00f6rd', stored)).toBe(true);
    expect(await verifyPassword('pa\u00dfwo\u0308rd', stored)).toBe(true);
    expect(await verifyPassword('passwörd', stored)).toBe(false);
  });

  it('reads the cost parameters from the stored string', async () => {
    const stored = await hashPassword('pw');
    // Re-deriving with different parameters must not match, which shows the parameters are really used.
    expect(await verifyPassword('pw', stored.replace('ln=14', 'ln=13'))).toBe(false);
    expect(await verifyPassword('pw', stored.replace('r=8', 'r=4'))).toBe(false);
  });

  it('returns false for malformed stored strings instead of throwing', async () => {
    const good = await hashPassword('pw');
    const [, , params, salt, hash] = good.split('$');
    const bad = [
      '',
      'plaintext',
      '$scrypt$',
      `$bcrypt$${params}$${salt}$${hash}`,
      `$scrypt$ln=14,r=8$${salt}$${hash}`,
      `$scrypt$${params}$${salt}`,
      `$scrypt$${params}$${salt}$${hash}$`,
      `$scrypt$${params}$${salt}!$${hash}`,
      `$scrypt$${params}$${salt}$${hash?.slice(0, -1)}`,
      `$scrypt$ln=0,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=30,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=14,r=0,p=1$${salt}$${hash}`,
      `$scrypt$ln=14,r=8,p=99$${salt}$${hash}`,
    ];
    for (const stored of bad) expect(await verifyPassword('pw', stored)).toBe(false);
    expect(await verifyPassword('pw', undefined as unknown as string)).toBe(false);
  });

  it('rejects passwords longer than 4096 bytes', async () => {
    await expect(hashPassword('x'.repeat(4097))).rejects.toThrow(/exceeds 4096 bytes/);
    // Multi-byte characters count by their UTF-8 length, not by string length.
    await expect(hashPassword('\u00e9'.repeat(2049))).rejects.toThrow(/exceeds 4096 bytes/);
    const stored = await hashPassword('x'.repeat(4096));
    expect(await verifyPassword('x'.repeat(4096), stored)).toBe(true);
    expect(await verifyPassword('x'.repeat(4097), stored)).toBe(false);
  });
});
