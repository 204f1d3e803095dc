// What a list request asks for, read from its validated query string the way Cinder's controllers read
// it: paging (marker, limit capped at 1000, offset), sort keys, with_count (3.45) and all_tenants, and
// the filters of each resource turned into store clauses (values parsed with Python's literal_eval as
// Cinder's check_volume_filters does; bootable strictly from 3.2; time comparisons from 3.60).
import type { FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { parseSortParams, type FilterClause, type FilterOp, type SortKey } from '../list-query.js';
import { volumeErrors } from '../volume-errors.js';
import { filtersOf, type FilterPolicy } from './list-filters.js';
import { atLeast } from './microversion.js';
import { literalEval } from './py-literal.js';
import { boolOf } from './schemas/parameter-types.js';
import { versionOf } from './route-deps.js';

export interface ListParams {
  marker: string | undefined;
  limit: number | undefined;
  offset: number | undefined;
  sort: SortKey[];
  withCount: boolean;
  allTenants: boolean;
}

export interface ListFilters {
  filters: FilterClause[];
  metadata: Record<string, string> | undefined;
  matchesNothing: boolean;
}

const FALSE = new Set(['0', 'f', 'false', 'off', 'n', 'no']);
export const LIST_LIMIT_MAX = 1000;

export function queryOf(request: FastifyRequest): Record<string, string> {
  return request.query as Record<string, string>;
}

/** Paging and sorting; the query string already passed its schema. */
export function listParamsOf(request: FastifyRequest): ListParams {
  const q = queryOf(request);
  return {
    marker: q.marker,
    limit: q.limit === undefined ? undefined : Math.min(Number(q.limit), LIST_LIMIT_MAX),
    offset: q.offset === undefined ? undefined : Number(q.offset),
    sort: parseSortParams(q),
    withCount: atLeast(versionOf(request), 45) && q.with_count !== undefined && boolOf(q.with_count),
    allTenants: q.all_tenants !== undefined && !FALSE.has(q.all_tenants.toLowerCase()),
  };
}

const TIME_OPS = new Set<string>(['gt', 'gte', 'eq', 'neq', 'lt', 'lte']);

/** `created_at=gt:2024-01-01T00:00:00,lt:…` (cinder/api/v3/volumes.py _handle_time_comparison_filters). */
function timeClauses(key: string, value: string): FilterClause[] {
  return value.split(',').map((unit) => {
    const [op = '', ...rest] = unit.split(':');
    if (!TIME_OPS.has(op)) throw errors.badRequest(`Invalid ${op} operator`);
    const time = rest.length > 0 ? rest.join(':') : op;
    const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(time) ? time : `${time}Z`;
    const ms = /^\d{4}-\d\d-\d\d/.test(time) ? Date.parse(zoned) : Number.NaN;
    if (Number.isNaN(ms)) throw errors.badRequest(`Invalid ${time} value`);
    return { key, op: op as FilterOp, value: new Date(ms).toISOString() };
  });
}

/** A literal that must be None (group_id, migration_status: nothing of ours has one). */
const isNone = (raw: string) => raw === 'None' || literalEval(raw) === null;

function metadataOf(raw: string): Record<string, string> | undefined {
  const value = literalEval(raw);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** The raw value, or the string a Python string literal stands for. */
function textOf(raw: string): string {
  const value = literalEval(raw);
  return typeof value === 'string' ? value : raw;
}

const LIKEABLE = new Set(['name', 'status', 'availability_zone', 'description']);

function clauseOf(key: string, raw: string, out: ListFilters, request: FastifyRequest): void {
  if (key.endsWith('~')) {
    const base = key.slice(0, -1);
    if (LIKEABLE.has(base)) out.filters.push({ key: base, op: 'like', value: raw });
    else out.matchesNothing = true;
    return;
  }
  switch (key) {
    case 'name':
      out.filters.push({ key, op: 'eq', value: raw });
      return;
    case 'bootable':
      out.filters.push({ key, op: 'eq', value: bootableOf(raw, atLeast(versionOf(request), 2)) ? 1 : 0 });
      return;
    case 'size': {
      const size = literalEval(raw);
      if (typeof size === 'number') out.filters.push({ key, op: 'eq', value: size });
      else out.matchesNothing = true;
      return;
    }
    case 'metadata':
      out.metadata = metadataOf(raw);
      if (out.metadata === undefined) out.matchesNothing = true;
      return;
    case 'created_at':
    case 'updated_at':
      out.filters.push(...timeClauses(key, raw));
      return;
    case 'consumes_quota':
      if (!boolOf(raw)) out.matchesNothing = true;
      return;
    case 'group_id':
    case 'migration_status':
      if (!isNone(raw)) out.matchesNothing = true;
      return;
    default:
      out.filters.push({ key, op: 'eq', value: textOf(raw) });
  }
}

/** bootable: strict from 3.2 (Cinder's 400 "'bootable = x'"); before, anything but False is true. */
function bootableOf(raw: string, strict: boolean): boolean {
  if (!strict) return !['False', 'false', 'FALSE'].includes(raw) && raw !== '';
  const lower = raw.toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw volumeErrors.invalidInput(`'bootable = ${raw}'`);
}

/**
 * The filters of a list request under Cinder's filter policy, as store clauses. `availabilityZone` is the
 * service's zone: resources that do not store one (snapshots) match it or nothing.
 */
export function listFiltersOf(
  request: FastifyRequest,
  policy: FilterPolicy,
  admin: boolean,
  availabilityZone: string,
  options: { zoneColumn?: boolean } = {},
): ListFilters {
  const { values, matchesNothing } = filtersOf(queryOf(request), policy, versionOf(request), admin, [
    'with_count',
  ]);
  const out: ListFilters = { filters: [], metadata: undefined, matchesNothing };
  for (const [key, raw] of Object.entries(values)) {
    const zone = key.replace(/~$/, '') === 'availability_zone';
    if (zone && options.zoneColumn !== true) {
      const value = textOf(raw);
      const match = key.endsWith('~') ? availabilityZone.includes(value) : value === availabilityZone;
      if (!match) out.matchesNothing = true;
      continue;
    }
    clauseOf(key, raw, out, request);
  }
  return out;
}

export const VOLUME_FILTERS: FilterPolicy = {
  enabled: [
    'name',
    'status',
    'metadata',
    'bootable',
    'migration_status',
    'availability_zone',
    'group_id',
    'size',
    'created_at',
    'updated_at',
    'consumes_quota',
  ],
  addedAt: { glance_metadata: 4, group_id: 10, created_at: 60, updated_at: 60, consumes_quota: 65 },
  adminOnly: ['project_id', 'user_id', 'id', 'volume_type_id', 'snapshot_id', 'source_volid', 'host'],
};

export const SNAPSHOT_FILTERS: FilterPolicy = {
  enabled: ['name', 'status', 'volume_id', 'metadata', 'availability_zone', 'consumes_quota'],
  addedAt: { metadata: 22, consumes_quota: 65 },
  adminOnly: ['project_id', 'user_id', 'id'],
};

export const BACKUP_FILTERS: FilterPolicy = {
  enabled: ['name', 'status', 'volume_id'],
  adminOnly: ['project_id', 'user_id', 'id', 'snapshot_id', 'container'],
};

export const ATTACHMENT_FILTERS: FilterPolicy = {
  enabled: ['volume_id', 'status', 'instance_id', 'attach_status'],
  adminOnly: ['project_id', 'id'],
};
