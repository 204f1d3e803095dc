// Factories for every ApiError the platform raises. docs/errors.md lists the same codes; a test keeps
// the two in step.
import { ApiError, type ApiErrorOptions } from './api-error.js';

export const errors = {
  badRequest: (message: string, options?: ApiErrorOptions) =>
    new ApiError(400, 'BadRequest', message, options),
  validation: (message: string) => new ApiError(400, 'ValidationFailed', message),
  malformedBody: (message = 'The request body is not valid JSON.') =>
    new ApiError(400, 'MalformedBody', message),
  unauthorized: (message = 'The request you have made requires authentication.') =>
    new ApiError(401, 'Unauthorized', message),
  forbidden: (message = 'You are not authorized to perform the requested action.') =>
    new ApiError(403, 'Forbidden', message),
  notFound: (kind: string, id: string) =>
    new ApiError(404, 'NotFound', `Could not find ${kind}: ${id}.`, { internalContext: { kind } }),
  routeNotFound: (method: string, url: string) =>
    new ApiError(404, 'RouteNotFound', `The resource could not be found.`, {
      internalContext: { method, url },
    }),
  methodNotAllowed: (message = 'The method is not allowed for this resource.') =>
    new ApiError(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => new ApiError(406, 'NotAcceptable', message),
  conflict: (message: string, options?: ApiErrorOptions) => new ApiError(409, 'Conflict', message, options),
  preconditionFailed: (message = 'A precondition for this request was not met.') =>
    new ApiError(412, 'PreconditionFailed', message),
  lengthRequired: (message = 'Missing Content-Length or Transfer-Encoding.') =>
    new ApiError(411, 'LengthRequired', message),
  rangeNotSatisfiable: (message = 'The Range requested is not available.') =>
    new ApiError(416, 'RangeNotSatisfiable', message),
  unprocessable: (message: string) => new ApiError(422, 'UnprocessableEntity', message),
  payloadTooLarge: (message = 'Request entity too large.', options?: ApiErrorOptions) =>
    new ApiError(413, 'PayloadTooLarge', message, options),
  unsupportedMediaType: (message = 'Unsupported media type.', options?: ApiErrorOptions) =>
    new ApiError(415, 'UnsupportedMediaType', message, options),
  notImplemented: (message = 'The action is not implemented.') =>
    new ApiError(501, 'NotImplemented', message),
  internal: (cause?: unknown) =>
    new ApiError(
      500,
      'InternalError',
      'An unexpected error prevented the server from fulfilling your request.',
      {
        cause,
      },
    ),
  /** A 500 whose message the API's clients expect verbatim (Swift's bulk and SLO results). */
  internalMessage: (message: string) => new ApiError(500, 'InternalError', message),
  serviceUnavailable: (message = 'The service is temporarily unavailable.') =>
    new ApiError(503, 'ServiceUnavailable', message),
} as const;

/** Every code above, for the docs consistency test. */
export const ERROR_CODES = [
  'NotAcceptable',
  'BadRequest',
  'ValidationFailed',
  'MalformedBody',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'RouteNotFound',
  'MethodNotAllowed',
  'Conflict',
  'PreconditionFailed',
  'LengthRequired',
  'RangeNotSatisfiable',
  'UnprocessableEntity',
  'PayloadTooLarge',
  'UnsupportedMediaType',
  'NotImplemented',
  'InternalError',
  'ServiceUnavailable',
  'KeyDestroyed',
] as const;
