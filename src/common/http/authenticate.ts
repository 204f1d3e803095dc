// The preHandler that turns X-Auth-Token into request.auth, for every route that needs a caller.
import type { FastifyRequest } from 'fastify';
import { errors } from '../errors/codes.js';
import type { TokenValidator } from './context.js';

export function authTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && value.length > 0 ? value : undefined;
}

/**
 * The onRequest hook of every token-protected API: routes whose config says `public: true` pass, all
 * others need a valid X-Auth-Token. It runs before the body is read or validated, so an anonymous
 * caller learns nothing from validation errors and cannot make us parse large bodies.
 */
export function authenticateUnlessPublic(validator: TokenValidator) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (request.routeOptions.config?.public) return;
    const token = authTokenOf(request);
    if (!token) throw errors.unauthorized();
    request.auth = await validator.validate(token);
  };
}
