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

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A bare CR would be read back as LF (XML end-of-line normalisation); the reference keeps it.
  '\r': '&#13;',
};

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be replaced.
const NEEDS_ESCAPE = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/**
 * Escapes text for XML 1.0 element content and attribute values. Characters XML 1.0 cannot carry at
 * all, not even as character references (C0 controls other than tab, LF and CR, lone surrogates,
 * U+FFFE and U+FFFF), become U+FFFD, as Go's encoding/xml writes them, so the document always parses.
 */
export function xmlEscape(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (const char of text) {
    const entity = ENTITIES[char];
    if (entity !== undefined) {
      out += entity;
      continue;
    }
    const code = char.codePointAt(0) as number;
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a;
    const invalid = control || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff);
    out += invalid ? '\uFFFD' : char;
  }
  return out;
}

/** Codes that are already S3's (from the S3 front end) pass through; platform codes are mapped. */
export function s3ErrorCode(err: ApiError): string {
  return GENERIC_CODES[err.code] ?? err.code;
}

/** Extra public elements an S3 error carries after its Message (Key, BucketName, ArgumentName…). */
export interface S3ErrorFields {
  readonly s3Fields?: Readonly<Record<string, string>> | undefined;
}

export function renderS3Error(
  err: ApiError & S3ErrorFields,
  message: string,
  requestId: string,
  resource = '',
): { body: string; contentType: string } {
  const fields = Object.entries(err.s3Fields ?? {})
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xmlEscape(s3ErrorCode(err))}</Code><Message>${xmlEscape(message)}</Message>${fields}` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${xmlEscape(requestId)}</RequestId></Error>`;
  return { body, contentType: 'application/xml' };
}
