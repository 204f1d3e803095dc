// Version discovery in Glance's shape (GET /image answers 300 Multiple Choices, /image/versions 200),
// the published schemas, and the /v2/info documents: import methods, stores and quota usage.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf, imageBase, type ImageRouteDeps } from './route-deps.js';
import { imageSchema, imagesSchema, memberSchema, membersSchema } from './json-schemas.js';

const VERSIONS = [
  '2.16',
  '2.15',
  '2.14',
  '2.13',
  '2.12',
  '2.11',
  '2.10',
  '2.9',
  '2.8',
  '2.7',
  '2.6',
  '2.5',
  '2.4',
  '2.3',
  '2.2',
  '2.1',
  '2.0',
];

function versions(request: FastifyRequest, publicUrl: string) {
  const href = `${imageBase(request, publicUrl)}/v2/`;
  return {
    versions: VERSIONS.map((v, n) => ({
      id: `v${v}`,
      status: n === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href }],
    })),
  };
}

export function registerDiscoveryRoutes(app: FastifyInstance, deps: ImageRouteDeps): void {
  const open = { config: { public: true } };
  app.get('/', open, async (request, reply) => reply.status(300).send(versions(request, deps.publicUrl)));
  app.get('/versions', open, async (request) => versions(request, deps.publicUrl));
  app.get('/v2/schemas/image', async () => imageSchema());
  app.get('/v2/schemas/images', async () => imagesSchema());
  app.get('/v2/schemas/member', async () => memberSchema());
  app.get('/v2/schemas/members', async () => membersSchema());
  app.get('/v2/info/import', async () => ({
    'import-methods': {
      description: 'Import methods available.',
      type: 'array',
      value: ['glance-direct'],
    },
  }));
  app.get('/v2/info/stores', async () => ({
    stores: [{ id: 'object-store', description: "Image data in the owner's object storage.", default: true }],
  }));
  app.get('/v2/info/usage', async (request) => ({ usage: await deps.usage(callerOf(request)) }));
}
