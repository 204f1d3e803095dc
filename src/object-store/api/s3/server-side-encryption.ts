// S3 server-side encryption headers. Every object body is encrypted at rest (src/object-store/blob/)
// under a key the service manages, which is exactly SSE-S3: a request asking for `AES256` gets what it
// asks for, responses say `x-amz-server-side-encryption: AES256` as S3 does for every object since
// default encryption, and a value S3 does not know is S3's InvalidArgument. SSE-KMS (a customer-chosen
// KMS key) is not offered and is refused rather than silently treated as AES256.
import { isEncryptedBlob } from '../../blob/blob-store.js';
import { isCustomerKeyed } from '../../customer-key.js';
import type { StoredMetadata } from '../../model.js';
import { s3Errors } from '../../s3/s3-errors.js';
import type { S3Context } from './s3-context.js';
import { customerKeyHeaders } from './sse-customer.js';

const HEADER = 'x-amz-server-side-encryption';

/** Validates a write's x-amz-server-side-encryption header. */
export function checkServerSideEncryption(ctx: S3Context): void {
  const value = ctx.headers[HEADER];
  if (value === undefined || value === 'AES256') return;
  if (value === 'aws:kms' || value === 'aws:kms:dsse') throw s3Errors.notImplemented('SSE-KMS');
  throw s3Errors.invalidArgumentValue('The encryption method specified is not supported', HEADER, value);
}

/**
 * The response headers for an object (or upload) whose body is encrypted at rest: SSE-C's algorithm and
 * key MD5 when a customer key wraps it, else SSE-S3's AES256 (all but objects written before encryption).
 */
export function encryptionHeaders(object: {
  metadata: StoredMetadata;
  blobId?: string | null;
}): Record<string, string> {
  if (isCustomerKeyed(object)) return customerKeyHeaders(object);
  const encrypted = object.blobId === undefined || (object.blobId !== null && isEncryptedBlob(object.blobId));
  return encrypted ? { [HEADER]: 'AES256' } : {};
}
