// Keystone's generic list handling (keystone.server.flask.common: build_driver_hints, wrap_collection):
// the filters a route's handler does not apply itself are applied here to the rendered items — inexact
// comparators (name__icontains=...), attribute filters (parent_region_id, is_domain, not-tags…), the
// federation filters (no user of Nuage is federated) — then marker/limit pagination with a `next` link
// and `truncated`, as Keystone pages its SQL-backed lists.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { attributeFilters, QUERY_SCHEMAS } from './query-schemas.js';
import { keystoneSchemaError } from './schema-errors.js';

type Item = Record<string, unknown>;
type Query = Record<string, string>;

/** Filters applied here by attribute equality, per route (the handlers apply the others). */
const ATTRIBUTE_FILTERS: Record<string, string[]> = {
  '/v3/projects': ['is_domain'],
  '/v3/regions': ['parent_region_id'],
};
/** Keystone's federated-user filters: they match only federated users, and Nuage has none. */
const FEDERATION_FILTERS = ['idp_id', 'protocol_id', 'unique_id'];
const PAGED = new Set(['/v3/users', '/v3/groups', '/v3/projects', '/v3/domains']);

function truthy(v: string): boolean {
  return !['false', '0', 'no', 'n', 'off'].includes(v.toLowerCase());
}

function attrMatches(actual: unknown, wanted: string): boolean {
  if (typeof actual === 'boolean') return actual === truthy(wanted);
  return actual === wanted;
}

function inexactMatches(actual: unknown, comparator: string, wanted: string): boolean {
  if (typeof actual !== 'string') return false;
  const insensitive = comparator.startsWith('i');
  const op = insensitive ? comparator.slice(1) : comparator;
  const a = insensitive ? actual.toLowerCase() : actual;
  const w = insensitive ? wanted.toLowerCase() : wanted;
  if (op === 'contains') return a.includes(w);
  if (op === 'startswith') return a.startsWith(w);
  if (op === 'endswith') return a.endsWith(w);
  return true; // Keystone ignores comparators it does not know.
}

const PASSWORD_OPS: Record<string, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
};

/** `password_expires_at={operator}:{timestamp}` (operator defaults to eq), as Keystone parses it. */
function passwordExpiryFilter(value: string): (item: Item) => boolean {
  const m = /^(?:(lt|lte|gt|gte|eq|neq):)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?)$/.exec(value);
  const when = m ? Date.parse(m[2]!.endsWith('Z') ? m[2]! : `${m[2]}Z`) : NaN;
  if (!m || Number.isNaN(when))
    throw errors.validation(
      `Invalid input for field/attribute password_expires_at. Value: ${value}. Expected an operator ` +
        '(lt, lte, gt, gte, eq, neq) and a timestamp of the form YYYY-MM-DDTHH:mm:ssZ.',
    );
  const op = PASSWORD_OPS[m[1] ?? 'eq']!;
  return (item) => {
    const at = item.password_expires_at;
    return typeof at === 'string' && op(Date.parse(at.endsWith('Z') ? at : `${at}Z`), when);
  };
}

function tagFilter(q: Query): ((item: Item) => boolean) | undefined {
  const notAll = q['not-tags']?.split(',');
  const notAny = q['not-tags-any']?.split(',');
  if (!notAll && !notAny) return undefined;
  return (item) => {
    const tags = Array.isArray(item.tags) ? (item.tags as string[]) : [];
    if (notAll && notAll.every((t) => tags.includes(t))) return false;
    return !(notAny && notAny.some((t) => tags.includes(t)));
  };
}

function filtersOf(path: string, q: Query): ((item: Item) => boolean)[] {
  const out: ((item: Item) => boolean)[] = [];
  for (const key of ATTRIBUTE_FILTERS[path] ?? [])
    if (q[key] !== undefined) out.push((item) => attrMatches(item[key], q[key]!));
  if (path === '/v3/users') {
    if (FEDERATION_FILTERS.some((k) => q[k] !== undefined)) out.push(() => false);
    if (q.password_expires_at !== undefined) out.push(passwordExpiryFilter(q.password_expires_at));
  }
  if (path === '/v3/projects') {
    const tags = tagFilter(q);
    if (tags) out.push(tags);
  }
  const names = attributeFilters(path);
  for (const [key, value] of Object.entries(q)) {
    const sep = key.indexOf('__');
    if (sep < 0 || !names.includes(key.slice(0, sep))) continue;
    const attr = key.slice(0, sep);
    const comparator = key.slice(sep + 2);
    out.push((item) => attr in item && inexactMatches(item[attr], comparator, value));
  }
  return out;
}

function paginate(items: Item[], q: Query, selfUrl: string) {
  let start = 0;
  if (q.marker) {
    start = items.findIndex((i) => i.id === q.marker) + 1;
    if (start === 0) throw errors.notFound('marker', q.marker);
  }
  const rest = items.slice(start);
  if (q.limit === undefined) return { items: rest, next: null, truncated: false };
  const limit = Number(q.limit);
  const page = rest.slice(0, limit);
  const truncated = rest.length > limit;
  const last = page[page.length - 1];
  if (!truncated || !last) return { items: page, next: null, truncated };
  const args = new URLSearchParams({ ...q, marker: String(last.id), limit: String(limit) });
  return { items: page, next: `${selfUrl}?${args.toString()}`, truncated };
}

function routePath(request: FastifyRequest, prefix: string): string {
  const url = request.routeOptions.url ?? '';
  return url.startsWith(prefix) ? url.slice(prefix.length) : url;
}

/** Rewrites a rendered collection ({key: [...], links}) by the query's generic filters and paging. */
function applyListQuery(path: string, q: Query, payload: Record<string, unknown>): Record<string, unknown> {
  const key = Object.keys(payload).find((k) => k !== 'links' && Array.isArray(payload[k]));
  if (!key) return payload;
  let items = payload[key] as Item[];
  for (const f of filtersOf(path, q)) items = items.filter(f);
  if (!PAGED.has(path) || (q.marker === undefined && q.limit === undefined))
    return { ...payload, [key]: items };
  const links = (payload.links ?? {}) as Record<string, unknown>;
  const page = paginate(items, q, String(links.self ?? ''));
  return {
    ...payload,
    [key]: page.items,
    links: { ...links, next: page.next },
    ...(page.truncated ? { truncated: true } : {}),
  };
}

/** Installs query schemas, Keystone's schema errors and its generic list handling on the identity context. */
export function installListQuery(app: FastifyInstance, prefix: string): void {
  app.addHook('onRoute', (route) => {
    route.attachValidation = true;
    if (route.schema?.querystring) return;
    const path = route.url.startsWith(prefix) ? route.url.slice(prefix.length) : route.url;
    const schema = QUERY_SCHEMAS[path];
    if (schema) route.schema = { ...route.schema, querystring: schema };
  });
  // Keystone reads the first value of a repeated parameter.
  app.addHook('preValidation', async (request) => {
    const q = request.query as Record<string, unknown> | undefined;
    if (!q) return;
    for (const [k, v] of Object.entries(q)) if (Array.isArray(v)) q[k] = v[0];
  });
  app.addHook('preHandler', async (request) => {
    const failure = request.validationError;
    if (failure) throw keystoneSchemaError(request, failure.validation, failure.validationContext ?? '');
  });
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    if (request.method !== 'GET' || reply.statusCode !== 200) return payload;
    if (payload === null || typeof payload !== 'object') return payload;
    const path = routePath(request, prefix);
    if (!QUERY_SCHEMAS[path]) return payload;
    return applyListQuery(path, request.query as Query, payload as Record<string, unknown>);
  });
}
