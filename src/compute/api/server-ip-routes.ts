// GET /servers/{id}/ips (every network's addresses) and /servers/{id}/ips/{network} (one network's),
// as Nova's ips API shows them: version and address only, fixed then floating.
import type { FastifyInstance } from 'fastify';
import { computeErrors } from '../compute-errors.js';
import { type ComputeRouteDeps, callerOf } from './route-deps.js';
import { ANY_QUERY } from './schemas/parameter-types.js';
import { addresses } from './views.js';

type Params = { id: string };

export function registerServerIpRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const addressesOf = async (auth: ReturnType<typeof callerOf>, id: string) => {
    const server = await deps.servers.visible(auth, id);
    const floating = await deps.floatingIps?.(server.ports.map((p) => p.portId));
    return addresses(server, floating, false);
  };
  const config = { config: { nova: { query: ANY_QUERY } } };

  app.get<{ Params: Params }>('/v2.1/servers/:id/ips', config, async (request) => ({
    addresses: await addressesOf(callerOf(request), request.params.id),
  }));

  app.get<{ Params: Params & { network: string } }>(
    '/v2.1/servers/:id/ips/:network',
    config,
    async (request) => {
      const all = await addressesOf(callerOf(request), request.params.id);
      const one = all[request.params.network];
      if (one === undefined) throw computeErrors.notFound('Instance is not a member of specified network');
      return { [request.params.network]: one };
    },
  );
}
