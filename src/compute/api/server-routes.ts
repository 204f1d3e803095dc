// Server routes: create (202, the worker boots it), list (brief/detail), show, update, delete. Bodies
// and query strings are validated by the plugin against schemas/server-schemas.ts before the handlers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isAdmin } from '../compute-policy.js';
import { generatePassword } from '../injection.js';
import { atLeast } from './microversion.js';
import { type ComputeRouteDeps, callerOf, linkBase, versionOf } from './route-deps.js';
import { serverCreateInput } from './server-create-input.js';
import { serverListOptions, serversLinks } from './server-list-params.js';
import { isTrue, ANY_QUERY } from './schemas/parameter-types.js';
import {
  SERVER_CREATE,
  SERVER_LIST_QUERY,
  SERVER_UPDATE,
  type ServerCreateBody,
  type ServerUpdateBody,
} from './schemas/server-schemas.js';
import { securityGroupNames, serverBrief, serverDetail } from './views.js';
import { canonicalIpv6 } from './validation/nova-formats.js';

type Params = { id: string };

/** POST /servers: 202 with the new server's id, links and admin password (the worker boots it). */
function registerServerCreate(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { servers } = deps;

  app.post('/v2.1/servers', { config: { nova: { body: SERVER_CREATE } } }, async (request, reply) => {
    const v = versionOf(request);
    const body = request.body as ServerCreateBody;
    const input = serverCreateInput(body, v);
    // Nova uses the given password or generates one, and returns it unless enable_instance_password is off.
    const adminPass = input.adminPass ?? generatePassword();
    const server = await servers.create(callerOf(request), { ...input, adminPass }, request.id);
    if (isTrue(body.server.return_reservation_id)) {
      return reply.status(202).send({ reservation_id: server.reservationId });
    }
    const { links } = serverBrief(server, linkBase(request, deps.publicUrl));
    return reply
      .status(202)
      .header('location', links[0]?.href)
      .send({
        server: {
          id: server.id,
          links,
          'OS-DCF:diskConfig': server.autoDiskConfig ? 'AUTO' : 'MANUAL',
          security_groups: securityGroupNames(server),
          ...(deps.enableInstancePassword !== false && { adminPass }),
        },
      });
  });
}

export function registerServerRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { servers } = deps;

  registerServerCreate(app, deps);

  const floatingOf = async (list: { ports: { portId: string }[] }[]) =>
    deps.floatingIps?.(list.flatMap((s) => s.ports.map((p) => p.portId))) ?? new Map<string, string[]>();

  type Listed = Parameters<NonNullable<ComputeRouteDeps['volumes']>['volumesOf']>[0];
  const volumesOf = async (list: Listed) => (await deps.volumes?.volumesOf(list)) ?? new Map();

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const auth = callerOf(request);
    const listOptions = serverListOptions(request, auth);
    const found = await servers.list(auth, listOptions);
    const v = versionOf(request);
    const base = linkBase(request, deps.publicUrl);
    const options = {
      admin: isAdmin(auth),
      single: false,
      ...(detail && { floatingIps: await floatingOf(found), volumes: await volumesOf(found) }),
    };
    const links = serversLinks(
      request,
      `${base.root}/v2.1/servers${detail ? '/detail' : ''}`,
      found,
      listOptions.limit,
    );
    return {
      servers: found.map((s) => (detail ? serverDetail(s, v, base, options) : serverBrief(s, base))),
      ...(links !== undefined && { servers_links: links }),
    };
  };
  const listConfig = { config: { nova: { query: SERVER_LIST_QUERY } } };
  app.get('/v2.1/servers', listConfig, list(false));
  app.get('/v2.1/servers/detail', listConfig, list(true));

  app.get<{ Params: Params }>(
    '/v2.1/servers/:id',
    { config: { nova: { query: ANY_QUERY } } },
    async (request) => {
      const auth = callerOf(request);
      const server = await servers.visible(auth, request.params.id);
      const base = linkBase(request, deps.publicUrl);
      const options = {
        admin: isAdmin(auth),
        single: true,
        floatingIps: await floatingOf([server]),
        volumes: await volumesOf([server]),
      };
      return { server: serverDetail(server, versionOf(request), base, options) };
    },
  );

  app.put<{ Params: Params }>(
    '/v2.1/servers/:id',
    { config: { nova: { body: SERVER_UPDATE } } },
    async (request) => {
      const auth = callerOf(request);
      const v = versionOf(request);
      const s = (request.body as ServerUpdateBody).server;
      const server = await servers.update(auth, request.params.id, {
        ...(s.name !== undefined && { name: s.name }),
        ...(atLeast(v, 19) && 'description' in s && { description: s.description ?? null }),
        ...(s.accessIPv4 !== undefined && { accessIpv4: s.accessIPv4 }),
        ...(s.accessIPv6 !== undefined && { accessIpv6: canonicalIpv6(s.accessIPv6) }),
        ...(s['OS-DCF:diskConfig'] !== undefined && { autoDiskConfig: s['OS-DCF:diskConfig'] === 'AUTO' }),
      });
      const full = atLeast(v, 75);
      return {
        server: serverDetail(server, v, linkBase(request, deps.publicUrl), {
          admin: isAdmin(auth),
          single: true,
          reduced: 'update',
          floatingIps: await floatingOf([server]),
          ...(full && { volumes: await volumesOf([server]) }),
        }),
      };
    },
  );

  app.delete<{ Params: Params }>('/v2.1/servers/:id', async (request, reply) => {
    await servers.remove(callerOf(request), request.params.id, request.id);
    return reply.status(204).send();
  });
}
