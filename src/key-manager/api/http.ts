// What every key-manager route needs: the caller, the service's base URL for hrefs, the content-type
// rule of a route, the JSON body (Barbican's load_body: parse, strip whitespace), and paging values.
import type { FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { AuthContext } from '../../common/http/context.js';
import { kmErrors } from '../key-manager-errors.js';

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}

/** http://host/key-manager (no version), as Barbican's get_base_url_from_request. */
export function baseUrl(request: FastifyRequest, publicUrl: string): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}/key-manager`;
  return `${request.protocol}://${request.host}/key-manager`;
}

/** The media type of the request without parameters (webob's request.content_type). */
export function mediaType(request: FastifyRequest): string {
  const header = request.headers['content-type'] ?? '';
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

/** controllers.enforce_content_types. */
export function requireContentType(request: FastifyRequest, allowed: string[]): void {
  if (allowed.includes(mediaType(request))) return;
  const expected = `[${allowed.map((t) => `'${t}'`).join(', ')}]`;
  throw kmErrors.abort(415, `Unexpected content type. Expected content types are: ${expected}`);
}

/** Barbican trims every string value of a body, at any depth. */
function stripWhitespace(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map(stripWhitespace);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = stripWhitespace(v);
    return out;
  }
  return value;
}

/** api.load_body: the raw body (a Buffer from our parser) as JSON, or 400 "Malformed JSON". */
export function jsonBody(request: FastifyRequest): unknown {
  const raw = request.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  try {
    return stripWhitespace(JSON.parse(text));
  } catch {
    throw kmErrors.abort(400, 'Malformed JSON');
  }
}

/** The raw request body as bytes (empty when there is none). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

/** The last value of a query parameter (repeated parameters keep the last, as pecan does). */
export function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function pythonInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*[+-]?\d+\s*$/.test(text)) return undefined;
  return Number.parseInt(text.trim(), 10);
}

/** repositories.clean_paging_values: bad values fall back, limits are clamped to 1..100. */
export function paging(request: FastifyRequest): { offset: number; limit: number } {
  const offsetText = queryValue(request, 'offset');
  const limitText = queryValue(request, 'limit');
  const offset = Math.max(0, pythonInt(offsetText) ?? 0);
  // Python's `limit or default`: an absent or empty value means the default, "0" means 1.
  const limit = limitText ? (pythonInt(limitText) ?? DEFAULT_LIMIT) : DEFAULT_LIMIT;
  return {
    offset: Number.isSafeInteger(offset) ? offset : 0,
    limit: Math.min(MAX_LIMIT, Math.max(1, limit)),
  };
}

/** Refuses query parameters the operation does not know (Barbican ignores them; Nuage does not). */
export function allowQuery(request: FastifyRequest, known: string[]): void {
  for (const name of Object.keys(request.query as object)) {
    if (!known.includes(name)) throw kmErrors.abort(400, 'URI provided invalid query string parameters.');
  }
}
