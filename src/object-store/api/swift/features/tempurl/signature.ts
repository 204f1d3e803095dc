// Signatures shared by temp URLs and form posts: the account and container keys
// (X-{Account,Container}-Meta-Temp-URL-Key[-2]), Swift's signature encodings (hex, whose length names
// the digest, or "<digest>:<base64>"), HMAC, and a constant-time comparison.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ObjectService } from '../../../../object-service.js';

export type Digest = 'sha1' | 'sha256' | 'sha512';

export const ALLOWED_DIGESTS: readonly Digest[] = ['sha1', 'sha256', 'sha512'];
/** Still accepted, but Swift lists it as deprecated in /info. */
export const DEPRECATED_DIGESTS: readonly Digest[] = ['sha1'];

const DIGEST_BYTES: Record<Digest, number> = { sha1: 20, sha256: 32, sha512: 64 };
const BY_HEX_LENGTH: Record<number, Digest> = { 40: 'sha1', 64: 'sha256', 128: 'sha512' };

export interface SigningKey {
  key: string;
  scope: 'account' | 'container';
}

/** The signature's digest and bytes, or undefined when it is malformed or names an unknown digest. */
export function parseSignature(value: string): { digest: Digest; bytes: Buffer } | undefined {
  const colon = value.indexOf(':');
  if (colon < 0) {
    const digest = BY_HEX_LENGTH[value.length];
    if (!digest || !/^[0-9a-fA-F]+$/.test(value)) return undefined;
    return { digest, bytes: Buffer.from(value, 'hex') };
  }
  const digest = value.slice(0, colon) as Digest;
  if (!ALLOWED_DIGESTS.includes(digest)) return undefined;
  let encoded = value.slice(colon + 1);
  // Standard or URL-safe base64, padding optional.
  if (/[-_]/.test(encoded) && !/[+/]/.test(encoded))
    encoded = encoded.replaceAll('-', '+').replaceAll('_', '/');
  encoded = encoded.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(encoded) || encoded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== DIGEST_BYTES[digest]) return undefined;
  return { digest, bytes };
}

export function hmac(digest: Digest, key: string, message: string): Buffer {
  return createHmac(digest, Buffer.from(key, 'utf8')).update(Buffer.from(message, 'utf8')).digest();
}

/** Constant time for equal lengths (the length of a signature is no secret). */
export function sameSignature(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The account's keys, then the container's (0 to 4). */
export async function signingKeys(
  objects: ObjectService,
  projectId: string,
  container: string | undefined,
): Promise<SigningKey[]> {
  const account = await objects.getAccount(projectId);
  const c = container === undefined ? undefined : await objects.getContainer(projectId, container);
  const keys: SigningKey[] = [];
  for (const suffix of ['temp-url-key', 'temp-url-key-2']) {
    const a = account.metadata.headers[`x-account-meta-${suffix}`];
    if (a) keys.push({ key: a, scope: 'account' });
  }
  for (const suffix of ['temp-url-key', 'temp-url-key-2']) {
    const k = c?.metadata.headers[`x-container-meta-${suffix}`];
    if (k) keys.push({ key: k, scope: 'container' });
  }
  return keys;
}

/**
 * The path a client signed: Swift signs /v1/<account>/..., and since our endpoint lives under
 * /object-store, a signature over /object-store/v1/... is accepted as well.
 */
export function signedPathVariants(rest: string, prefix = ''): string[] {
  return [`${prefix}/v1/${rest}`, `${prefix}/object-store/v1/${rest}`];
}
