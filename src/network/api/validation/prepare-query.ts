// List and show query strings, checked against the resource's TypeBox query schema before any handler
// runs, with Neutron's messages: unknown filters (filter validation is on in Neutron), sort keys and
// directions, and limit. Empty filter values are dropped, as Neutron does without the
// empty-string-filtering extension.
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TObject } from '@sinclair/typebox';
import { badRequest, badResourceRequest } from '../../errors.js';
import type { Query } from '../../list-query.js';
import { LIST_CONTROLS, ShowQuerySchema, listQuerySchema, type ResourceSpec } from './attribute-map.js';
import { pyRepr } from '../../../common/py-repr.js';

const webob = (message: string) => badRequest(message, 'HTTPBadRequest');
const listChecks = new WeakMap<ResourceSpec, { schema: TObject; check: TypeCheck<TObject> }>();
const showCheck = TypeCompiler.Compile(ShowQuerySchema);

function values(q: Record<string, unknown>, key: string): string[] {
  const v = q[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function compiled(spec: ResourceSpec, extraFilters: string[]) {
  let c = listChecks.get(spec);
  if (!c) {
    const schema = listQuerySchema(spec, extraFilters);
    c = { schema, check: TypeCompiler.Compile(schema) };
    listChecks.set(spec, c);
  }
  return c;
}

function checkSorts(spec: ResourceSpec, q: Record<string, unknown>): void {
  const keys = values(q, 'sort_key').filter(Boolean);
  const dirs = values(q, 'sort_dir').filter(Boolean);
  if (keys.length !== dirs.length) throw webob('The number of sort_keys and sort_dirs must be same');
  const absent = keys.filter((k) => !spec.attributes[k]?.sort);
  if (absent.length > 0) throw webob(`${pyRepr(absent)} is invalid attribute for sort_keys`);
  const badDirs = dirs.filter((d) => d !== 'asc' && d !== 'desc');
  if (badDirs.length > 0)
    throw webob(`${pyRepr(badDirs)} is invalid value for sort_dirs, valid value is 'asc' and 'desc'`);
}

function checkLimit(q: Record<string, unknown>): void {
  const limit = values(q, 'limit')[0];
  if (limit !== undefined && !/^\s*\+?\d+\s*$/.test(limit))
    throw badResourceRequest('limit', `Limit must be an integer 0 or greater and not '${limit}'`);
}

/** Validates a list query; returns it without empty filter values. */
export function prepareListQuery(spec: ResourceSpec, raw: unknown, extraFilters: string[] = []): Query {
  const q = (raw ?? {}) as Record<string, unknown>;
  const { schema, check } = compiled(spec, extraFilters);
  if (!check.Check(q)) {
    const invalid = Object.keys(q).filter((k) => !(k in schema.properties));
    if (invalid.length > 0) throw webob(`${pyRepr(invalid)} is invalid attribute for filtering`);
    throw webob('Query string contains invalid data');
  }
  checkSorts(spec, q);
  checkLimit(q);
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) {
    const kept = values(q, k).filter((s) => s !== '' || (LIST_CONTROLS as readonly string[]).includes(k));
    if (kept.length > 0) out[k] = Array.isArray(v) ? kept : kept[0];
  }
  return out;
}

/** Validates the query of a show (GET of one resource): only `fields`. */
export function prepareShowQuery(raw: unknown): Query {
  const q = (raw ?? {}) as Record<string, unknown>;
  if (!showCheck.Check(q)) {
    const invalid = Object.keys(q).filter((k) => k !== 'fields');
    throw webob(`${pyRepr(invalid)} is invalid attribute for filtering`);
  }
  return q as Query;
}

/** For routes that take no query string: any parameter is refused as Neutron refuses unknown filters. */
export function prepareNoQuery(raw: unknown): void {
  const keys = Object.keys((raw ?? {}) as Record<string, unknown>);
  if (keys.length > 0) throw webob(`${pyRepr(keys)} is invalid attribute for filtering`);
}
