// Swift's error bodies: short HTML for the statuses its proxy renders that way, plain text otherwise,
// and a middleware's own body verbatim (see src/object-store/api/swift/swift-errors.ts).
import { STATUS_CODES } from 'node:http';
import type { ApiError } from './api-error.js';

const SWIFT_TEXT: Record<number, string> = {
  401: 'This server could not verify that you are authorized to access the document you requested.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  406: 'The resource is not available in a format acceptable to your browser.',
  409: 'There was a conflict when trying to complete your request.',
  411: 'Missing Content-Length or Transfer-Encoding.',
  413: 'Your request is too large.',
  416: 'The Range requested is not available.',
};

const PLAIN_TEXT = 'text/plain; charset=UTF-8';

export function renderSwiftError(
  err: ApiError,
  message: string,
): { body: string | Buffer; contentType: string } {
  const context = err.internalContext;
  // A middleware's own body (quotas' "Upload exceeds quota.") is sent as is, not as the proxy's page;
  // as bytes, so that its Content-Type goes out exactly as given (Fastify adds a charset to a string).
  if (context?.verbatimBody === true && err.status < 500) {
    const contentType = typeof context.contentType === 'string' ? context.contentType : PLAIN_TEXT;
    return { body: Buffer.from(message, 'utf8'), contentType };
  }
  const text = SWIFT_TEXT[err.status];
  if (text !== undefined || err.status >= 500) {
    const title = STATUS_CODES[err.status] ?? 'Error';
    return {
      body: `<html><h1>${title}</h1><p>${text ?? message}</p></html>`,
      contentType: 'text/html; charset=UTF-8',
    };
  }
  return { body: message, contentType: PLAIN_TEXT };
}
