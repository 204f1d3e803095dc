// Turns anything thrown into an ApiError: our own errors pass through, Fastify's framework errors
// (bad JSON, oversized body, schema validation, unsupported content type) become 4xx, database constraint
// violations become 409, and everything else is a 500 whose details stay in the log.
import { ApiError, isApiError } from './api-error.js';
import { errors } from './codes.js';

interface FrameworkError {
  code?: string;
  statusCode?: number;
  validation?: unknown;
  message?: string;
}

const FRAMEWORK_ERRORS: Record<string, () => ApiError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => errors.malformedBody(),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => errors.malformedBody('The request body is empty.'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => errors.payloadTooLarge(),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => errors.unsupportedMediaType(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => errors.badRequest('Invalid Content-Length.'),
  FST_ERR_BAD_URL: () => errors.badRequest('Malformed URL.'),
  FST_ERR_ASYNC_CONSTRAINT: () => errors.badRequest('Malformed request.'),
};

export function toApiError(err: unknown): ApiError {
  if (isApiError(err)) return err;
  const e = (err ?? {}) as FrameworkError;
  if (e.validation) return errors.validation(e.message ?? 'Invalid input.');
  if (e.code && FRAMEWORK_ERRORS[e.code]) return (FRAMEWORK_ERRORS[e.code] as () => ApiError)();
  const dbConflict = fromDatabaseError(e);
  if (dbConflict) return dbConflict;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return byStatus(e.statusCode, err);
  }
  return errors.internal(err);
}

/**
 * A framework 4xx we have no specific mapping for keeps its status, and gets the code of the table that
 * matches that status (a 413 is PayloadTooLarge, not BadRequest), so the API renderers word it right.
 */
const BY_STATUS: Readonly<Record<number, () => ApiError>> = {
  404: () => errors.routeNotFound('', ''),
  405: () => errors.methodNotAllowed(),
  406: () => errors.notAcceptable('The requested representation is not available.'),
  411: () => errors.lengthRequired(),
  412: () => errors.preconditionFailed(),
  413: () => errors.payloadTooLarge(),
  415: () => errors.unsupportedMediaType(),
  416: () => errors.rangeNotSatisfiable(),
  422: () => errors.unprocessable('The request could not be processed.'),
};

function byStatus(status: number, cause: unknown): ApiError {
  const made = BY_STATUS[status]?.() ?? errors.badRequest('The request could not be processed.', { cause });
  // Statuses without an entry in the table (408, 414, 431, …) keep their own status under BadRequest.
  return made.status === status ? made : new ApiError(status, 'BadRequest', made.message, { cause });
}

/** SQLite and PostgreSQL unique/foreign-key violations, which stores let escape on purpose. */
function fromDatabaseError(e: FrameworkError): ApiError | undefined {
  const code = e.code ?? '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return errors.conflict('A resource with the same identity already exists.', { cause: e });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') {
    return errors.conflict('The resource is referenced by or refers to another resource.', { cause: e });
  }
  return undefined;
}
