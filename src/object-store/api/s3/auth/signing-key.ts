// SigV4 signing-key derivation, a small bounded cache of derived keys, and the HMAC and constant-time
// comparison helpers every signature check in this folder shares.
import assert from 'node:assert';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 of the empty string, which chunk string-to-sign lines hard-code. */
export const EMPTY_SHA256_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const SIGNATURE_HEX = /^[0-9a-f]{64}$/;

export function hmacSha256(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The signature of `stringToSign` (ASCII by construction) under `signingKey`, as lowercase hex. */
export function signString(signingKey: Buffer, stringToSign: string): string {
  return hmacSha256(signingKey, stringToSign).toString('hex');
}

/**
 * Whether a client-sent signature equals the expected one, in time independent of where they differ.
 * Anything that is not 64 hex digits is simply unequal (S3 accepts upper-case hex, so we do too).
 */
export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  const provided = providedHex.toLowerCase();
  if (!SIGNATURE_HEX.test(provided)) return false;
  assert(SIGNATURE_HEX.test(expectedHex), 'expected signature must be 64 lowercase hex digits');
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(provided, 'hex'));
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmacSha256(`AWS4${secret}`, date);
  const regionKey = hmacSha256(dateKey, region);
  const serviceKey = hmacSha256(regionKey, service);
  return hmacSha256(serviceKey, 'aws4_request');
}

/**
 * A least-recently-used map of derived signing keys. A key is valid for one credential scope (one UTC
 * day), so a busy client re-uses it for every request of the day and we save four HMACs per request.
 * Entries are keyed by a hash of the secret so the map never holds a secret in clear.
 */
export class SigningKeyCache {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Buffer>();

  constructor(maxEntries = 1024) {
    assert(Number.isSafeInteger(maxEntries) && maxEntries >= 1, 'maxEntries must be at least 1');
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const id = `${sha256Hex(secret)}/${date}/${region}/${service}`;
    const cached = this.#entries.get(id);
    if (cached) {
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      this.#entries.delete(id);
      this.#entries.set(id, cached);
      return cached;
    }
    const derived = deriveSigningKey(secret, date, region, service);
    this.#entries.set(id, derived);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return derived;
  }
}
