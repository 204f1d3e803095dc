// AWS Signature Version 4 verification of S3 requests, header-signed or presigned, in two steps: parse
// and check everything that needs no secret (scope, clock, payload mode), then verify the signature once
// the caller has looked the secret up by access key id.
import assert from 'node:assert';
import {
  canonicalRequest,
  credentialScope,
  headerValue,
  stringToSign,
  type RequestHeaders,
} from './canonical-request.js';
import { S3AuthError, headerMalformed, queryMalformed, signatureMismatch } from './s3-auth-error.js';
import {
  isPresignedQuery,
  parseAmzDate,
  parseAuthorizationHeader,
  parsePresignedQuery,
  type CredentialScope,
} from './sigv4-parse.js';
import { SigningKeyCache, signString, signaturesEqual } from './signing-key.js';

export type { RequestHeaders } from './canonical-request.js';

/**
 * How the body is protected, from `x-amz-content-sha256`:
 * - `unsigned`: UNSIGNED-PAYLOAD (always the case for presigned URLs unless they sign a hash);
 * - `signed`: a hex SHA-256 the caller must check the body against (assertPayloadSha256);
 * - `streaming-signed`: STREAMING-AWS4-HMAC-SHA256-PAYLOAD, an aws-chunked body with chained chunk signatures;
 * - `streaming-signed-trailer`: the same, plus signed trailers (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER);
 * - `streaming-unsigned-trailer`: an aws-chunked body without signatures, with trailers
 *   (STREAMING-UNSIGNED-PAYLOAD-TRAILER, aws-cli's default since 2.23).
 */
export type PayloadMode =
  'unsigned' | 'signed' | 'streaming-signed' | 'streaming-signed-trailer' | 'streaming-unsigned-trailer';

export const DEFAULT_MAX_SKEW_SECONDS = 900;
/** Trailer names a request may declare in x-amz-trailer. */
const MAX_TRAILER_NAMES = 8;

export interface SigV4RequestInput {
  method: string;
  /** The request path exactly as received (percent-escapes intact), without the query string. */
  rawPath: string;
  query: URLSearchParams;
  /** Lowercase names, as Node's `IncomingMessage.headers`; HTTP/2 callers map `:authority` to `host`. */
  headers: RequestHeaders;
  now: Date;
  /** Regions this endpoint answers for; the first is the one named in "expecting" errors. */
  allowedRegions: readonly string[];
  maxSkewSeconds?: number;
}

/** Everything learnt from a request before its secret is known. */
export interface ParsedSigV4Request extends CredentialScope {
  kind: 'header' | 'presigned';
  /** `YYYYMMDD/region/s3/aws4_request` */
  scope: string;
  /** The request time, `YYYYMMDD'T'HHMMSS'Z'`. */
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadMode: PayloadMode;
  /** Lowercase hex SHA-256 of the body when payloadMode is `signed`. */
  payloadSha256: string | undefined;
  /** x-amz-decoded-content-length, present for every streaming mode. */
  decodedContentLength: number | undefined;
  /** Lowercase names from x-amz-trailer, for the trailer modes; otherwise empty. */
  trailerNames: string[];
  /** x-amz-security-token / X-Amz-Security-Token, for the caller to validate or refuse. */
  securityToken: string | undefined;
  /** When a presigned URL stops being valid. */
  expiresAt: Date | undefined;
  canonicalRequest: string;
  stringToSign: string;
}

/** A request whose signature checked out, with what the body decoder needs to go on verifying. */
export interface VerifiedSigV4 {
  accessKeyId: string;
  kind: 'header' | 'presigned';
  region: string;
  scope: string;
  amzDate: string;
  payloadMode: PayloadMode;
  payloadSha256: string | undefined;
  decodedContentLength: number | undefined;
  trailerNames: string[];
  securityToken: string | undefined;
  /** The request signature, which seeds the chunk-signature chain. */
  seedSignature: string;
  signingKey: Buffer;
}

function accessDenied(message: string, details?: Record<string, string>): S3AuthError {
  return new S3AuthError('AccessDenied', message, { details });
}

/** Region, service and credential date, with AWS's wording; `malformed` picks header or query flavour. */
function checkScope(
  scope: CredentialScope,
  amzDate: string,
  allowedRegions: readonly string[],
  malformed: (reason: string, details?: Record<string, string>) => S3AuthError,
): void {
  const expected = allowedRegions[0];
  assert(expected !== undefined, 'allowedRegions must name at least one region');
  if (!allowedRegions.includes(scope.region)) {
    throw malformed(`the region '${scope.region}' is wrong; expecting '${expected}'`, {
      Region: expected,
    });
  }
  if (scope.service !== 's3') {
    throw malformed(`incorrect service "${scope.service}". This endpoint belongs to "s3".`);
  }
  if (scope.date !== amzDate.slice(0, 8)) {
    throw malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  }
}

/** S3 refuses requests whose x-amz-* headers are not all signed, and insists that `host` is. */
function checkSignedHeaderSet(headers: RequestHeaders, signedHeaders: readonly string[]): void {
  const signed = new Set(signedHeaders);
  const unsigned = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter(
      (name) =>
        name.startsWith('x-amz-') &&
        name !== 'x-amz-content-sha256' &&
        headers[name] !== undefined &&
        !signed.has(name),
    );
  if (!signed.has('host')) unsigned.unshift('host');
  if (unsigned.length > 0) {
    throw accessDenied('There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }
}

const STREAMING_MODES: Record<string, PayloadMode> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': 'streaming-signed',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': 'streaming-signed-trailer',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': 'streaming-unsigned-trailer',
};

function classifyPayloadHash(value: string): { mode: PayloadMode; sha256: string | undefined } {
  if (value === 'UNSIGNED-PAYLOAD') return { mode: 'unsigned', sha256: undefined };
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { mode: 'signed', sha256: value.toLowerCase() };
  const streaming = STREAMING_MODES[value];
  if (streaming) return { mode: streaming, sha256: undefined };
  if (value.startsWith('STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD')) {
    throw new S3AuthError('InvalidRequest', 'Signature Version 4A is not supported; use AWS4-HMAC-SHA256.');
  }
  throw new S3AuthError(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    { details: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value } },
  );
}

/** x-amz-decoded-content-length and x-amz-trailer, which only streaming bodies need. */
function streamingFacts(
  headers: RequestHeaders,
  mode: PayloadMode,
): { decodedContentLength: number | undefined; trailerNames: string[] } {
  if (!mode.startsWith('streaming-')) return { decodedContentLength: undefined, trailerNames: [] };
  const length = headerValue(headers, 'x-amz-decoded-content-length');
  if (length === undefined) {
    throw new S3AuthError('MissingContentLength', 'You must provide the Content-Length HTTP header.', {
      internalContext: { missing: 'x-amz-decoded-content-length' },
    });
  }
  if (!/^\d{1,15}$/.test(length.trim())) {
    throw new S3AuthError('InvalidArgument', 'x-amz-decoded-content-length must be a non-negative integer.', {
      details: { ArgumentName: 'x-amz-decoded-content-length', ArgumentValue: length },
    });
  }
  const declared = mode.endsWith('-trailer') ? (headerValue(headers, 'x-amz-trailer') ?? '') : '';
  const trailerNames = declared
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (trailerNames.length > MAX_TRAILER_NAMES) {
    throw new S3AuthError(
      'InvalidRequest',
      `x-amz-trailer may declare at most ${MAX_TRAILER_NAMES} trailers.`,
    );
  }
  return { decodedContentLength: Number(length.trim()), trailerNames };
}

/** The request time of a header-signed request: x-amz-date, else a Date header in the same format. */
function headerRequestTime(headers: RequestHeaders): { amzDate: string; time: Date } {
  for (const name of ['x-amz-date', 'date']) {
    const value = headerValue(headers, name)?.trim();
    const time = value === undefined ? undefined : parseAmzDate(value);
    if (value !== undefined && time) return { amzDate: value, time };
  }
  throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
}

function checkSkew(time: Date, now: Date, maxSkewSeconds: number): void {
  if (Math.abs(time.getTime() - now.getTime()) <= maxSkewSeconds * 1000) return;
  throw new S3AuthError(
    'RequestTimeTooSkewed',
    'The difference between the request time and the current time is too large.',
    {
      details: {
        RequestTime: time.toISOString(),
        ServerTime: now.toISOString(),
        MaxAllowedSkewMilliseconds: String(maxSkewSeconds * 1000),
      },
    },
  );
}

function parseHeaderSigned(input: SigV4RequestInput, authorization: string): ParsedSigV4Request {
  const auth = parseAuthorizationHeader(authorization);
  const { amzDate, time } = headerRequestTime(input.headers);
  checkScope(auth, amzDate, input.allowedRegions, headerMalformed);
  checkSkew(time, input.now, input.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS);
  checkSignedHeaderSet(input.headers, auth.signedHeaders);
  const payloadHash = headerValue(input.headers, 'x-amz-content-sha256')?.trim();
  if (payloadHash === undefined) {
    throw new S3AuthError('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  const payload = classifyPayloadHash(payloadHash);
  const scope = credentialScope(auth.date, auth.region, auth.service);
  const canonical = canonicalRequest({ ...input, signedHeaders: auth.signedHeaders, payloadHash });
  return {
    ...auth,
    kind: 'header',
    scope,
    amzDate,
    payloadMode: payload.mode,
    payloadSha256: payload.sha256,
    ...streamingFacts(input.headers, payload.mode),
    securityToken: headerValue(input.headers, 'x-amz-security-token'),
    expiresAt: undefined,
    canonicalRequest: canonical,
    stringToSign: stringToSign(amzDate, scope, canonical),
  };
}

/** Presigned URLs may be used from X-Amz-Date (give or take the skew) until X-Amz-Expires later. */
function checkPresignedTime(amzDate: string, expiresSeconds: number, input: SigV4RequestInput): Date {
  const signedAt = parseAmzDate(amzDate);
  assert(signedAt, 'parsePresignedQuery checked X-Amz-Date');
  const maxSkewMs = (input.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS) * 1000;
  if (signedAt.getTime() - input.now.getTime() > maxSkewMs) {
    throw accessDenied('Request is not valid yet', { ServerTime: input.now.toISOString() });
  }
  const expiresAt = new Date(signedAt.getTime() + expiresSeconds * 1000);
  if (input.now.getTime() > expiresAt.getTime()) {
    throw accessDenied('Request has expired', {
      'X-Amz-Expires': String(expiresSeconds),
      Expires: expiresAt.toISOString(),
      ServerTime: input.now.toISOString(),
    });
  }
  return expiresAt;
}

function parsePresigned(input: SigV4RequestInput): ParsedSigV4Request {
  const presign = parsePresignedQuery(input.query);
  const credentialError = (reason: string, details?: Record<string, string>) =>
    queryMalformed(`Error parsing the X-Amz-Credential parameter; ${reason}`, details);
  checkScope(presign, presign.amzDate, input.allowedRegions, credentialError);
  const expiresAt = checkPresignedTime(presign.amzDate, presign.expiresSeconds, input);
  checkSignedHeaderSet(input.headers, presign.signedHeaders);
  // A presigned URL signs no body unless it carries its hash as a (signed) query parameter.
  const payloadHash = input.query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const payload = classifyPayloadHash(payloadHash);
  if (payload.mode !== 'unsigned' && payload.mode !== 'signed') {
    throw queryMalformed('Streaming payloads cannot be sent to a presigned URL.');
  }
  const scope = credentialScope(presign.date, presign.region, presign.service);
  const canonical = canonicalRequest({
    ...input,
    signedHeaders: presign.signedHeaders,
    payloadHash,
    excludeQueryParam: 'X-Amz-Signature',
  });
  return {
    ...presign,
    kind: 'presigned',
    scope,
    payloadMode: payload.mode,
    payloadSha256: payload.sha256,
    decodedContentLength: undefined,
    trailerNames: [],
    expiresAt,
    canonicalRequest: canonical,
    stringToSign: stringToSign(presign.amzDate, scope, canonical),
  };
}

/**
 * Step one: parse a request's SigV4 credentials and check everything that needs no secret.
 *
 * @returns undefined when the request carries no credentials at all (an anonymous request, which the
 *   caller may allow for public buckets); otherwise the parsed request, whose `accessKeyId` names the
 *   secret to pass to verifyParsedSigV4.
 * @throws S3AuthError for SigV2 and other schemes, malformed credentials, a wrong region or service,
 *   clock skew, an expired presigned URL, unsigned x-amz-* headers or a bad x-amz-content-sha256.
 */
export function parseSigV4Request(input: SigV4RequestInput): ParsedSigV4Request | undefined {
  const authorization = headerValue(input.headers, 'authorization');
  const presigned = isPresignedQuery(input.query);
  if (authorization !== undefined && presigned) {
    throw new S3AuthError(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      { details: { ArgumentName: 'Authorization', ArgumentValue: authorization.split(' ')[0] ?? '' } },
    );
  }
  if (authorization !== undefined) return parseHeaderSigned(input, authorization);
  if (presigned) return parsePresigned(input);
  if (input.query.has('AWSAccessKeyId') && input.query.has('Signature')) {
    throw new S3AuthError('InvalidRequest', 'SigV2 is not supported; use Signature Version 4.');
  }
  return undefined;
}

const defaultKeyCache = new SigningKeyCache(1024);

/**
 * Step two: check the signature with the secret of `parsed.accessKeyId`, in constant time.
 *
 * @throws S3AuthError `SignatureDoesNotMatch`, with AWS's diagnostic details (string to sign and
 *   canonical request, which the client already knows).
 */
export function verifyParsedSigV4(
  parsed: ParsedSigV4Request,
  secret: string,
  options: { keyCache?: SigningKeyCache } = {},
): VerifiedSigV4 {
  const cache = options.keyCache ?? defaultKeyCache;
  const signingKey = cache.signingKey(secret, parsed.date, parsed.region, parsed.service);
  const expected = signString(signingKey, parsed.stringToSign);
  if (!signaturesEqual(expected, parsed.signature)) {
    throw signatureMismatch({
      AWSAccessKeyId: parsed.accessKeyId,
      SignatureProvided: parsed.signature,
      StringToSign: parsed.stringToSign,
      CanonicalRequest: parsed.canonicalRequest,
    });
  }
  return {
    accessKeyId: parsed.accessKeyId,
    kind: parsed.kind,
    region: parsed.region,
    scope: parsed.scope,
    amzDate: parsed.amzDate,
    payloadMode: parsed.payloadMode,
    payloadSha256: parsed.payloadSha256,
    decodedContentLength: parsed.decodedContentLength,
    trailerNames: parsed.trailerNames,
    securityToken: parsed.securityToken,
    seedSignature: expected,
    signingKey,
  };
}

/**
 * Both steps at once, for callers that already hold the secret. An anonymous request is refused here,
 * since the caller asked for a signature check.
 */
export function verifySigV4(input: SigV4RequestInput & { secret: string }): VerifiedSigV4 {
  const parsed = parseSigV4Request(input);
  if (!parsed) throw accessDenied('Access Denied');
  return verifyParsedSigV4(parsed, input.secret);
}

/**
 * For payloadMode `signed`: compares the SHA-256 computed over the received body with the one the
 * client signed. Call it after reading the body and before committing the object.
 *
 * @throws S3AuthError `XAmzContentSHA256Mismatch`
 */
export function assertPayloadSha256(signedHex: string, computedHex: string): void {
  if (signedHex.toLowerCase() === computedHex.toLowerCase()) return;
  throw new S3AuthError(
    'XAmzContentSHA256Mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
    { details: { ClientComputedContentSHA256: signedHex, S3ComputedContentSHA256: computedHex } },
  );
}
