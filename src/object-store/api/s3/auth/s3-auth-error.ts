// The error raised by S3 request authentication and body integrity checks: an ApiError whose code is
// one of the S3 error codes AWS returns for the same fault, so the S3 renderer can answer exactly like S3.
import { ApiError } from '../../../../common/errors/api-error.js';

/** Every code this folder raises, with the HTTP status AWS S3 answers it with. */
export const S3_AUTH_ERROR_STATUS = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  ExpiredToken: 400,
  IncompleteBody: 400,
  InvalidArgument: 400,
  InvalidRequest: 400,
  InvalidURI: 400,
  MissingContentLength: 411,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type S3AuthErrorCode = keyof typeof S3_AUTH_ERROR_STATUS;

/** The codes above as a list, for the docs/errors.md consistency test. */
export const S3_AUTH_ERROR_CODES = Object.keys(S3_AUTH_ERROR_STATUS) as S3AuthErrorCode[];

export interface S3AuthErrorOptions {
  /**
   * Extra elements AWS puts in the `<Error>` body for this code (e.g. `HeadersNotSigned`, `Region`,
   * `StringToSign`, `ServerTime`). The renderer may add them as `<Name>value</Name>`; none is secret.
   */
  details?: Record<string, string>;
  /** Facts for the log only. */
  internalContext?: Record<string, unknown>;
  cause?: unknown;
}

export class S3AuthError extends ApiError {
  declare readonly code: S3AuthErrorCode;
  readonly details: Readonly<Record<string, string>>;

  constructor(code: S3AuthErrorCode, message: string, options: S3AuthErrorOptions = {}) {
    super(S3_AUTH_ERROR_STATUS[code], code, message, {
      internalContext: options.internalContext,
      cause: options.cause,
    });
    this.name = 'S3AuthError';
    this.details = options.details ?? {};
  }
}

export function isS3AuthError(err: unknown): err is S3AuthError {
  return err instanceof S3AuthError;
}

/** The header-auth "malformed" error; AWS prefixes every such message the same way. */
export function headerMalformed(reason: string, details?: Record<string, string>): S3AuthError {
  return new S3AuthError('AuthorizationHeaderMalformed', `The authorization header is malformed; ${reason}`, {
    details,
  });
}

/** The presigned-URL counterpart of headerMalformed. */
export function queryMalformed(reason: string, details?: Record<string, string>): S3AuthError {
  return new S3AuthError('AuthorizationQueryParametersError', reason, { details });
}

export function signatureMismatch(
  details?: Record<string, string>,
  internalContext?: Record<string, unknown>,
): S3AuthError {
  return new S3AuthError(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { details, internalContext },
  );
}

export function incompleteBody(reason: string): S3AuthError {
  return new S3AuthError(
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    { internalContext: { reason } },
  );
}

/** Malformed aws-chunked framing: the body is not what its encoding promises. */
export function malformedChunkedBody(reason: string): S3AuthError {
  return new S3AuthError('InvalidRequest', `Malformed aws-chunked body: ${reason}.`);
}
