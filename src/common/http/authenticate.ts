// The preHandler that turns X-Auth-Token into request.auth, for every route that needs a caller.
import type { FastifyRequest } from 'fastify';
import { errors } from '../errors/codes.js';
import type { TokenValidator } from './context.js';

export function authTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && value.length > 0 ? value : undefined;
}

/** Returns a hook that requires a valid token. */
export function requireAuth(validator: TokenValidator) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const token = authTokenOf(request);
    if (!token) throw errors.unauthorized();
    request.auth = await validator.validate(token);
  };
}
