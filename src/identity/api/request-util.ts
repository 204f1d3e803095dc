// Small helpers every identity route uses: the caller, the public base URL, and query-string parsing.
import type { FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { AuthContext } from '../../common/http/context.js';

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}

/** The identity endpoint's public URL as the client reached it (links in bodies point there). */
export function identityBase(request: FastifyRequest, publicUrl: string): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}/identity`;
  return `${request.protocol}://${request.host}/identity`;
}

export type Query = Record<string, string | undefined>;

export function queryOf(request: FastifyRequest): Query {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const out: Query = {};
  for (const [k, v] of Object.entries(q))
    out[k] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  return out;
}

/** Keystone booleans in query strings: true/false/1/0/yes/no/y/n/on/off; a bare key (?enabled) is true. */
export function queryBool(q: Query, key: string): boolean | undefined {
  const v = q[key];
  if (v === undefined) return undefined;
  const lower = v.toLowerCase();
  if (['', 'true', '1', 'yes', 'y', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'n', 'off'].includes(lower)) return false;
  throw errors.badRequest(`Invalid value for query parameter '${key}'.`);
}

export function queryList(q: Query, key: string): string[] | undefined {
  const v = q[key];
  return v === undefined ? undefined : v.split(',').filter((s) => s.length > 0);
}

/** Everything in a request body object except the listed keys: Keystone keeps them as extra attributes. */
export function extraOf(body: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!known.includes(k)) out[k] = v;
  if (JSON.stringify(out).length > 65_536) throw errors.badRequest('Extra attributes are too large.');
  return out;
}

/** Keystone's query_filter_is_true: present with any value but "0" (key-only parameters like ?effective). */
export function queryFlag(q: Query, key: string): boolean {
  return q[key] !== undefined && q[key] !== '0';
}
