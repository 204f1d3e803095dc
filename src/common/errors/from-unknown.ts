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
    return new ApiError(e.statusCode, 'BadRequest', 'The request could not be processed.', { cause: err });
  }
  return errors.internal(err);
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
