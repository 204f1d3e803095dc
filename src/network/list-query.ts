// Neutron's list semantics over already-authorized records: attribute filters (repeated keys mean OR),
// fixed_ips sub-filters, sort_key/sort_dir, limit/marker paging with a next link, and fields=.
import { errors } from '../common/errors/codes.js';
import type { Rec } from './network-store.js';

export type Query = Record<string, string | string[] | undefined>;

const CONTROL = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse']);
const MAX_LIMIT = 1000;

function values(q: Query, key: string): string[] {
  const v = q[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function matchesValue(actual: unknown, wanted: string): boolean {
  if (actual === null || actual === undefined) return wanted === '' || wanted.toLowerCase() === 'none';
  if (typeof actual === 'boolean') return String(actual) === wanted.toLowerCase();
  if (Array.isArray(actual)) return actual.some((a) => matchesValue(a, wanted));
  if (typeof actual === 'object') return false;
  return String(actual) === wanted;
}

function matchesFixedIps(rec: Rec, wanted: string[]): boolean {
  const ips = (rec.fixed_ips as { ip_address: string; subnet_id: string }[] | undefined) ?? [];
  return wanted.some((w) => {
    const [k, v] = w.split('=');
    if (v === undefined) return false;
    if (k === 'ip_address') return ips.some((i) => i.ip_address === v);
    if (k === 'subnet_id') return ips.some((i) => i.subnet_id === v);
    if (k === 'ip_address_substr') return ips.some((i) => i.ip_address.includes(v));
    return false;
  });
}

export function filterRecords(recs: Rec[], q: Query): Rec[] {
  const keys = Object.keys(q).filter((k) => !CONTROL.has(k) && values(q, k).length > 0);
  return recs.filter((rec) =>
    keys.every((key) => {
      const wanted = values(q, key);
      if (key === 'fixed_ips') return matchesFixedIps(rec, wanted);
      if (key === 'tenant_id' || key === 'project_id') return wanted.includes(rec.project_id);
      if (!(key in rec)) return true;
      return wanted.some((w) => matchesValue(rec[key], w));
    }),
  );
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

export function sortRecords(recs: Rec[], q: Query): Rec[] {
  const keys = values(q, 'sort_key');
  const dirs = values(q, 'sort_dir');
  if (keys.length === 0) return recs;
  const sorted = [...recs];
  sorted.sort((x, y) => {
    for (const [i, key] of keys.entries()) {
      const c = compare(x[key], y[key]);
      if (c !== 0) return dirs[i] === 'desc' ? -c : c;
    }
    return compare(x.id, y.id);
  });
  return sorted;
}

export function pickFields(rec: Rec, q: Query): Record<string, unknown> {
  const fields = values(q, 'fields');
  if (fields.length === 0) return rec;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in rec) out[f] = rec[f];
  return out;
}

export interface Page {
  items: Record<string, unknown>[];
  /** Query string of the next page, when this page is full. */
  nextQuery?: string;
}

/** Filters, sorts, pages and projects `recs` as Neutron does. */
export function applyListQuery(recs: Rec[], q: Query): Page {
  const sorted = sortRecords(filterRecords(recs, q), q);
  const limitText = values(q, 'limit')[0];
  const marker = values(q, 'marker')[0];
  let start = 0;
  if (marker) {
    const at = sorted.findIndex((r) => r.id === marker);
    if (at < 0) throw errors.notFound('marker', marker);
    start = at + 1;
  }
  let limit = MAX_LIMIT;
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText)) throw errors.badRequest(`Bad limit request: limit must be an integer`);
    limit = Math.min(Number(limitText) || MAX_LIMIT, MAX_LIMIT);
  }
  const page = sorted.slice(start, start + limit);
  const items = page.map((r) => pickFields(r, q));
  const last = page[page.length - 1];
  if (limitText === undefined || page.length < limit || !last || start + limit >= sorted.length)
    return { items };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (k === 'marker') continue;
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) params.append(k, one);
  }
  params.append('marker', last.id);
  return { items, nextQuery: params.toString() };
}
