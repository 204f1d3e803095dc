// os-hypervisors (cloud admin only): list, detail, show (UUID ids from 2.53, with_servers,
// hypervisor_hostname_pattern, limit/marker from 2.33) and the deprecated statistics.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { Hypervisor } from '../host-service.js';
import { hypervisorBrief, hypervisorDetail, hypervisorId, hypervisorStatistics } from './host-views.js';
import { atLeast, type Microversion } from './microversion.js';
import { type ComputeAdminRouteDeps, callerOf, limitOf, linkBase, queryOf, versionOf } from './route-deps.js';

function flag(raw: string | undefined, name: string): boolean {
  if (raw === undefined) return false;
  const value = raw.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(value)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(value)) return false;
  throw errors.badRequest(`Invalid input for query parameters ${name}. Value: ${raw}.`);
}

/** Pattern filtering and limit/marker paging of the hypervisor list, as Nova's index/detail. */
function page(all: Hypervisor[], v: Microversion, query: Record<string, string | undefined>) {
  const pattern = atLeast(v, 53) ? query.hypervisor_hostname_pattern : undefined;
  const limit = atLeast(v, 33) ? limitOf(query) : undefined;
  const marker = atLeast(v, 33) ? query.marker : undefined;
  if (pattern !== undefined) {
    if (limit !== undefined || marker !== undefined) {
      throw errors.badRequest(
        'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
      );
    }
    const matching = all.filter((h) => h.host.name.includes(pattern));
    if (matching.length === 0) throw errors.notFound('hypervisor matching', pattern);
    return { items: matching, limit };
  }
  let items = all;
  if (marker !== undefined) {
    const index = all.findIndex((h) => String(hypervisorId(h, v)) === marker);
    if (index < 0) throw errors.badRequest(`marker [${marker}] not found`);
    items = all.slice(index + 1);
  }
  return { items: limit === undefined ? items : items.slice(0, limit), limit };
}

export function registerHypervisorRoutes(app: FastifyInstance, deps: ComputeAdminRouteDeps): void {
  const { hosts } = deps;

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const v = versionOf(request);
    const auth = callerOf(request);
    const query = queryOf(request);
    const withServers = atLeast(v, 53) && flag(query.with_servers, 'with_servers');
    const { items, limit } = page(await hosts.hypervisors(auth), v, query);
    const body = await Promise.all(
      items.map(async (h) => {
        const servers = withServers ? await hosts.serversOn(h.host.name) : undefined;
        if (detail) return hypervisorDetail(h, v, servers);
        return {
          ...hypervisorBrief(h, v),
          ...(servers !== undefined && { servers: servers.map((s) => ({ name: s.name, uuid: s.id })) }),
        };
      }),
    );
    const last = items.at(-1);
    const base = `${linkBase(request, deps.publicUrl).root}/v2.1/os-hypervisors${detail ? '/detail' : ''}`;
    return {
      hypervisors: body,
      ...(limit !== undefined &&
        last !== undefined &&
        items.length === limit && {
          hypervisors_links: [
            { rel: 'next', href: `${base}?limit=${limit}&marker=${hypervisorId(last, v)}` },
          ],
        }),
    };
  };
  app.get('/v2.1/os-hypervisors', list(false));
  app.get('/v2.1/os-hypervisors/detail', list(true));

  app.get('/v2.1/os-hypervisors/statistics', async (request) => ({
    hypervisor_statistics: hypervisorStatistics(await hosts.hypervisors(callerOf(request))),
  }));

  app.get<{ Params: { id: string } }>('/v2.1/os-hypervisors/:id', async (request) => {
    const v = versionOf(request);
    const query = queryOf(request);
    const withServers = atLeast(v, 53) && flag(query.with_servers, 'with_servers');
    const h = await hosts.hypervisor(callerOf(request), request.params.id, atLeast(v, 53));
    const servers = withServers ? await hosts.serversOn(h.host.name) : undefined;
    return { hypervisor: hypervisorDetail(h, v, servers) };
  });
}
