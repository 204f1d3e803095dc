// os-quota-sets: show (the project's limits: overrides over the defaults), defaults, detail (with
// in_use), update (cloud admin; refuses limits below usage unless forced) and delete (back to defaults).
import type { FastifyInstance } from 'fastify';
import { parseQuotaUpdate } from '../quota-service.js';
import { quotaLimitsView } from './host-views.js';
import { type ComputeAdminRouteDeps, callerOf, versionOf, wrapped } from './route-deps.js';
import { QUOTA_UPDATE } from './schemas/misc-schemas.js';

type Params = { project: string };

export function registerQuotaRoutes(app: FastifyInstance, deps: ComputeAdminRouteDeps): void {
  const { quotas } = deps;

  app.get<{ Params: Params }>('/v2.1/os-quota-sets/:project', async (request) => {
    const limits = await quotas.show(callerOf(request), request.params.project);
    return { quota_set: { id: request.params.project, ...quotaLimitsView(limits, versionOf(request)) } };
  });

  app.get<{ Params: Params }>('/v2.1/os-quota-sets/:project/defaults', async (request) => ({
    quota_set: { id: request.params.project, ...quotaLimitsView(quotas.defaults(), versionOf(request)) },
  }));

  app.get<{ Params: Params }>('/v2.1/os-quota-sets/:project/detail', async (request) => {
    const rows = await quotas.detail(callerOf(request), request.params.project);
    const limits = Object.fromEntries(rows.map((r) => [r.resource, r.limit]));
    const inUse = new Map(rows.map((r) => [r.resource, r.inUse]));
    const view = quotaLimitsView(limits as Parameters<typeof quotaLimitsView>[0], versionOf(request));
    return {
      quota_set: {
        id: request.params.project,
        ...Object.fromEntries(
          Object.entries(view).map(([key, limit]) => [
            key,
            { limit, in_use: inUse.get(key as never) ?? 0, reserved: 0 },
          ]),
        ),
      },
    };
  });

  app.put<{ Params: Params }>(
    '/v2.1/os-quota-sets/:project',
    { config: { nova: { body: QUOTA_UPDATE } } },
    async (request) => {
      const v = versionOf(request);
      const change = parseQuotaUpdate(wrapped(request.body, 'quota_set'), v.minor);
      const limits = await quotas.update(callerOf(request), request.params.project, change);
      return { quota_set: quotaLimitsView(limits, v) };
    },
  );

  app.delete<{ Params: Params }>('/v2.1/os-quota-sets/:project', async (request, reply) => {
    await quotas.reset(callerOf(request), request.params.project);
    return reply.status(202).send();
  });
}
