// Small helpers shared by the network routes: the caller, and the body's resource object.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../common/http/context.js';
import { errors } from '../../common/errors/codes.js';

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}

/** The object under `key` in a JSON body, or a Neutron 400. */
export function bodyObject(body: unknown, key: string): Record<string, unknown> {
  const inner = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner))
    throw errors.badRequest(`Resource body required: the request body must hold an object '${key}'.`, {
      internalContext: { neutronType: 'BadRequest' },
    });
  return inner as Record<string, unknown>;
}
