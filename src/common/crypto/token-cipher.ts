// Authenticated encryption of stateless tokens with the keys of a KeyRepository: AES-256-GCM under a key
// derived per repository key, framed as base64url(version | key fingerprint | iv | ciphertext | tag).
import assert from 'node:assert';
import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from 'node:crypto';
import type { KeyRepository, TokenKey } from './key-repository.js';

export interface TokenCipher {
  seal(payload: Uint8Array): string;
  /** returns null for anything that is not a valid token sealed by one of our keys: tampered, truncated, wrong key, garbage, wrong version, non-base64url; never throws for bad input */
  open(token: string): Uint8Array | null;
}

export interface TokenCipherOptions {
  /** Monotonic milliseconds; injectable so tests can drive the refresh rate limit. */
  readonly now?: () => number;
}

const VERSION = 0x01;
const ALGORITHM = 'aes-256-gcm';
const HEADER_BYTES = 5; // version + fingerprint, authenticated as additional data
const IV_BYTES = 12;
const TAG_BYTES = 16;
const OVERHEAD_BYTES = HEADER_BYTES + IV_BYTES + TAG_BYTES;
export const MAX_TOKEN_CHARS = 4096;
// The largest payload whose sealed form still fits in MAX_TOKEN_CHARS (4096 base64 chars carry 3072 bytes).
export const MAX_PAYLOAD_BYTES = (MAX_TOKEN_CHARS / 4) * 3 - OVERHEAD_BYTES;
const MIN_TOKEN_CHARS = Math.ceil((OVERHEAD_BYTES * 4) / 3);
const REFRESH_INTERVAL_MS = 1000;
const HKDF_INFO = Buffer.from('nuage-token-v1', 'utf8');
// No salt: the input is already 32 uniformly random bytes, and RFC 5869 then treats it as all zeros.
const HKDF_SALT = Buffer.alloc(0);
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Only the canonical encoding is accepted. Buffer's decoder ignores stray characters and the unused low
 * bits of the last character, so without this check one token would have several spellings, and a
 * revocation list or cache keyed by the token string could be sidestepped by respelling it.
 */
function isCanonicalBase64url(text: string): boolean {
  const rest = text.length % 4;
  if (rest === 1 || !BASE64URL.test(text)) return false;
  if (rest === 0) return true;
  const last = text.charCodeAt(text.length - 1);
  // Only the low bits matter: A-Z, a-z and 0-9 start at values 0, 26 and 52; "-" is 62 and "_" is 63.
  const value =
    last === 95 ? 63 : last >= 97 ? last - 71 : last >= 65 ? last - 65 : last >= 48 ? last + 4 : 62;
  return (value & (rest === 2 ? 0x0f : 0x03)) === 0;
}

export function createTokenCipher(keys: KeyRepository, options: TokenCipherOptions = {}): TokenCipher {
  const now = options.now ?? (() => performance.now());
  // HKDF runs once per key, not per token; the WeakMap lets keys pruned by rotation be collected.
  const aesKeys = new WeakMap<TokenKey, Buffer>();
  let lastRefresh = now();

  const aesKeyFor = (key: TokenKey): Buffer => {
    let aesKey = aesKeys.get(key);
    if (aesKey === undefined) {
      aesKey = Buffer.from(hkdfSync('sha256', key.material, HKDF_SALT, HKDF_INFO, 32));
      aesKeys.set(key, aesKey);
    }
    return aesKey;
  };

  // Rate-limited so that a flood of tokens with made-up fingerprints costs one stat per second at most.
  const refreshIfDue = (): boolean => {
    const time = now();
    if (time - lastRefresh < REFRESH_INTERVAL_MS) return false;
    lastRefresh = time;
    keys.refresh();
    return true;
  };

  const seal = (payload: Uint8Array): string => {
    assert(payload.length <= MAX_PAYLOAD_BYTES, `token payload of ${payload.length} bytes is too large`);
    // Sealing is where a rotation must become visible: after it, new tokens use the new primary.
    refreshIfDue();
    const key = keys.primary();
    const out = Buffer.allocUnsafe(OVERHEAD_BYTES + payload.length);
    out[0] = VERSION;
    key.fingerprint.copy(out, 1, 0, 4);
    const iv = out.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    randomFillSync(iv);
    const cipher = createCipheriv(ALGORITHM, aesKeyFor(key), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(out.subarray(0, HEADER_BYTES));
    const body = cipher.update(payload);
    cipher.final();
    // GCM is a stream mode, so update() has already produced every ciphertext byte.
    assert(body.length === payload.length);
    body.copy(out, HEADER_BYTES + IV_BYTES);
    cipher.getAuthTag().copy(out, HEADER_BYTES + IV_BYTES + payload.length);
    return out.toString('base64url');
  };

  const open = (token: string): Uint8Array | null => {
    if (typeof token !== 'string' || token.length < MIN_TOKEN_CHARS || token.length > MAX_TOKEN_CHARS)
      return null;
    if (!isCanonicalBase64url(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < OVERHEAD_BYTES || raw[0] !== VERSION) return null;
    const fingerprint = raw.subarray(1, HEADER_BYTES);
    let key = keys.findByFingerprint(fingerprint);
    // An unknown fingerprint may be a key another process just added; look once, then give up.
    if (key === undefined && refreshIfDue()) key = keys.findByFingerprint(fingerprint);
    if (key === undefined) return null;
    return decrypt(aesKeyFor(key), raw);
  };

  return { seal, open };
}

function decrypt(aesKey: Buffer, raw: Buffer): Uint8Array | null {
  const tagStart = raw.length - TAG_BYTES;
  try {
    const iv = raw.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    const decipher = createDecipheriv(ALGORITHM, aesKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(raw.subarray(0, HEADER_BYTES));
    decipher.setAuthTag(raw.subarray(tagStart));
    const plain = decipher.update(raw.subarray(HEADER_BYTES + IV_BYTES, tagStart));
    // final() throws when the tag does not verify; the plaintext is only released after it succeeds.
    decipher.final();
    return plain;
  } catch {
    return null;
  }
}
