// Validates Swift listing parameters: limit (at most 10,000), marker, end_marker, prefix, delimiter,
// reverse, and for containers path. Bad values answer 412 as Swift does.
import type { ListOptions } from '../../model.js';
import { preconditionFailed } from './swift-errors.js';
import { truthy } from './swift-context.js';

const TEXT_PARAMETERS = ['marker', 'end_marker', 'prefix', 'delimiter', 'path'] as const;

export function listOptions(
  query: Record<string, string | undefined>,
  maxLimit: number,
  level: 'account' | 'container' = 'account',
): ListOptions {
  let limit = maxLimit;
  if (query.limit !== undefined) {
    if (!/^\d+$/.test(query.limit)) throw preconditionFailed('Value of limit must be a positive integer');
    limit = Number(query.limit);
    if (limit > maxLimit) throw preconditionFailed(`Maximum limit is ${maxLimit}`);
  }
  const delimiter = query.delimiter;
  if (delimiter !== undefined && [...delimiter].length !== 1) throw preconditionFailed('Bad delimiter');
  for (const key of TEXT_PARAMETERS) {
    const v = query[key];
    if (v !== undefined && (v.includes('\0') || Buffer.byteLength(v) > 1024))
      throw preconditionFailed(`Bad ${key}`);
  }
  const options: ListOptions = {
    limit,
    marker: query.marker || undefined,
    endMarker: query.end_marker || undefined,
    prefix: query.prefix || undefined,
    delimiter: delimiter || undefined,
    reverse: truthy(query.reverse),
  };
  // Container listings only (Swift's account server has no path): ?path=p lists what is directly
  // under "p/", replacing prefix and delimiter.
  const path = level === 'container' ? query.path : undefined;
  if (path !== undefined) {
    options.prefix = path === '' ? undefined : `${path.replace(/\/+$/, '')}/`;
    options.delimiter = '/';
    options.directOnly = true;
  }
  return options;
}
