// What every Swift handler receives: the parsed path, the caller, the services, and small helpers for
// headers and the query string.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../../common/http/context.js';
import type { ObjectService } from '../../object-service.js';
import type { SwiftPath } from './swift-path.js';
import type { SwiftExtensions } from './extensions.js';

export interface SwiftContext {
  request: FastifyRequest;
  reply: FastifyReply;
  path: SwiftPath;
  query: Record<string, string | undefined>;
  /** Lower-case header name → first value. */
  headers: Record<string, string | undefined>;
  auth: AuthContext | undefined;
  objects: ObjectService;
  extensions: SwiftExtensions;
  now: Date;
}

export function flatHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  // Underscores become dashes, as in Swift's WSGI environ (see wsgiHeaderName).
  for (const [k, v] of Object.entries(raw))
    out[k.toLowerCase().replaceAll('_', '-')] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

export function truthy(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes', 'on', 't', 'y'].includes(value.toLowerCase());
}

/**
 * Sends a response with no body but the given status. Swift always names a Content-Type, even on a 204
 * (text/html for its plain replies, the listing's type on account and container HEADs), so the payload is
 * left undefined: Fastify drops Content-Type from a 204 that carries a payload, even an empty one.
 */
export function sendEmpty(
  ctx: SwiftContext,
  status: number,
  contentType = 'text/html; charset=UTF-8',
): FastifyReply {
  ctx.reply.header('content-type', contentType);
  return ctx.reply.status(status).send();
}
