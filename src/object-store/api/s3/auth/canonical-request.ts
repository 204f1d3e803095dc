// The SigV4 canonical request and string to sign, built from a request exactly as it arrived: the two
// texts whose hash and HMAC the client computed before sending.
import { canonicalQueryString, canonicalUri } from './aws-uri-encoding.js';
import { SIGV4_ALGORITHM } from './sigv4-parse.js';
import { sha256Hex } from './signing-key.js';

/** Request headers as Node gives them: lowercase names; a repeated header may arrive as an array. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface CanonicalRequestInput {
  method: string;
  /** The path exactly as received, percent-escapes intact, without the query string. */
  rawPath: string;
  query: URLSearchParams;
  headers: RequestHeaders;
  /** Lowercase names from SignedHeaders. */
  signedHeaders: readonly string[];
  /** The last line: the x-amz-content-sha256 value, or UNSIGNED-PAYLOAD for presigned URLs. */
  payloadHash: string;
  /** Query parameter left out of the canonical query (X-Amz-Signature for presigned URLs). */
  excludeQueryParam?: string;
}

/** A header's value by lowercase name, repeated values joined with `,` as the SigV4 spec says. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Trims a header value and collapses each inner run of whitespace to one space (SigV4 "Trimall"). */
function trimAll(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * The canonical headers block: `name:value\n` for each signed header, sorted by name. A signed header the
 * request lacks is given an empty value, which then fails the signature comparison like any other
 * difference.
 */
export function canonicalHeaders(headers: RequestHeaders, signedHeaders: readonly string[]): string {
  return sortedUnique(signedHeaders)
    .map((name) => `${name}:${trimAll(headerValue(headers, name) ?? '')}\n`)
    .join('');
}

function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  return [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath),
    canonicalQueryString(input.query, input.excludeQueryParam),
    canonicalHeaders(input.headers, input.signedHeaders),
    sortedUnique(input.signedHeaders).join(';'),
    input.payloadHash,
  ].join('\n');
}

/**
 * The bytes the client hashed. Node hands header values over as latin1 (one character per byte), so
 * for such strings latin1 gives back the wire bytes; a string holding wider characters can only come
 * from a caller that decoded UTF-8 itself, and goes back to UTF-8.
 */
export function wireBytes(text: string): Buffer {
  // eslint-disable-next-line no-control-regex -- the range test is the point.
  return /[^\u0000-\u00ff]/.test(text) ? Buffer.from(text, 'utf8') : Buffer.from(text, 'latin1');
}

/** `AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex sha256 of the canonical request>`. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(wireBytes(canonical))].join('\n');
}

/** `YYYYMMDD/region/service/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}
