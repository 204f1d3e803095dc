// Filtering, sorting and paging of image listings, as Glance's GET /v2/images does them: equality and
// `in:` filters, size bounds, time comparisons with gt:/gte:/lt:/lte:/eq:/neq:, multi-key sort, and
// marker paging. Pure functions over the images a caller may list.
import { errors } from '../common/errors/codes.js';
import { LIMITS, type Image, type MemberStatus } from './model.js';

export type Query = Record<string, string | string[] | undefined>;

export interface SortKey {
  key: string;
  dir: 'asc' | 'desc';
}

const SORT_KEYS = new Set([
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'virtual_size',
  'id',
  'created_at',
  'updated_at',
  'min_disk',
  'min_ram',
  'visibility',
  'owner',
]);

/** Image columns Glance filters by exact (or `in:`) match as integers (db api _make_conditions_from_filters). */
const NUMERIC_FILTERS = ['size', 'virtual_size', 'min_disk', 'min_ram'] as const;

/** Parameters that are not custom-property filters. */
export const LIST_PARAMS = new Set([
  'limit',
  'marker',
  'sort',
  'sort_key',
  'sort_dir',
  'name',
  'status',
  'visibility',
  'owner',
  'tag',
  'member_status',
  'os_hidden',
  'size_min',
  'size_max',
  'created_at',
  'updated_at',
  'id',
  'disk_format',
  'container_format',
  'protected',
  ...NUMERIC_FILTERS,
  'checksum',
  'os_hash_algo',
  'os_hash_value',
]);

function first(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[0] : v;
}

export function all(q: Query, key: string): string[] {
  const v = q[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function attributeOf(image: Image, key: string): string | number | boolean | null {
  switch (key) {
    case 'size':
      return image.sizeBytes;
    case 'virtual_size':
      return image.virtualSizeBytes;
    case 'created_at':
      return image.createdAt;
    case 'updated_at':
      return image.updatedAt;
    case 'disk_format':
      return image.diskFormat;
    case 'container_format':
      return image.containerFormat;
    case 'min_disk':
      return image.minDisk;
    case 'min_ram':
      return image.minRam;
    case 'protected':
      return image.protected;
    case 'os_hidden':
      return image.osHidden;
    case 'os_hash_algo':
      return image.osHashAlgo;
    case 'os_hash_value':
      return image.osHashValue;
    default: {
      const core = (image as unknown as Record<string, unknown>)[key];
      if (typeof core === 'string' || core === null) return core;
      return image.properties[key] ?? null;
    }
  }
}

function parseSize(q: Query, key: string): number | undefined {
  const v = first(q, key);
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v)) throw errors.badRequest(`Invalid value for ${key}: '${v}'.`);
  return Number(v);
}

/** A value filter: `in:"a,b",c` or a plain value. */
function valueMatcher(raw: string): (v: unknown) => boolean {
  if (raw.startsWith('in:')) {
    const values = raw
      .slice(3)
      .split(',')
      .map((s) => s.replace(/^"|"$/g, ''));
    return (v) => values.includes(String(v));
  }
  return (v) => String(v) === raw;
}

function timeMatcher(key: string, raw: string): (v: string) => boolean {
  const m = /^(gt|gte|lt|lte|eq|neq):(.+)$/.exec(raw) ?? (['', 'eq', raw] as const);
  const op = m[1] as string;
  const at = Date.parse(m[2] as string);
  if (Number.isNaN(at)) throw errors.badRequest(`Invalid time value for ${key}: '${raw}'.`);
  const cmp: Record<string, (t: number) => boolean> = {
    gt: (t) => t > at,
    gte: (t) => t >= at,
    lt: (t) => t < at,
    lte: (t) => t <= at,
    eq: (t) => t === at,
    neq: (t) => t !== at,
  };
  const test = cmp[op];
  if (!test) throw errors.badRequest(`Invalid operator for ${key}.`);
  return (v) => test(Date.parse(v));
}

function boolParam(q: Query, key: string): boolean | undefined {
  const v = first(q, key);
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  throw errors.badRequest(`Invalid value for ${key}: '${v}'.`);
}

/** Builds the predicate for every attribute filter in the query (visibility is handled elsewhere). */
export function attributeFilter(q: Query): (image: Image) => boolean {
  const tests: Array<(i: Image) => boolean> = [];
  const exact = ['name', 'status', 'owner', 'id', 'disk_format', 'container_format', 'checksum'];
  for (const key of [...exact, 'os_hash_algo', 'os_hash_value', ...NUMERIC_FILTERS]) {
    const v = first(q, key);
    if (v === undefined) continue;
    if ((NUMERIC_FILTERS as readonly string[]).includes(key) && !/^(in:)?\d{1,16}(,\d{1,16})*$/.test(v))
      throw errors.badRequest(`Invalid value for ${key}: '${v}'.`);
    const match = valueMatcher(v);
    tests.push((i) => match(attributeOf(i, key)));
  }
  const tags = all(q, 'tag');
  if (tags.length > 0) tests.push((i) => tags.every((t) => i.tags.includes(t)));
  const sizeMin = parseSize(q, 'size_min');
  const sizeMax = parseSize(q, 'size_max');
  if (sizeMin !== undefined) tests.push((i) => i.sizeBytes !== null && i.sizeBytes >= sizeMin);
  if (sizeMax !== undefined) tests.push((i) => i.sizeBytes !== null && i.sizeBytes <= sizeMax);
  for (const key of ['created_at', 'updated_at'] as const) {
    const v = first(q, key);
    if (v === undefined) continue;
    const match = timeMatcher(key, v);
    tests.push((i) => match(key === 'created_at' ? i.createdAt : i.updatedAt));
  }
  const isProtected = boolParam(q, 'protected');
  if (isProtected !== undefined) tests.push((i) => i.protected === isProtected);
  const hidden = boolParam(q, 'os_hidden') ?? false;
  tests.push((i) => i.osHidden === hidden);
  for (const [key, value] of Object.entries(q)) {
    if (LIST_PARAMS.has(key) || value === undefined) continue;
    const wanted = first(q, key);
    tests.push((i) => i.properties[key] === wanted);
  }
  return (image) => tests.every((t) => t(image));
}

export function memberStatusParam(q: Query): MemberStatus | 'all' {
  const v = first(q, 'member_status') ?? 'accepted';
  if (!['accepted', 'pending', 'rejected', 'all'].includes(v)) {
    throw errors.badRequest(`Invalid member_status '${v}'.`);
  }
  return v as MemberStatus | 'all';
}

export function parseSort(q: Query): SortKey[] {
  const out: SortKey[] = [];
  const sort = first(q, 'sort');
  if (sort !== undefined) {
    if (q.sort_key !== undefined || q.sort_dir !== undefined)
      throw errors.badRequest('The sort parameter cannot be combined with sort_key or sort_dir.');
    for (const part of sort.split(',')) {
      const [key = '', dir = 'desc'] = part.trim().split(':');
      out.push({ key, dir: dir as SortKey['dir'] });
    }
  } else {
    const keys = all(q, 'sort_key');
    const dirs = all(q, 'sort_dir');
    keys.forEach((key, n) => out.push({ key, dir: (dirs[n] ?? dirs[0] ?? 'desc') as SortKey['dir'] }));
  }
  for (const s of out) {
    if (!SORT_KEYS.has(s.key)) throw errors.badRequest(`Invalid sort key '${s.key}'.`);
    if (s.dir !== 'asc' && s.dir !== 'desc') throw errors.badRequest(`Invalid sort direction '${s.dir}'.`);
  }
  if (out.length === 0) out.push({ key: 'created_at', dir: 'desc' });
  if (!out.some((s) => s.key === 'id')) out.push({ key: 'id', dir: out[0]?.dir ?? 'desc' });
  return out;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

export function sortImages(images: Image[], keys: SortKey[]): Image[] {
  return [...images].sort((x, y) => {
    for (const { key, dir } of keys) {
      const c = compare(attributeOf(x, key), attributeOf(y, key));
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  });
}

export function parseLimit(q: Query): number {
  const v = first(q, 'limit');
  if (v === undefined) return LIMITS.listDefaultLimit;
  if (!/^\d{1,9}$/.test(v)) throw errors.badRequest(`Invalid limit '${v}'.`);
  return Math.min(Number(v), LIMITS.listMaxLimit);
}

/** One page after `marker` (an image id in the sorted list); an unknown marker is a 400. */
export function page(sorted: Image[], marker: string | undefined, limit: number) {
  let start = 0;
  if (marker !== undefined) {
    const at = sorted.findIndex((i) => i.id === marker);
    if (at < 0) throw errors.badRequest(`Marker ${marker} could not be found.`);
    start = at + 1;
  }
  const items = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length && items.length > 0;
  return { items, nextMarker: more ? items[items.length - 1]?.id : undefined };
}

export function markerOf(q: Query): string | undefined {
  return first(q, 'marker');
}
