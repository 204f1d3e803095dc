// /v2.0/quotas: list (admin), show, defaults, details, update (admin) and reset (admin).
import type { FastifyInstance } from 'fastify';
import type { NetworkServices } from '../services.js';
import { bodyObject, callerOf } from './request-util.js';

export function registerQuotaRoutes(app: FastifyInstance, { quotas }: NetworkServices): void {
  app.get('/v2.0/quotas', async (request) => ({ quotas: await quotas.list(callerOf(request)) }));
  app.get<{ Params: { project: string } }>('/v2.0/quotas/:project', async (request) => ({
    quota: await quotas.show(callerOf(request), request.params.project.replace(/\.json$/, '')),
  }));
  app.get<{ Params: { project: string } }>('/v2.0/quotas/:project/default', async (request) => ({
    quota: quotas.defaults(callerOf(request), request.params.project),
  }));
  const details = async (request: { params: { project: string } } & Parameters<typeof callerOf>[0]) => ({
    quota: await quotas.details(callerOf(request), request.params.project),
  });
  app.get<{ Params: { project: string } }>('/v2.0/quotas/:project/details.json', details);
  app.get<{ Params: { project: string } }>('/v2.0/quotas/:project/details', details);
  app.put<{ Params: { project: string } }>('/v2.0/quotas/:project', async (request) => ({
    quota: await quotas.update(callerOf(request), request.params.project, bodyObject(request.body, 'quota')),
  }));
  app.delete<{ Params: { project: string } }>('/v2.0/quotas/:project', async (request, reply) => {
    await quotas.reset(callerOf(request), request.params.project);
    return reply.status(204).send();
  });
}
