// The query of GET /v1/secrets, checked as Barbican's SecretsController does: date filters made of
// gt:/gte:/lt:/lte: or a plain date (each at most once, and not contradictory), sort keys with
// directions, and 400 "URI provided invalid query string parameters." for anything malformed.
import type { FastifyRequest } from 'fastify';
import { parseIsoTime } from '../iso-time.js';
import { kmErrors } from '../key-manager-errors.js';
import type { DateFilter, SortKey } from '../model.js';
import type { SecretListFilters } from '../secret-service.js';
import { allowQuery, paging, queryValue } from './http.js';

const KNOWN = [
  'limit',
  'offset',
  'name',
  'alg',
  'mode',
  'bits',
  'secret_type',
  'acl_only',
  'created',
  'updated',
  'expiration',
  'sort',
];
const SORT_KEYS = [
  'algorithm',
  'bit_length',
  'created',
  'expiration',
  'mode',
  'name',
  'secret_type',
  'status',
  'updated',
];
const OPS: [string, DateFilter['op']][] = [
  ['gte:', '>='],
  ['lte:', '<='],
  ['gt:', '>'],
  ['lt:', '<'],
];

function invalid(): never {
  throw kmErrors.abort(400, 'URI provided invalid query string parameters.');
}

/** _is_valid_date_filter, returning the comparisons. */
function dateFilters(text: string | undefined): DateFilter[] {
  if (!text) return [];
  const seen = new Set<DateFilter['op']>();
  const out: DateFilter[] = [];
  for (const part of text.split(',')) {
    const [prefix, op] = OPS.find(([p]) => part.startsWith(p)) ?? ['', '='];
    const clash: Record<DateFilter['op'], DateFilter['op'][]> = {
      '>': ['>', '>='],
      '>=': ['>', '>=', '='],
      '<': ['<', '<='],
      '<=': ['<', '<=', '='],
      '=': ['=', '>=', '<='],
    };
    if (clash[op].some((o) => seen.has(o))) invalid();
    const when = parseIsoTime(part.slice(prefix.length));
    if (!when) invalid();
    seen.add(op);
    out.push({ op, value: when.toISOString() });
  }
  return out;
}

/** _is_valid_sorting. */
function sortKeys(text: string | undefined): SortKey[] {
  if (!text) return [];
  const keys: SortKey[] = [];
  for (const part of text.split(',')) {
    const pieces = part.split(':');
    if (pieces.length > 2) invalid();
    const [key = '', direction = 'asc'] = pieces;
    if (!SORT_KEYS.includes(key) || (direction !== 'asc' && direction !== 'desc')) invalid();
    if (keys.some((k) => k.key === key)) invalid();
    keys.push({ key, direction });
  }
  return keys;
}

/** Barbican unquotes the (already decoded) name once more, with '+' as a space. */
function unquotePlus(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/\+/g, ' ');
  }
}

export function secretListFilters(request: FastifyRequest): SecretListFilters {
  allowQuery(request, KNOWN);
  const name = queryValue(request, 'name');
  const bitsText = queryValue(request, 'bits');
  // Barbican: an invalid bits value means "no filter" (its issue 171).
  const bits = bitsText && /^\s*[+-]?\d+\s*$/.test(bitsText) ? Number.parseInt(bitsText, 10) : 0;
  const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  return {
    ...paging(request),
    ...optional('name', name ? unquotePlus(name) : undefined),
    ...optional('algorithm', queryValue(request, 'alg')),
    ...optional('mode', queryValue(request, 'mode')),
    ...optional('secretType', queryValue(request, 'secret_type')),
    bits,
    created: dateFilters(queryValue(request, 'created')),
    updated: dateFilters(queryValue(request, 'updated')),
    expiration: dateFilters(queryValue(request, 'expiration')),
    sort: sortKeys(queryValue(request, 'sort')),
    aclOnly: (queryValue(request, 'acl_only') ?? '').toLowerCase() === 'true',
  };
}
