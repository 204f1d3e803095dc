// The URI encoding of SigV4 canonical requests as S3 applies it: the canonical URI (path encoded once,
// never normalised) and the canonical query string (RFC 3986, sorted by name then value).
import { S3AuthError } from './s3-auth-error.js';

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * AWS's UriEncode of a string, as in the SigV4 spec: every byte of its UTF-8 form outside
 * `A-Z a-z 0-9 - _ . ~` becomes `%XX` in upper case, `/` included.
 */
export function awsUriEncode(value: string): string {
  // encodeURIComponent leaves `!'()*` alone, which RFC 3986 (and AWS) reserve.
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function invalidUri(rawPath: string): S3AuthError {
  return new S3AuthError('InvalidURI', "Couldn't parse the specified URI.", {
    internalContext: { rawPath },
  });
}

/**
 * The bytes a path segment stands for: `%XX` escapes are taken as raw bytes (so `%2F` stays inside the
 * segment and `%FF` survives even though it is not UTF-8), and literal characters as their UTF-8 bytes.
 * A `%` not followed by two hex digits makes the URI unparseable, as it does for S3.
 */
function segmentBytes(segment: string, rawPath: string): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < segment.length) {
    const percent = segment.indexOf('%', at);
    const end = percent === -1 ? segment.length : percent;
    if (end > at) parts.push(Buffer.from(segment.slice(at, end), 'utf8'));
    if (percent === -1) break;
    const hex = segment.slice(percent + 1, percent + 3);
    if (!HEX_PAIR.test(hex)) throw invalidUri(rawPath);
    parts.push(Buffer.of(Number.parseInt(hex, 16)));
    at = percent + 3;
  }
  return Buffer.concat(parts);
}

function encodeBytes(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const isUnreserved =
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    out += isUnreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The canonical URI of a request path as it arrived on the wire (no query string).
 *
 * S3 encodes the object key once and does not normalise the path: `//` and `.`/`..` segments are kept.
 * Each `/`-separated segment is decoded and re-encoded, so a client that escaped more or fewer
 * characters than AWS's rule (`$` raw or as `%24`, `%2f` in lower case) still yields the form it
 * signed. A literal `+` is a plus sign here, never a space.
 *
 * @example canonicalUri('/test$file.text') === '/test%24file.text'
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  if (!rawPath.startsWith('/') || rawPath.includes('?') || rawPath.includes('#')) {
    throw invalidUri(rawPath);
  }
  return rawPath
    .split('/')
    .map((segment) => (UNRESERVED.test(segment) ? segment : encodeBytes(segmentBytes(segment, rawPath))))
    .join('/');
}

/**
 * The canonical query string: every parameter name and value AWS-encoded, sorted by encoded name and
 * then by encoded value, joined as `a=1&b=`. A parameter without `=` (`?lifecycle`) has an empty value.
 * `exclude` drops one parameter name (presigned URLs leave out `X-Amz-Signature`).
 */
export function canonicalQueryString(query: URLSearchParams, exclude?: string): string {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of query) {
    if (name === exclude) continue;
    pairs.push([awsUriEncode(name), awsUriEncode(value)]);
  }
  // Encoded names and values are ASCII, so comparing UTF-16 code units is comparing bytes.
  pairs.sort((a, b) => compareAscii(a[0], b[0]) || compareAscii(a[1], b[1]));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function compareAscii(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
