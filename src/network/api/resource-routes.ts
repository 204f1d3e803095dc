// The CRUD routes of every Neutron resource family (one table below drives them all). Each route checks
// its body or query against the family's attribute map (TypeBox schemas, Neutron's messages) in a
// preHandler, so handlers only see valid, converted input. Bulk creates are all-or-nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../common/http/context.js';
import { isCloudAdmin } from '../../identity/policy.js';
import { applyListQuery, pickFields, type Query } from '../list-query.js';
import type { Rec } from '../network-store.js';
import type { NetworkServices } from '../services.js';
import { callerOf } from './request-util.js';
import { networkSpec, portSpec, subnetPoolSpec, subnetSpec } from './specs/l2.js';
import { floatingIpSpec, routerSpec, securityGroupRuleSpec, securityGroupSpec } from './specs/l3.js';
import { createBodySchema, updateBodySchema, type ResourceSpec } from './validation/attribute-map.js';
import {
  prepareCreateBody,
  prepareUpdateBody,
  type Item,
  type Requester,
} from './validation/prepare-body.js';
import { prepareListQuery, prepareNoQuery, prepareShowQuery } from './validation/prepare-query.js';
import { view } from './views.js';

export interface Crud {
  create(auth: AuthContext, body: Item): Promise<Rec>;
  list(auth: AuthContext): Promise<Rec[]>;
  get(auth: AuthContext, id: string): Promise<Rec>;
  update(auth: AuthContext, id: string, body: Item): Promise<Rec>;
  remove(auth: AuthContext, id: string): Promise<void>;
}

export interface ResourceFamily {
  spec: ResourceSpec;
  path: string;
  service: (s: NetworkServices) => Crud;
  /** Query keys that filter although they are no attribute (ports: the router a port belongs to). */
  extraFilters?: string[];
}

export const RESOURCES: ResourceFamily[] = [
  { spec: networkSpec, path: 'networks', service: (s) => s.networks },
  { spec: subnetSpec, path: 'subnets', service: (s) => s.subnets },
  { spec: subnetPoolSpec, path: 'subnetpools', service: (s) => s.subnetPools },
  { spec: portSpec, path: 'ports', service: (s) => s.ports },
  { spec: securityGroupSpec, path: 'security-groups', service: (s) => s.securityGroups },
  {
    spec: securityGroupRuleSpec,
    path: 'security-group-rules',
    service: (s) => ({
      create: s.securityGroups.createRule,
      list: s.securityGroups.listRules,
      get: s.securityGroups.getRule,
      update: s.securityGroups.updateRule,
      remove: s.securityGroups.removeRule,
    }),
  },
  { spec: routerSpec, path: 'routers', service: (s) => s.routers },
  { spec: floatingIpSpec, path: 'floatingips', service: (s) => s.floatingIps },
];

export function requesterOf(auth: AuthContext): Requester {
  return {
    projectId: auth.scope.kind === 'project' ? auth.scope.projectId : undefined,
    mayActForOthers: isCloudAdmin(auth),
  };
}

function nextLink(request: FastifyRequest, query: string | undefined) {
  if (!query) return undefined;
  const path = request.url.split('?')[0] ?? '';
  return [
    { rel: 'next', href: `${request.protocol}://${request.headers.host ?? 'localhost'}${path}?${query}` },
  ];
}

/** Creates every item or none: on a failure the ones already made are deleted again (Neutron's emulated bulk). */
async function createAll(svc: Crud, auth: AuthContext, items: Item[]): Promise<Rec[]> {
  const made: Rec[] = [];
  try {
    for (const item of items) made.push(await svc.create(auth, item));
  } catch (err) {
    for (const rec of made.reverse()) await svc.remove(auth, rec.id).catch(() => undefined);
    throw err;
  }
  return made;
}

interface Parsed {
  query: Query;
  items: Item[];
  bulk: boolean;
  changes: Item;
}

declare module 'fastify' {
  interface FastifyRequest {
    neutron: Parsed | undefined;
  }
}

function registerFamily(app: FastifyInstance, family: ResourceFamily, services: NetworkServices): void {
  const { spec } = family;
  const svc = family.service(services);
  const base = `/v2.0/${family.path}`;
  const parsed = (request: FastifyRequest) => request.neutron as Parsed;
  const set = (request: FastifyRequest, p: Partial<Parsed>) => {
    request.neutron = { query: {}, items: [], bulk: false, changes: {}, ...p };
  };
  const out = (auth: AuthContext, rec: Rec) => view(rec, auth, spec);

  app.get(base, {
    preHandler: async (request) =>
      set(request, { query: prepareListQuery(spec, request.query, family.extraFilters) }),
    handler: async (request) => {
      const auth = callerOf(request);
      const page = applyListQuery(
        (await svc.list(auth)).map((r) => out(auth, r)),
        parsed(request).query,
      );
      const links = nextLink(request, page.nextQuery);
      return { [spec.collection]: page.items, ...(links ? { [`${spec.collection}_links`]: links } : {}) };
    },
  });
  app.post(base, {
    config: { declaredBody: createBodySchema(spec) },
    preHandler: async (request) =>
      set(request, prepareCreateBody(spec, request.body, requesterOf(callerOf(request)))),
    handler: async (request, reply) => {
      const auth = callerOf(request);
      const { items, bulk } = parsed(request);
      if (bulk) {
        const made = await createAll(svc, auth, items);
        return reply.status(201).send({ [spec.collection]: made.map((r) => out(auth, r)) });
      }
      const rec = await svc.create(auth, items[0] as Item);
      return reply.status(201).send({ [spec.resource]: out(auth, rec) });
    },
  });
  app.get<{ Params: { id: string } }>(`${base}/:id`, {
    preHandler: async (request) => set(request, { query: prepareShowQuery(request.query) }),
    handler: async (request) => {
      const auth = callerOf(request);
      const rec = await svc.get(auth, request.params.id);
      return { [spec.resource]: pickFields(out(auth, rec), parsed(request).query) };
    },
  });
  app.put<{ Params: { id: string } }>(`${base}/:id`, {
    config: { declaredBody: updateBodySchema(spec) },
    preHandler: async (request) =>
      set(request, { changes: prepareUpdateBody(spec, request.body, requesterOf(callerOf(request))) }),
    handler: async (request) => {
      const auth = callerOf(request);
      const rec = await svc.update(auth, request.params.id, parsed(request).changes);
      return { [spec.resource]: out(auth, rec) };
    },
  });
  app.delete<{ Params: { id: string } }>(`${base}/:id`, {
    preHandler: async (request) => prepareNoQuery(request.query),
    handler: async (request, reply) => {
      await svc.remove(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  });
}

export function registerResourceRoutes(app: FastifyInstance, services: NetworkServices): void {
  app.decorateRequest('neutron', undefined);
  for (const family of RESOURCES) registerFamily(app, family, services);
}
