// Compute's own error factories, for Nova's wording where the shared ones (common/errors/codes.ts)
// phrase it differently. Same codes as docs/errors.md lists.
import { ApiError } from '../common/errors/api-error.js';

export const computeErrors = {
  /** A 404 in Nova's words, e.g. "Action for request_id … on instance … not found". */
  notFound: (message: string) => new ApiError(404, 'NotFound', message),
} as const;
