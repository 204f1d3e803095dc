// Keystone version discovery: GET /identity (300, all versions) and GET /identity/v3 (the v3 document),
// in the shapes keystoneauth and gophercloud parse.
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './route-deps.js';
import { identityBase } from './request-util.js';

function v3Document(base: string) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${base}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

export function registerDiscoveryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const publicRoute = { config: { public: true } };
  app.get('/', publicRoute, async (request, reply) => {
    const base = identityBase(request, deps.publicUrl);
    return reply.status(300).send({ versions: { values: [v3Document(base)] } });
  });
  app.get('/v3', publicRoute, async (request) => ({
    version: v3Document(identityBase(request, deps.publicUrl)),
  }));
  app.get('/v3/', publicRoute, async (request) => ({
    version: v3Document(identityBase(request, deps.publicUrl)),
  }));
}
