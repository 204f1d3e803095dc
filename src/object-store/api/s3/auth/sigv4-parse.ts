// Parsing of the two places a SigV4 request carries its credentials: the `Authorization` header and the
// presigned-URL query parameters. Pure syntax; scope, time and signature checks live in sigv4.ts.
import { S3AuthError, headerMalformed, queryMalformed } from './s3-auth-error.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** The longest lifetime S3 allows a SigV4 presigned URL: seven days. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;
/** SignedHeaders lists longer than this are refused before any work is done on them. */
const MAX_SIGNED_HEADERS = 128;

/** The parts of `Credential=AKID/YYYYMMDD/region/service/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

export interface AuthorizationHeader extends CredentialScope {
  /** Lowercase header names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
}

export interface PresignedQuery extends AuthorizationHeader {
  /** X-Amz-Date, `YYYYMMDD'T'HHMMSS'Z'`. */
  amzDate: string;
  expiresSeconds: number;
  securityToken: string | undefined;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The instant an ISO 8601 basic timestamp (`20130524T000000Z`) names, or undefined if it is not one. */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 20130231 over into March; a round trip catches such non-dates.
  const roundTrip =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrip ? date : undefined;
}

/**
 * Splits a credential string. The access key id is everything before the last four `/`-separated
 * fields, and only the shape is checked here; region and service are checked against our config later.
 */
function parseCredential(value: string, malformed: (reason: string) => S3AuthError): CredentialScope {
  const fields = value.split('/');
  const tail = fields.splice(-4);
  const accessKeyId = fields.join('/');
  const [date, region, service, terminal] = tail;
  if (
    tail.length !== 4 ||
    accessKeyId === '' ||
    date === undefined ||
    !/^\d{8}$/.test(date) ||
    !region ||
    !service
  ) {
    throw malformed(
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  if (terminal !== 'aws4_request') {
    throw malformed(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  }
  return { accessKeyId, date, region, service };
}

function parseSignedHeaders(value: string, malformed: (reason: string) => S3AuthError): string[] {
  const names = value.split(';').map((name) => name.toLowerCase());
  if (names.length > MAX_SIGNED_HEADERS || names.some((name) => !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name))) {
    throw malformed('the SignedHeaders list is not a ;-separated list of header names.');
  }
  return names;
}

/** Rejects the schemes we recognise but do not implement, with a message saying what to use instead. */
function rejectOtherSchemes(value: string): void {
  if (/^AWS [^\s:]+:/.test(value)) {
    throw new S3AuthError('InvalidRequest', 'SigV2 is not supported; use Signature Version 4.');
  }
  if (value.startsWith('AWS4-ECDSA-P256-SHA256')) {
    throw new S3AuthError('InvalidRequest', 'Signature Version 4A is not supported; use AWS4-HMAC-SHA256.');
  }
  if (!value.startsWith(`${SIGV4_ALGORITHM} `)) {
    throw new S3AuthError('InvalidArgument', 'Unsupported Authorization Type', {
      details: { ArgumentName: 'Authorization', ArgumentValue: value.split(' ')[0] ?? '' },
    });
  }
}

/** Splits `Credential=…, SignedHeaders=…, Signature=…` (any order, `,` with or without spaces). */
function authorizationFields(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of value.slice(SIGV4_ALGORITHM.length).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (eq === -1 || fields.has(name)) {
      throw headerMalformed(`the component "${item}" is not a single name=value pair.`);
    }
    fields.set(name, item.slice(eq + 1));
  }
  return fields;
}

/**
 * Parses `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=<64 hex>`.
 *
 * @throws S3AuthError `InvalidRequest` for SigV2 and SigV4A, `InvalidArgument` for other schemes,
 *   `AuthorizationHeaderMalformed` for a SigV4 header that does not parse.
 */
export function parseAuthorizationHeader(value: string): AuthorizationHeader {
  const trimmed = value.trim();
  rejectOtherSchemes(trimmed);
  const fields = authorizationFields(trimmed);
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw headerMalformed('it must contain Credential, SignedHeaders and Signature.');
  }
  if (fields.size !== 3) {
    throw headerMalformed(`unexpected components: ${[...fields.keys()].join(', ')}.`);
  }
  return {
    ...parseCredential(credential, headerMalformed),
    signedHeaders: parseSignedHeaders(signedHeaders, headerMalformed),
    signature,
  };
}

const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

/** Whether the query string carries SigV4 presigned credentials (even incomplete ones). */
export function isPresignedQuery(query: URLSearchParams): boolean {
  return PRESIGN_PARAMS.some((name) => query.has(name));
}

/** The one value of a presign parameter; a repeated parameter is as bad as a missing one. */
function singleParam(query: URLSearchParams, name: string): string {
  const values = query.getAll(name);
  if (values.length !== 1 || values[0] === undefined) {
    throw queryMalformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  return values[0];
}

function parseExpires(value: string): number {
  if (!/^\d{1,7}$/.test(value)) {
    throw queryMalformed('X-Amz-Expires should be a number', { ArgumentValue: value });
  }
  const seconds = Number(value);
  if (seconds < 1) throw queryMalformed('X-Amz-Expires must be non-negative');
  if (seconds > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw queryMalformed('X-Amz-Expires must be less than a week (in seconds) that is; 604800');
  }
  return seconds;
}

/**
 * Parses the `X-Amz-*` parameters of a presigned URL. Expiry against the clock is checked by the caller.
 *
 * @throws S3AuthError `AuthorizationQueryParametersError` (what S3 answers) when a parameter is
 *   missing, repeated or malformed.
 */
export function parsePresignedQuery(query: URLSearchParams): PresignedQuery {
  const [algorithm, credential, amzDate, expires, signedHeaders, signature] = PRESIGN_PARAMS.map((name) =>
    singleParam(query, name),
  ) as [string, string, string, string, string, string];
  if (algorithm !== SIGV4_ALGORITHM) {
    throw queryMalformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  if (!parseAmzDate(amzDate)) {
    throw queryMalformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  const credentialError = (reason: string) =>
    queryMalformed(`Error parsing the X-Amz-Credential parameter; ${reason}`);
  const signedHeadersError = (reason: string) =>
    queryMalformed(`Error parsing the X-Amz-SignedHeaders parameter; ${reason}`);
  const securityTokens = query.getAll('X-Amz-Security-Token');
  if (securityTokens.length > 1) throw queryMalformed('X-Amz-Security-Token is repeated.');
  return {
    ...parseCredential(credential, credentialError),
    signedHeaders: parseSignedHeaders(signedHeaders, signedHeadersError),
    signature,
    amzDate,
    expiresSeconds: parseExpires(expires),
    securityToken: securityTokens[0],
  };
}
