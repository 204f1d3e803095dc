// CloudKitty's API (catalog type `rating`, mounted at /rating): v1's report summary, rated dataframes
// and the hashmap module's services, fields and mappings, over Nuage's usage records and rate(), as
// python-cloudkittyclient (`openstack rating …`) calls them. Errors in WSME's shape:
// {"faultcode": "Client", "faultstring": "...", "debuginfo": null}.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiError } from '../../common/errors/api-error.js';
import { errors } from '../../common/errors/codes.js';
import { authTokenOf } from '../../common/http/authenticate.js';
import type { TokenValidator } from '../../common/http/context.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { Dec, toMinorUnit } from '../money.js';
import type { RatedPeriod, RatingQuery, RatingService } from '../rating-service.js';
import { authOf, registerHashmapRoutes } from './hashmap-routes.js';

export interface RatingPluginDeps {
  rating: RatingService;
  validator: TokenValidator;
}

export function renderCloudkittyError(err: ApiError, message: string): { body: unknown } {
  return {
    body: { faultcode: err.status >= 500 ? 'Server' : 'Client', faultstring: message, debuginfo: null },
  };
}

const Text = Type.Optional(Type.String({ maxLength: 255 }));
const ReportQuery = Type.Object(
  {
    begin: Text,
    end: Text,
    tenant_id: Text,
    service: Text,
    resource_type: Text,
    groupby: Text,
    all_tenants: Text,
  },
  { additionalProperties: true },
);
type ReportQueryType = Record<string, string | undefined>;

function time(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  // CloudKitty takes ISO 8601; a time without a zone is UTC.
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw errors.badRequest(`Invalid ${name} timestamp: ${value.slice(0, 64)}`);
  return at;
}

function ratingQuery(q: ReportQueryType, typeKey: 'service' | 'resource_type'): RatingQuery {
  return {
    begin: time(q.begin, 'begin'),
    end: time(q.end, 'end'),
    tenantId: q.tenant_id || undefined,
    allTenants: ['true', '1', 'yes'].includes((q.all_tenants ?? '').toLowerCase()),
    resourceType: q[typeKey] || undefined,
  };
}

/** v1 summary rows: one per (tenant, resource type) asked for in groupby, else one total row. */
function summaryOf(rated: RatedPeriod, groupby: string[], tenantId: string | undefined) {
  const byTenant = groupby.includes('tenant_id');
  const byType = groupby.includes('res_type');
  const rows = new Map<string, { tenant_id: string; res_type: string; rate: Dec }>();
  for (const line of rated.lines) {
    const tenant = byTenant ? line.projectId : (tenantId ?? 'ALL');
    const type = byType ? line.resourceType : 'ALL';
    const key = `${tenant}\u0000${type}`;
    const row = rows.get(key) ?? { tenant_id: tenant, res_type: type, rate: new Dec(0) };
    row.rate = row.rate.add(line.amount);
    rows.set(key, row);
  }
  if (rows.size === 0) rows.set('', { tenant_id: tenantId ?? 'ALL', res_type: 'ALL', rate: new Dec(0) });
  return [...rows.values()].map((r) => ({
    ...r,
    rate: toMinorUnit(r.rate, rated.currency),
    begin: rated.begin,
    end: rated.end,
  }));
}

function dataframesOf(rated: RatedPeriod) {
  const perTenant = new Map<string, Record<string, unknown>[]>();
  for (const line of rated.lines) {
    const resources = perTenant.get(line.projectId) ?? [];
    resources.push({
      service: line.resourceType,
      desc: { resource_id: line.resourceId, meter: line.meter, price_key: line.priceKey, unit: line.unit },
      volume: line.quantity,
      rating: line.amount,
    });
    perTenant.set(line.projectId, resources);
  }
  return [...perTenant].map(([tenantId, resources]) => ({
    begin: rated.begin,
    end: rated.end,
    tenant_id: tenantId,
    resources,
  }));
}

export function ratingPlugin(deps: RatingPluginDeps) {
  return async function rating(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderCloudkittyError(err, message));
    app.addHook('onRequest', async (request) => {
      const token = authTokenOf(request);
      if (!token) throw errors.unauthorized();
      request.auth = await deps.validator.validate(token);
    });
    app.get<{ Querystring: ReportQueryType }>(
      '/v1/report/summary',
      { schema: { querystring: ReportQuery } },
      async (request) => {
        const q = ratingQuery(request.query, 'service');
        const rated = await deps.rating.rated(authOf(request), q);
        const groupby = (request.query.groupby ?? '').split(',').filter(Boolean);
        return { summary: summaryOf(rated, groupby, q.allTenants ? undefined : rated.tenantId) };
      },
    );
    app.get<{ Querystring: ReportQueryType }>(
      '/v1/storage/dataframes',
      { schema: { querystring: ReportQuery } },
      async (request) => {
        const rated = await deps.rating.rated(authOf(request), ratingQuery(request.query, 'resource_type'));
        return { dataframes: dataframesOf(rated) };
      },
    );
    registerHashmapRoutes(app, deps.rating.hashmap);
  };
}
