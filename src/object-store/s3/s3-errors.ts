// The S3 error codes the S3 front end and its services raise, with the HTTP status AWS answers each
// with. They are ApiErrors whose code is AWS's, so the S3 renderer passes them through unchanged.
// (Request authentication and body integrity codes live in api/s3/auth/s3-auth-error.ts.)
import { ApiError } from '../../common/errors/api-error.js';
import type { S3ErrorFields } from '../../common/errors/render-s3.js';

export const S3_ERROR_STATUS = {
  AccessControlListNotSupported: 400,
  AccessDenied: 403,
  AccessForbidden: 403,
  BadDigest: 400,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IllegalLocationConstraintException: 400,
  IllegalVersioningConfigurationException: 400,
  IncompleteBody: 400,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketState: 409,
  InvalidBucketAclWithObjectOwnership: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidEncryptionAlgorithmError: 400,
  InvalidPart: 400,
  InvalidPartNumber: 416,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidPolicyDocument: 400,
  InvalidStorageClass: 400,
  InvalidTag: 400,
  InvalidToken: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedACLError: 400,
  MalformedPOSTRequest: 400,
  MalformedPolicy: 400,
  MaxPostPreDataLengthExceeded: 400,
  MalformedXML: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  MissingRequestBodyError: 400,
  NoSuchBucket: 404,
  NoSuchBucketPolicy: 404,
  NoSuchCORSConfiguration: 404,
  NoSuchKey: 404,
  NoSuchLifecycleConfiguration: 404,
  NoSuchObjectLockConfiguration: 404,
  ObjectLockConfigurationNotFoundError: 404,
  NoSuchPublicAccessBlockConfiguration: 404,
  NoSuchTagSet: 404,
  NoSuchUpload: 404,
  NoSuchVersion: 404,
  NoSuchWebsiteConfiguration: 404,
  NotImplemented: 501,
  OwnershipControlsNotFoundError: 404,
  PreconditionFailed: 412,
  ReplicationConfigurationNotFoundError: 404,
  SignatureDoesNotMatch: 403,
  UnexpectedContent: 400,
  UnresolvableGrantByEmailAddress: 400,
} as const;

export type S3ErrorCode = keyof typeof S3_ERROR_STATUS;

/** The codes above as a list, for documentation checks. */
export const S3_ERROR_CODES = Object.keys(S3_ERROR_STATUS) as S3ErrorCode[];

export class S3Error extends ApiError implements S3ErrorFields {
  declare readonly code: S3ErrorCode;
  /** Elements AWS adds to the error body (the Key of NoSuchKey…): public, unlike internalContext. */
  readonly s3Fields: Readonly<Record<string, string>> | undefined;
  constructor(
    code: S3ErrorCode,
    message: string,
    options: {
      internalContext?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
      fields?: Record<string, string>;
    } = {},
  ) {
    super(S3_ERROR_STATUS[code], code, message, options);
    this.name = 'S3Error';
    this.s3Fields = options.fields;
  }
}

export function s3Error(
  code: S3ErrorCode,
  message: string,
  internalContext?: Record<string, unknown>,
): S3Error {
  return new S3Error(code, message, { internalContext });
}

/** The errors raised in more than one place, with AWS's messages. */
export const s3Errors = {
  accessDenied: () => s3Error('AccessDenied', 'Access Denied'),
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 'The specified bucket does not exist', { fields: { BucketName: bucket } }),
  noSuchKey: (key: string) =>
    new S3Error('NoSuchKey', 'The specified key does not exist.', { fields: { Key: key } }),
  /** InvalidArgument naming the argument and echoing its value, as AWS does. */
  invalidArgumentValue: (message: string, name: string, value: string) =>
    new S3Error('InvalidArgument', message, { fields: { ArgumentName: name, ArgumentValue: value } }),
  noSuchUpload: (uploadId: string) =>
    s3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { uploadId },
    ),
  notImplemented: (what: string) => s3Error('NotImplemented', `${what} is not implemented by this server.`),
  malformedXml: (reason: string) =>
    s3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
      { reason },
    ),
  invalidArgument: (message: string) => s3Error('InvalidArgument', message),
  invalidRequest: (message: string) => s3Error('InvalidRequest', message),
  preconditionFailed: () =>
    s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
  badDigest: () => s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.'),
};
