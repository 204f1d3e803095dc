// Small helpers shared by the network routes: the caller.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../common/http/context.js';
import { errors } from '../../common/errors/codes.js';

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}
