// Request ids in OpenStack's form (req-<uuid>) and the x-openstack-request-id header on every response.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/** Adds the request id header to every response of the instance (call on the root instance). */
export function addRequestIdHeader(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-openstack-request-id', request.id);
  });
}
