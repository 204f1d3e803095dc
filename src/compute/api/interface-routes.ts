// GET /servers/{id}/os-interface and /servers/{id}/os-interface/{port_id}: the server's ports as Nova's
// interface attachments. Read-only (hot attach and detach of interfaces are not implemented); Tempest's
// SSH validation lists them to find the port to give a floating IP.
import type { FastifyInstance } from 'fastify';
import { computeErrors } from '../compute-errors.js';
import type { ServerPort } from '../model.js';
import { atLeast } from './microversion.js';
import { type ComputeRouteDeps, callerOf, versionOf } from './route-deps.js';
import { ANY_QUERY } from './schemas/parameter-types.js';

type Params = { id: string };

/**
 * A server's ports are bound to it (device_owner compute:<az>), which is what makes a Neutron port
 * ACTIVE here (src/network/port-status.ts), so every attachment reports ACTIVE. `tag` came in 2.70.
 */
function attachment(p: ServerPort, withTag: boolean) {
  return {
    port_state: 'ACTIVE',
    fixed_ips: p.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.address })),
    port_id: p.portId,
    net_id: p.networkId,
    mac_addr: p.macAddress,
    ...(withTag && { tag: null }),
  };
}

export function registerInterfaceRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const config = { config: { nova: { query: ANY_QUERY } } };

  app.get<{ Params: Params }>('/v2.1/servers/:id/os-interface', config, async (request) => {
    const server = await deps.servers.visible(callerOf(request), request.params.id);
    const withTag = atLeast(versionOf(request), 70);
    return { interfaceAttachments: server.ports.map((p) => attachment(p, withTag)) };
  });

  app.get<{ Params: Params & { portId: string } }>(
    '/v2.1/servers/:id/os-interface/:portId',
    config,
    async (request) => {
      const server = await deps.servers.visible(callerOf(request), request.params.id);
      const port = server.ports.find((p) => p.portId === request.params.portId);
      if (!port) throw computeErrors.notFound(`Port ${request.params.portId} could not be found.`);
      return { interfaceAttachment: attachment(port, atLeast(versionOf(request), 70)) };
    },
  );
}
