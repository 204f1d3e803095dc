// The CRUD routes of every Neutron resource family (one table below drives them all) and the router
// interface actions. Lists apply Neutron's filters, sorting, paging and fields.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../common/http/context.js';
import { applyListQuery, pickFields, type Query } from '../list-query.js';
import type { Rec } from '../network-store.js';
import type { NetworkServices } from '../services.js';
import { bodyObject, callerOf } from './request-util.js';
import { view } from './views.js';

interface Crud {
  create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec>;
  list(auth: AuthContext): Promise<Rec[]>;
  get(auth: AuthContext, id: string): Promise<Rec>;
  update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec>;
  remove(auth: AuthContext, id: string): Promise<void>;
}

export interface ResourceFamily {
  singular: string;
  plural: string;
  path: string;
  service: (s: NetworkServices) => Crud;
}

export const RESOURCES: ResourceFamily[] = [
  { singular: 'network', plural: 'networks', path: 'networks', service: (s) => s.networks },
  { singular: 'subnet', plural: 'subnets', path: 'subnets', service: (s) => s.subnets },
  { singular: 'port', plural: 'ports', path: 'ports', service: (s) => s.ports },
  {
    singular: 'security_group',
    plural: 'security_groups',
    path: 'security-groups',
    service: (s) => s.securityGroups,
  },
  {
    singular: 'security_group_rule',
    plural: 'security_group_rules',
    path: 'security-group-rules',
    service: (s) => ({
      create: s.securityGroups.createRule,
      list: s.securityGroups.listRules,
      get: s.securityGroups.getRule,
      update: async (auth, id) => s.securityGroups.getRule(auth, id),
      remove: s.securityGroups.removeRule,
    }),
  },
  { singular: 'router', plural: 'routers', path: 'routers', service: (s) => s.routers },
  { singular: 'floatingip', plural: 'floatingips', path: 'floatingips', service: (s) => s.floatingIps },
];

const MAX_BULK = 100;

function nextLink(request: FastifyRequest, query: string | undefined) {
  if (!query) return undefined;
  const path = request.url.split('?')[0] ?? '';
  return [
    { rel: 'next', href: `${request.protocol}://${request.headers.host ?? 'localhost'}${path}?${query}` },
  ];
}

function registerFamily(app: FastifyInstance, family: ResourceFamily, services: NetworkServices): void {
  const svc = family.service(services);
  const base = `/v2.0/${family.path}`;
  app.get(base, async (request) => {
    const query = request.query as Query;
    const page = applyListQuery((await svc.list(callerOf(request))).map(view), query);
    const links = nextLink(request, page.nextQuery);
    return { [family.plural]: page.items, ...(links ? { [`${family.plural}_links`]: links } : {}) };
  });
  app.post(base, async (request, reply) => {
    const auth = callerOf(request);
    const body = request.body as Record<string, unknown> | undefined;
    const bulk = body?.[family.plural];
    if (Array.isArray(bulk)) {
      const made: Rec[] = [];
      for (const one of bulk.slice(0, MAX_BULK))
        made.push(await svc.create(auth, bodyObject({ x: one }, 'x')));
      return reply.status(201).send({ [family.plural]: made.map(view) });
    }
    const rec = await svc.create(auth, bodyObject(body, family.singular));
    return reply.status(201).send({ [family.singular]: view(rec) });
  });
  app.get<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
    const rec = await svc.get(callerOf(request), request.params.id);
    return { [family.singular]: pickFields(view(rec), request.query as Query) };
  });
  app.put<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
    const rec = await svc.update(
      callerOf(request),
      request.params.id,
      bodyObject(request.body, family.singular),
    );
    return { [family.singular]: view(rec) };
  });
  app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request, reply) => {
    await svc.remove(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
}

export function registerResourceRoutes(
  app: FastifyInstance,
  services: NetworkServices,
  _publicUrl: string,
): void {
  for (const family of RESOURCES) registerFamily(app, family, services);
}

export function registerRouterActions(app: FastifyInstance, services: NetworkServices): void {
  app.put<{ Params: { id: string } }>('/v2.0/routers/:id/add_router_interface', async (request) =>
    services.routers.addInterface(
      callerOf(request),
      request.params.id,
      (request.body ?? {}) as Record<string, unknown>,
    ),
  );
  app.put<{ Params: { id: string } }>('/v2.0/routers/:id/remove_router_interface', async (request) =>
    services.routers.removeInterface(
      callerOf(request),
      request.params.id,
      (request.body ?? {}) as Record<string, unknown>,
    ),
  );
}
