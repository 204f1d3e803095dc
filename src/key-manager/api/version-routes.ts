// Version discovery, public as Barbican's root app: GET /key-manager answers 300 with the versions (the
// microversion 1.0 form keystoneauth discovers), GET /key-manager/v1 the v1 document.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrl } from './http.js';

export const MEDIA_TYPE = 'application/vnd.openstack.key-manager-v1+json';

function v1(request: FastifyRequest, publicUrl: string) {
  return {
    id: 'v1',
    status: 'stable',
    links: [
      { rel: 'self', href: `${baseUrl(request, publicUrl)}/v1/` },
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
    ],
    'media-types': [{ base: 'application/json', type: MEDIA_TYPE }],
  };
}

export function registerVersionRoutes(app: FastifyInstance, publicUrl: string): void {
  // Under a prefix, '/' answers both /key-manager and /key-manager/.
  app.get('/', { config: { public: true, operation: 'Version retrieval' } }, async (request, reply) =>
    reply.status(300).send({ versions: { values: [v1(request, publicUrl)] } }),
  );
  for (const url of ['/v1', '/v1/']) {
    app.get(url, { config: { public: true, operation: 'Version retrieval' } }, async (request) => ({
      version: v1(request, publicUrl),
    }));
  }
}
