// Where an S3 request points: the bucket and key from a path-style URL (/bucket/key) or a
// virtual-hosted one (bucket.<domain>/key), and the rules a new bucket's name must follow.
import { LIMITS } from '../../model.js';
import { s3Error } from '../../s3/s3-errors.js';

export interface S3Address {
  bucket: string | undefined;
  key: string | undefined;
  /** The path exactly as received (percent-escapes intact), without the query string. */
  rawPath: string;
  query: URLSearchParams;
}

function invalidUri(): never {
  throw s3Error('InvalidURI', "Couldn't parse the specified URI.");
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return invalidUri();
  }
}

/** The Host header without its port, in lower case. */
function hostName(host: string | undefined): string {
  const value = (host ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

/** The bucket a virtual-hosted request names in its Host header, if the domain is configured. */
function virtualHostBucket(host: string | undefined, domain: string): string | undefined {
  if (domain === '') return undefined;
  const name = hostName(host);
  const suffix = `.${domain.toLowerCase().replace(/^\.+/, '')}`;
  if (!name.endsWith(suffix) || name.length === suffix.length) return undefined;
  return name.slice(0, -suffix.length);
}

function checkKey(key: string): string {
  if (Buffer.byteLength(key, 'utf8') > LIMITS.maxObjectNameBytes) {
    throw s3Error('KeyTooLongError', 'Your key is too long');
  }
  return key;
}

/**
 * Splits a request URL into bucket, key and query. `/` is the service (ListBuckets); `/b` and `/b/`
 * the bucket; `/b/k/e/y` the key `k/e/y`. A key is decoded as a whole, so `%2F` and `/` are the same.
 */
export function parseAddress(rawUrl: string, host: string | undefined, virtualHostDomain: string): S3Address {
  const questionMark = rawUrl.indexOf('?');
  const rawPath = questionMark === -1 ? rawUrl : rawUrl.slice(0, questionMark);
  const query = new URLSearchParams(questionMark === -1 ? '' : rawUrl.slice(questionMark + 1));
  if (!rawPath.startsWith('/')) invalidUri();
  const hosted = virtualHostBucket(host, virtualHostDomain);
  if (hosted !== undefined) {
    const key = decode(rawPath.slice(1));
    return { bucket: hosted, key: key === '' ? undefined : checkKey(key), rawPath, query };
  }
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  const bucket = decode(slash === -1 ? rest : rest.slice(0, slash));
  const key = slash === -1 ? '' : decode(rest.slice(slash + 1));
  return {
    bucket: bucket === '' ? undefined : bucket,
    key: key === '' ? undefined : checkKey(key),
    rawPath,
    query,
  };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * S3's rules for a new bucket's name (existing Swift containers with other names stay reachable):
 * 3 to 63 characters of a-z, 0-9, `.` and `-`, starting and ending with a letter or digit, no `..`,
 * not an IP address, and none of the prefixes and suffixes AWS reserves.
 */
export function checkNewBucketName(name: string): void {
  const valid =
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !name.includes('.-') &&
    !name.includes('-.') &&
    !IPV4.test(name) &&
    !name.startsWith('xn--') &&
    !name.startsWith('sthree-') &&
    !name.endsWith('-s3alias') &&
    !name.endsWith('--ol-s3');
  if (!valid) throw s3Error('InvalidBucketName', 'The specified bucket is not valid.', { bucket: name });
}
