// The network API as one encapsulated Fastify plugin mounted at /network: Neutron's error format,
// token authentication on every route but version discovery, and the route families.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderNeutronError } from '../../common/errors/render-neutron.js';
import { errors } from '../../common/errors/codes.js';
import { authenticateUnlessPublic } from '../../common/http/authenticate.js';
import type { TokenValidator } from '../../common/http/context.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { autoAllocatedTopology } from '../bootstrap.js';
import type { NetworkServices } from '../services.js';
import { extensionList, hasExtension } from './extensions.js';
import { registerQuotaRoutes } from './quota-routes.js';
import { RESOURCES, registerResourceRoutes } from './resource-routes.js';
import { registerRouterActions } from './router-action-routes.js';
import { callerOf } from './request-util.js';
import { prepareNoQuery, prepareShowQuery } from './validation/prepare-query.js';

export interface NetworkApiDeps {
  services: NetworkServices;
  validator: TokenValidator;
  /** Empty when links should follow the Host the client used. */
  publicUrl: string;
  /** The data plane in use and what it does not enforce, shown by version discovery. */
  dataPlane: { driver: string; notEnforced: string[] };
}

export function baseUrl(request: FastifyRequest, publicUrl: string): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}/network`;
  return `${request.protocol}://${request.headers.host ?? 'localhost'}/network`;
}

const noQuery = { preHandler: async (request: FastifyRequest) => prepareNoQuery(request.query) };

function registerDiscovery(app: FastifyInstance, deps: NetworkApiDeps): void {
  // Neutron's version document holds only `versions`; what the data plane does not enforce rides in
  // the version entry itself, where clients ignore unknown keys.
  app.get('/', { config: { public: true }, ...noQuery }, async (request) => ({
    versions: [
      {
        id: 'v2.0',
        status: 'CURRENT',
        links: [{ href: `${baseUrl(request, deps.publicUrl)}/v2.0/`, rel: 'self' }],
        'nuage:data_plane': { driver: deps.dataPlane.driver, not_enforced: deps.dataPlane.notEnforced },
      },
    ],
  }));
  const resources = async (request: FastifyRequest) => ({
    resources: RESOURCES.map((r) => ({
      name: r.spec.resource,
      collection: r.spec.collection,
      links: [{ href: `${baseUrl(request, deps.publicUrl)}/v2.0/${r.path}`, rel: 'self' }],
    })),
  });
  app.get('/v2.0', { config: { public: true }, ...noQuery }, resources);
  app.get('/v2.0/', { config: { public: true }, ...noQuery }, resources);
  app.get('/v2.0/extensions', noQuery, async () => ({ extensions: extensionList() }));
  app.get<{ Params: { alias: string } }>('/v2.0/extensions/:alias', noQuery, async (request) => {
    const found = extensionList().find((e) => e.alias === request.params.alias);
    if (!found || !hasExtension(request.params.alias))
      throw errors.notFound('extension', request.params.alias);
    return { extension: found };
  });
}

function registerAutoAllocation(app: FastifyInstance, deps: NetworkApiDeps): void {
  app.get<{ Params: { project: string }; Querystring: { fields?: string | string[] } }>(
    '/v2.0/auto-allocated-topology/:project',
    { preHandler: async (request) => void prepareShowQuery(request.query) },
    async (request) => {
      const fields = request.query.fields;
      const dryRun = (Array.isArray(fields) ? fields : [fields]).includes('dry-run');
      return {
        auto_allocated_topology: await autoAllocatedTopology(
          deps.services,
          callerOf(request),
          request.params.project,
          dryRun,
        ),
      };
    },
  );
  app.delete<{ Params: { project: string } }>(
    '/v2.0/auto-allocated-topology/:project',
    noQuery,
    async (request, reply) => {
      const auth = callerOf(request);
      const topo = await autoAllocatedTopology(deps.services, auth, request.params.project, true);
      if (topo.id !== 'dry-run=pass') {
        const { routers, subnets, networks } = deps.services;
        for (const r of (await routers.list(auth)).filter(
          (x) => x.name === 'auto_allocated_router' && x.project_id === request.params.project,
        )) {
          for (const s of (await subnets.list(auth)).filter((x) => x.network_id === topo.id))
            await routers.removeInterface(auth, r.id, { subnet_id: s.id }).catch(() => undefined);
          await routers.remove(auth, r.id);
        }
        await networks.remove(auth, topo.id);
      }
      return reply.status(204).send();
    },
  );
}

export function networkPlugin(deps: NetworkApiDeps) {
  return async function network(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderNeutronError(err, message));
    app.addHook('onRequest', authenticateUnlessPublic(deps.validator));
    registerDiscovery(app, deps);
    registerResourceRoutes(app, deps.services);
    registerRouterActions(app, deps.services);
    registerQuotaRoutes(app, deps.services);
    registerAutoAllocation(app, deps);
  };
}
