// Validates Swift listing parameters: limit (at most 10,000), marker, end_marker, prefix, delimiter,
// reverse. Bad values answer 412 as Swift does.
import { ApiError } from '../../../common/errors/api-error.js';
import type { ListOptions } from '../../model.js';
import { truthy } from './swift-context.js';

export function listOptions(query: Record<string, string | undefined>, maxLimit: number): ListOptions {
  let limit = maxLimit;
  if (query.limit !== undefined) {
    if (!/^\d+$/.test(query.limit))
      throw new ApiError(412, 'PreconditionFailed', 'Value of limit must be a positive integer');
    limit = Number(query.limit);
    if (limit > maxLimit) throw new ApiError(412, 'PreconditionFailed', `Maximum limit is ${maxLimit}`);
  }
  const delimiter = query.delimiter;
  if (delimiter !== undefined && [...delimiter].length !== 1) {
    throw new ApiError(412, 'PreconditionFailed', 'Bad delimiter');
  }
  for (const key of ['marker', 'end_marker', 'prefix', 'delimiter']) {
    const v = query[key];
    if (v !== undefined && (v.includes('\0') || Buffer.byteLength(v) > 1024)) {
      throw new ApiError(412, 'PreconditionFailed', `Bad ${key}`);
    }
  }
  return {
    limit,
    marker: query.marker || undefined,
    endMarker: query.end_marker || undefined,
    prefix: query.prefix || undefined,
    delimiter: delimiter || undefined,
    reverse: truthy(query.reverse),
  };
}
