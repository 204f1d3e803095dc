// Random secrets and their digests, used for application-credential and EC2 secrets: the secret is shown to
// the user once and only its SHA-256 is stored, which is enough because the secret is high-entropy.
import assert from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';

/** A fresh random secret of `bytes` bytes, base64url without padding. */
export function randomSecret(bytes = 32): string {
  // Fewer than 128 bits would not be a secret worth the name; more than 1 KiB is surely a unit mix-up.
  assert(Number.isSafeInteger(bytes) && bytes >= 16 && bytes <= 1024, 'randomSecret takes 16 to 1024 bytes');
  return randomBytes(bytes).toString('base64url');
}

/** Lowercase hex SHA-256; strings are hashed as UTF-8. */
export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}
