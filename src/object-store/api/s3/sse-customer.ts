// SSE-C: objects encrypted under a key the client sends with every request
// (x-amz-server-side-encryption-customer-algorithm / -key / -key-MD5, and the x-amz-copy-source-… trio
// naming the source's key on a copy). The key wraps the object's data key (src/object-store/blob/) and is
// never stored: the object keeps only the key's MD5 and a randomly salted HMAC of it, to tell a wrong key
// (403 AccessDenied) from a missing one (400 InvalidRequest), with AWS's codes and messages.
//
// AWS refuses SSE-C over plain HTTP. Nuage serves plain HTTP (TLS terminates in front of it), so it
// accepts SSE-C only when the request reached it over TLS or from a loopback address (a TLS proxy on the
// same host, or a local client); any other plain-HTTP request gets AWS's InvalidRequest.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { CUSTOMER_KEY_SYSMETA, isCustomerKeyed } from '../../customer-key.js';
import type { StoredMetadata } from '../../model.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import type { S3Context } from './s3-context.js';

export const SSE_C_PREFIX = 'x-amz-server-side-encryption-customer-';
export const COPY_SOURCE_SSE_C_PREFIX = 'x-amz-copy-source-server-side-encryption-customer-';

/** A customer key as presented by a request: the 32 bytes and its base64 MD5. */
export interface CustomerKey {
  key: Buffer;
  md5Base64: string;
}

const KEY_BYTES = 32;
const SALT_BYTES = 16;

function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1' || address.startsWith('::ffff:127.');
}

/**
 * The 32 key bytes of the key header (base64). `raw`: botocore's CompleteMultipartUpload sends the key
 * as given, neither base64-encoded nor with its MD5, so there a 32-byte value is taken as the key.
 */
function decodeKey(encoded: string, raw: boolean): Buffer | undefined {
  const key = Buffer.from(encoded, 'base64');
  if (key.length === KEY_BYTES && key.toString('base64') === encoded.trim()) return key;
  const bytes = Buffer.from(encoded, 'latin1');
  return raw && bytes.length === KEY_BYTES ? bytes : undefined;
}

function requireSecureTransport(ctx: S3Context): void {
  if (ctx.request.protocol === 'https' || isLoopback(ctx.request.socket.remoteAddress ?? '')) return;
  throw s3Errors.invalidRequest(
    'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.',
  );
}

/**
 * The customer key a request names with `prefix` (the object's own, or the copy source's), if any.
 * `md5Optional`: botocore sends no key MD5 with CompleteMultipartUpload, where AWS needs no key at all.
 */
export function customerKeyOf(
  ctx: S3Context,
  prefix = SSE_C_PREFIX,
  md5Optional = false,
): CustomerKey | undefined {
  const algorithm = ctx.headers[`${prefix}algorithm`];
  const encoded = ctx.headers[`${prefix}key`];
  const md5 = ctx.headers[`${prefix}key-md5`];
  if (algorithm === undefined && encoded === undefined && md5 === undefined) return undefined;
  requireSecureTransport(ctx);
  const needs = 'Requests specifying Server Side Encryption with Customer provided keys must provide';
  if (algorithm === undefined) throw s3Errors.invalidArgument(`${needs} a valid encryption algorithm.`);
  if (algorithm !== 'AES256') {
    throw s3Error(
      'InvalidEncryptionAlgorithmError',
      'The encryption request you specified is not valid. Supported value: AES256.',
    );
  }
  if (encoded === undefined) throw s3Errors.invalidArgument(`${needs} an appropriate secret key.`);
  if (md5 === undefined && !md5Optional) {
    throw s3Errors.invalidArgument(`${needs} the client calculated MD5 of the secret key.`);
  }
  const key = decodeKey(encoded, md5 === undefined && md5Optional);
  if (!key) {
    throw s3Errors.invalidArgument('The secret key was invalid for the specified algorithm.');
  }
  const md5Base64 = createHash('md5').update(key).digest('base64');
  if (md5Base64 !== (md5 ?? md5Base64).trim()) {
    throw s3Errors.invalidArgument(
      'The calculated MD5 hash of the key did not match the hash that was provided.',
    );
  }
  return { key, md5Base64 };
}

/** A write's customer key (PutObject, CopyObject target, CreateMultipartUpload), refusing SSE-S3 with it. */
export function writeCustomerKey(ctx: S3Context): CustomerKey | undefined {
  const customer = customerKeyOf(ctx);
  if (customer && ctx.headers['x-amz-server-side-encryption'] !== undefined) {
    throw s3Errors.invalidArgument(
      'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
    );
  }
  return customer;
}

function keyHmac(salt: Buffer, key: Buffer): Buffer {
  return createHmac('sha256', salt).update(key).digest();
}

/** Records a customer key in an object's metadata (or removes the record when there is none). */
export function withCustomerKey(metadata: StoredMetadata, customer: CustomerKey | undefined): StoredMetadata {
  for (const name of Object.values(CUSTOMER_KEY_SYSMETA)) delete metadata.headers[name];
  if (!customer) return metadata;
  const salt = randomBytes(SALT_BYTES);
  metadata.headers[CUSTOMER_KEY_SYSMETA.algorithm] = 'AES256';
  metadata.headers[CUSTOMER_KEY_SYSMETA.keyMd5] = customer.md5Base64;
  metadata.headers[CUSTOMER_KEY_SYSMETA.keyHmac] =
    `${salt.toString('base64')}:${keyHmac(salt, customer.key).toString('base64')}`;
  return metadata;
}

/** Whether `customer` is the key recorded in `metadata` (constant-time comparison of the HMAC). */
function matchesRecordedKey(metadata: StoredMetadata, customer: CustomerKey): boolean {
  const [salt, mac] = (metadata.headers[CUSTOMER_KEY_SYSMETA.keyHmac] ?? '').split(':');
  if (salt === undefined || mac === undefined) return false;
  const expected = Buffer.from(mac, 'base64');
  const actual = keyHmac(Buffer.from(salt, 'base64'), customer.key);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * The key to read `object` with (GET, HEAD, copy source, upload part): required and checked for an SSE-C
 * object, refused for any other, with AWS's answers.
 */
export function readCustomerKey(
  ctx: S3Context,
  object: { metadata: StoredMetadata },
  prefix = SSE_C_PREFIX,
  md5Optional = false,
): Buffer | undefined {
  const customer = customerKeyOf(ctx, prefix, md5Optional);
  if (!isCustomerKeyed(object)) {
    if (customer)
      throw s3Errors.invalidRequest('The encryption parameters are not applicable to this object.');
    return undefined;
  }
  if (!customer) {
    throw s3Errors.invalidRequest(
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    );
  }
  if (!matchesRecordedKey(object.metadata, customer)) throw s3Errors.accessDenied();
  return customer.key;
}

/** The response headers naming an SSE-C object's key (algorithm and key MD5), as S3 returns them. */
export function customerKeyHeaders(object: { metadata: StoredMetadata }): Record<string, string> {
  if (!isCustomerKeyed(object)) return {};
  return {
    [`${SSE_C_PREFIX}algorithm`]: object.metadata.headers[CUSTOMER_KEY_SYSMETA.algorithm] ?? 'AES256',
    [`${SSE_C_PREFIX}key-md5`]: object.metadata.headers[CUSTOMER_KEY_SYSMETA.keyMd5] ?? '',
  };
}
