// GET /compute/v2.1/os-simple-tenant-usage and /os-simple-tenant-usage/{tenant_id}, as Nova answers
// them: start/end/detailed, limit/marker and the *_links from 2.40, unknown query parameters refused
// from 2.75 (ignored before).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { atLeast, type Microversion } from '../../compute/api/microversion.js';
import type { ServerUsage } from '../tenant-usage.js';
import type { TenantUsageQuery, TenantUsageService } from '../tenant-usage-service.js';

/** Nova's CONF.api.max_limit. */
const MAX_LIMIT = 1000;

const QueryValue = Type.Optional(
  Type.Union([
    Type.String({ maxLength: 255 }),
    Type.Array(Type.String({ maxLength: 255 }), { maxItems: 20 }),
  ]),
);
const UsageQuery = Type.Object(
  { start: QueryValue, end: QueryValue, detailed: QueryValue, limit: QueryValue, marker: QueryValue },
  { additionalProperties: true },
);

type RawQuery = Record<string, string | string[] | undefined>;

/** The first value of a repeated parameter (Nova reads parse_qs(...)[0]). */
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function parseQuery(raw: RawQuery, v: Microversion, known: readonly string[]): TenantUsageQuery {
  const paging = atLeast(v, 40);
  const allowed = paging ? [...known, 'limit', 'marker'] : known;
  if (atLeast(v, 75)) {
    const extra = Object.keys(raw).filter((key) => !allowed.includes(key));
    if (extra.length > 0) {
      throw errors.badRequest(
        `Invalid input for query parameters ${extra.join(', ')}. Additional properties are not allowed.`,
      );
    }
  }
  let limit = MAX_LIMIT;
  const rawLimit = paging ? first(raw.limit) : undefined;
  if (rawLimit !== undefined) {
    if (!/^\d+$/.test(rawLimit)) {
      throw errors.badRequest(`Invalid input for query parameters limit. Value: ${rawLimit}.`);
    }
    limit = Math.min(Number(rawLimit), MAX_LIMIT);
  }
  const marker = paging ? first(raw.marker) : undefined;
  return {
    start: first(raw.start),
    end: first(raw.end),
    detailed: first(raw.detailed) === '1',
    limit,
    ...(marker !== undefined && { marker }),
  };
}

/** Nova's *_links: a next link when the page of servers is full, with the request's other parameters. */
function nextLinks(request: FastifyRequest, href: string, servers: ServerUsage[], limit: number) {
  const last = servers.at(-1);
  if (last === undefined || limit === 0 || servers.length !== limit) return undefined;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query as RawQuery)) {
    if (key === 'marker' || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  params.set('marker', last.instance_id);
  return [{ rel: 'next', href: `${href}?${params.toString()}` }];
}

export interface TenantUsageRouteDeps {
  usages: TenantUsageService;
  /** The compute endpoint's base (…/compute/v2.1), for links. */
  baseUrl(request: FastifyRequest): string;
  versionOf(request: FastifyRequest): Microversion;
}

export function registerTenantUsageRoutes(app: FastifyInstance, deps: TenantUsageRouteDeps): void {
  const callerOf = (request: FastifyRequest) => {
    if (!request.auth) throw errors.unauthorized();
    return request.auth;
  };

  app.get('/os-simple-tenant-usage', { schema: { querystring: UsageQuery } }, async (request) => {
    const v = deps.versionOf(request);
    const query = parseQuery(request.query as RawQuery, v, ['start', 'end', 'detailed']);
    const { usages, servers } = await deps.usages.list(callerOf(request), query);
    const links = atLeast(v, 40)
      ? nextLinks(request, `${deps.baseUrl(request)}/os-simple-tenant-usage`, servers, query.limit)
      : undefined;
    return { tenant_usages: usages, ...(links && { tenant_usages_links: links }) };
  });

  app.get<{ Params: { tenant_id: string } }>(
    '/os-simple-tenant-usage/:tenant_id',
    { schema: { querystring: UsageQuery } },
    async (request) => {
      const tenantId = request.params.tenant_id;
      if (tenantId === '') throw errors.routeNotFound(request.method, request.url);
      const v = deps.versionOf(request);
      const query = parseQuery(request.query as RawQuery, v, ['start', 'end']);
      const { usages, servers } = await deps.usages.show(callerOf(request), tenantId, query);
      const href = `${deps.baseUrl(request)}/os-simple-tenant-usage/${encodeURIComponent(tenantId)}`;
      const links = atLeast(v, 40) ? nextLinks(request, href, servers, query.limit) : undefined;
      return { tenant_usage: usages[0] ?? {}, ...(links && { tenant_usage_links: links }) };
    },
  );
}
