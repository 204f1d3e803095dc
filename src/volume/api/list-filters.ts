// Cinder's handling of list filters (cinder/api/common.py reject_invalid_filters and
// api_utils.remove_invalid_filter_options, with etc/cinder/resource_filters.json). Paging and sort
// parameters are not filters. From 3.31 a filter that is not enabled for the resource is a 400 for
// users (all_tenants excepted: clients always send it); before 3.31 Cinder drops such filters for
// users. Admins may filter on anything: a key that names no column of ours matches nothing, as
// Cinder's database layer answers an empty list for a filter on an unknown attribute.
import { errors } from '../../common/errors/codes.js';
import { atLeast, type Microversion } from './microversion.js';

export interface FilterPolicy {
  /** The resource's enabled filters (resource_filters.json). */
  enabled: readonly string[];
  /** Filters added at a microversion: below it they are not filters at all (Cinder pops them). */
  addedAt?: Readonly<Record<string, number>>;
  /** Filters admins may also use, beyond the enabled ones, that the store implements. */
  adminOnly?: readonly string[];
}

export interface Filters {
  /** Filter name (wire name, `name~` for LIKE) → value. */
  values: Record<string, string>;
  /** An admin filtered on something no row of ours can match. */
  matchesNothing: boolean;
}

/** Query parameters that are not filters. */
const NOT_FILTERS = new Set(['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir', 'all_tenants']);

export function filtersOf(
  query: Record<string, string>,
  policy: FilterPolicy,
  version: Microversion,
  admin: boolean,
  extraReserved: readonly string[] = [],
): Filters {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (NOT_FILTERS.has(key) || extraReserved.includes(key)) continue;
    const added = policy.addedAt?.[key.replace(/~$/, '')];
    if (added !== undefined && !atLeast(version, added)) continue;
    values[key] = value;
  }
  // eslint-disable-next-line no-control-regex -- Cinder refuses keys outside ASCII.
  if (Object.keys(values).some((k) => /[^\x00-\x7f]/.test(k)))
    throw errors.badRequest('Filter keys can only contain ASCII characters.');
  const like = atLeast(version, 34);
  const enabled = (key: string) =>
    policy.enabled.includes(key) || (like && key.endsWith('~') && policy.enabled.includes(key.slice(0, -1)));
  const unknown = Object.keys(values).filter((k) => !enabled(k));
  if (admin) {
    const known = (k: string) => policy.adminOnly?.includes(k) ?? false;
    return { values, matchesNothing: unknown.some((k) => !known(k)) };
  }
  if (unknown.length > 0 && atLeast(version, 31)) {
    throw errors.badRequest(`Invalid filters ${unknown.join(',')} are found in query options.`);
  }
  for (const key of unknown) delete values[key];
  return { values, matchesNothing: false };
}
