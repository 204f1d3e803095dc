// /v2.0/quotas: list (admin), show, defaults, details, update (admin) and reset (admin). The update body
// is the quota attribute map: every known resource, an integer of at least -1 (unlimited).
import type { FastifyInstance } from 'fastify';
import { QUOTA_RESOURCES } from '../quota-service.js';
import type { NetworkServices } from '../services.js';
import { callerOf } from './request-util.js';
import { requesterOf } from './resource-routes.js';
import { rw, updateBodySchema, type ResourceSpec } from './validation/attribute-map.js';
import { kinds } from './validation/kinds.js';
import { prepareUpdateBody } from './validation/prepare-body.js';
import { prepareNoQuery } from './validation/prepare-query.js';

const limit = kinds.intRange(-1, 2 ** 31 - 1);

export const quotaSpec: ResourceSpec = {
  resource: 'quota',
  collection: 'quotas',
  allowBulk: false,
  attributes: Object.fromEntries(Object.keys(QUOTA_RESOURCES).map((name) => [name, rw(limit)])),
};

type P = { Params: { project: string } };

export function registerQuotaRoutes(app: FastifyInstance, { quotas }: NetworkServices): void {
  const noQuery = { preHandler: async (request: { query: unknown }) => prepareNoQuery(request.query) };
  app.get('/v2.0/quotas', noQuery, async (request) => ({ quotas: await quotas.list(callerOf(request)) }));
  app.get<P>('/v2.0/quotas/:project', noQuery, async (request) => ({
    quota: await quotas.show(callerOf(request), request.params.project.replace(/\.json$/, '')),
  }));
  app.get<P>('/v2.0/quotas/:project/default', noQuery, async (request) => ({
    quota: quotas.defaults(callerOf(request), request.params.project),
  }));
  const details = async (request: { params: { project: string } } & Parameters<typeof callerOf>[0]) => ({
    quota: await quotas.details(callerOf(request), request.params.project),
  });
  app.get<P>('/v2.0/quotas/:project/details.json', noQuery, details);
  app.get<P>('/v2.0/quotas/:project/details', noQuery, details);
  app.put<P>('/v2.0/quotas/:project', {
    config: { declaredBody: updateBodySchema(quotaSpec) },
    preHandler: async (request) => {
      prepareNoQuery(request.query);
      const changes = prepareUpdateBody(quotaSpec, request.body, requesterOf(callerOf(request)));
      request.neutron = { query: {}, items: [], bulk: false, changes };
    },
    handler: async (request) => ({
      quota: await quotas.update(
        callerOf(request),
        request.params.project,
        request.neutron?.changes as Record<string, number>,
      ),
    }),
  });
  app.delete<P>('/v2.0/quotas/:project', noQuery, async (request, reply) => {
    await quotas.reset(callerOf(request), request.params.project);
    return reply.status(204).send();
  });
}
