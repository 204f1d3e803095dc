// S3's error body: <Error><Code/><Message/><Resource/><RequestId/></Error>, with AWS's codes.
import type { ApiError } from './api-error.js';

const GENERIC_CODES: Record<string, string> = {
  BadRequest: 'InvalidRequest',
  ValidationFailed: 'InvalidArgument',
  MalformedBody: 'MalformedXML',
  Unauthorized: 'AccessDenied',
  Forbidden: 'AccessDenied',
  NotFound: 'NoSuchKey',
  RouteNotFound: 'InvalidURI',
  MethodNotAllowed: 'MethodNotAllowed',
  Conflict: 'OperationAborted',
  PreconditionFailed: 'PreconditionFailed',
  LengthRequired: 'MissingContentLength',
  RangeNotSatisfiable: 'InvalidRange',
  UnprocessableEntity: 'BadDigest',
  PayloadTooLarge: 'EntityTooLarge',
  UnsupportedMediaType: 'InvalidRequest',
  NotImplemented: 'NotImplemented',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
};

function xmlEscape(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

/** Codes that are already S3's (from the S3 front end) pass through; platform codes are mapped. */
export function s3ErrorCode(err: ApiError): string {
  return GENERIC_CODES[err.code] ?? err.code;
}

export function renderS3Error(
  err: ApiError,
  message: string,
  requestId: string,
  resource = '',
): { body: string; contentType: string } {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xmlEscape(s3ErrorCode(err))}</Code><Message>${xmlEscape(message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${xmlEscape(requestId)}</RequestId></Error>`;
  return { body, contentType: 'application/xml' };
}
