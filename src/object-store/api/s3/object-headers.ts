// S3 object metadata in headers. User metadata (x-amz-meta-*) is stored as Swift object metadata, so
// Swift shows it as X-Object-Meta-*; the representation headers S3 keeps (Content-Disposition,
// Content-Encoding, Cache-Control, Expires, Content-Language) and the object's x-amz-checksum-* value
// are stored as persisted object headers. The reverse mapping builds GET and HEAD responses.
import { encryptionHeaders } from './server-side-encryption.js';
import { httpDate } from '../../http/conditions.js';
import type { StoredMetadata, StoredObject } from '../../model.js';
import { s3Error } from '../../s3/s3-errors.js';
import { CHECKSUM_ALGORITHMS, checksumHeaderName, stripAwsChunkedEncoding } from './auth/index.js';
import { quoteEtag, type S3Context } from './s3-context.js';
import type { StoredChecksum } from './request-body.js';

const META_PREFIX = 'x-amz-meta-';
/** AWS's limit on user metadata: keys and values together. */
const MAX_USER_METADATA_BYTES = 2048;
export const REPRESENTATION_HEADERS = [
  'content-disposition',
  'content-encoding',
  'cache-control',
  'expires',
  'content-language',
] as const;
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const CHECKSUM_TYPE_HEADER = 'x-amz-checksum-type';

/** Metadata for a new object from an S3 request's headers (PutObject, CreateMultipartUpload, REPLACE copies). */
export function metadataFromRequest(ctx: S3Context): StoredMetadata {
  const metadata: StoredMetadata = { meta: {}, headers: {} };
  let userBytes = 0;
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value === undefined || !name.startsWith(META_PREFIX)) continue;
    const key = name.slice(META_PREFIX.length);
    if (key === '') continue;
    userBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    metadata.meta[key] = value;
  }
  if (userBytes > MAX_USER_METADATA_BYTES) {
    throw s3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.');
  }
  for (const name of REPRESENTATION_HEADERS) {
    let value = ctx.headers[name];
    if (value !== undefined && name === 'content-encoding') value = stripAwsChunkedEncoding(value);
    if (value !== undefined && value !== '') metadata.headers[name] = value;
  }
  return metadata;
}

export function contentTypeFromRequest(ctx: S3Context): string {
  const value = ctx.headers['content-type']?.trim();
  return value === undefined || value === '' ? DEFAULT_CONTENT_TYPE : value;
}

/** Records the object's checksum in its metadata (and its type, COMPOSITE for multipart objects). */
export function withChecksum(
  metadata: StoredMetadata,
  checksum: StoredChecksum | undefined,
  type: 'FULL_OBJECT' | 'COMPOSITE' = 'FULL_OBJECT',
): StoredMetadata {
  for (const algorithm of CHECKSUM_ALGORITHMS) delete metadata.headers[checksumHeaderName(algorithm)];
  delete metadata.headers[CHECKSUM_TYPE_HEADER];
  if (checksum) {
    metadata.headers[checksumHeaderName(checksum.algorithm)] = checksum.value;
    metadata.headers[CHECKSUM_TYPE_HEADER] = type;
  }
  return metadata;
}

/** The checksum stored with an object, if any, as response headers. */
export function checksumHeaders(metadata: StoredMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = checksumHeaderName(algorithm);
    const value = metadata.headers[name];
    if (value !== undefined) out[name] = value;
  }
  const type = metadata.headers[CHECKSUM_TYPE_HEADER];
  if (Object.keys(out).length > 0 && type !== undefined) out[CHECKSUM_TYPE_HEADER] = type;
  return out;
}

/** The checksum entries of a metadata document, to carry over to a copy of the same bytes. */
export function checksumEntries(metadata: StoredMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata.headers)) {
    if (name.startsWith('x-amz-checksum-')) out[name] = value;
  }
  return out;
}

/** Headers of a GET or HEAD response for an object. */
export function objectResponseHeaders(object: StoredObject, withChecksums: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: quoteEtag(object.etag),
    'last-modified': httpDate(new Date(object.lastModified)),
    'accept-ranges': 'bytes',
    ...encryptionHeaders(object),
  };
  for (const [key, value] of Object.entries(object.metadata.meta)) headers[`${META_PREFIX}${key}`] = value;
  for (const name of REPRESENTATION_HEADERS) {
    const value = object.metadata.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  if (withChecksums) Object.assign(headers, checksumHeaders(object.metadata));
  return headers;
}

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** GetObject's response-* query parameters, which signed requests may use to override headers. */
export function responseOverrides(ctx: S3Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = ctx.query.get(param);
    if (value === null) continue;
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value))
      throw s3Error('InvalidArgument', `${param} is not a valid header value.`);
    out[header] = value;
  }
  if (Object.keys(out).length > 0 && ctx.caller.kind !== 'key') {
    throw s3Error(
      'InvalidRequest',
      'Request specific response headers cannot be used for anonymous GET requests.',
    );
  }
  return out;
}
