// Swift's own error replies, as ApiErrors for the Swift renderer (src/common/errors/render-swift.ts):
// a middleware's exact body (tempurl's "401 Unauthorized: Temp URL invalid", a manifest's list of
// problems) in its own content type, instead of the proxy's status page. Throwing them, rather than
// sending a reply around the error handler, keeps every Swift error logged and rendered in one place.
import { ApiError } from '../../../common/errors/api-error.js';

/** The ApiError code of each status Swift answers with (docs/errors.md lists them). */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  411: 'LengthRequired',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  416: 'RangeNotSatisfiable',
  422: 'UnprocessableEntity',
};

export interface SwiftReplyOptions {
  /** The reply's Content-Type; Swift's plain-text default otherwise. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** An error reply whose body is exactly `body` (Swift leaves it out of HEAD replies). */
export function swiftReply(status: number, body: string, options: SwiftReplyOptions = {}): ApiError {
  const code = CODE_OF_STATUS[status] ?? 'BadRequest';
  return new ApiError(status, code, body, {
    internalContext: {
      verbatimBody: true,
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    },
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}

/** Swift's 406 when no listing format the client accepts exists (swob's status page). */
export function notAcceptable(): ApiError {
  return new ApiError(406, 'NotAcceptable', 'The server has no replies which can satisfy the request.');
}

/** 412 with Swift's own message (bad copy headers, listing parameters). */
export function preconditionFailed(message: string): ApiError {
  return new ApiError(412, 'PreconditionFailed', message);
}
