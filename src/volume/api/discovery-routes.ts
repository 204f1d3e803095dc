// Version discovery (GET /volume/ and /volume/v3/), limits, os-quota-sets, extensions and
// os-availability-zone.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { QUOTA_RESOURCES, type VolumeQuota } from '../model.js';
import type { VolumeUsage } from '../quota-service.js';
import { MAX_VERSION, MIN_VERSION, format } from './microversion.js';
import { Type } from '@sinclair/typebox';
import { isAdmin } from '../volume-policy.js';
import { extensionsView } from './extensions.js';
import { queryOf } from './list-params.js';
import { atLeast } from './microversion.js';
import { type VolumeRouteDeps, callerOf, rootOf, versionOf } from './route-deps.js';
import { boolOf } from './schemas/parameter-types.js';
import { QuotaShowQuery } from './schemas/query-schemas.js';
import { QuotaSetBody } from './schemas/quota-schemas.js';
import { declare } from './validation.js';

function versionDoc(request: FastifyRequest, deps: VolumeRouteDeps) {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: format(MAX_VERSION),
    min_version: format(MIN_VERSION),
    updated: '2023-08-31T00:00:00Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${rootOf(request, deps.publicUrl)}/v3/` },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

const USAGE_KEYS: Record<string, keyof VolumeUsage> = {
  volumes: 'volumes',
  gigabytes: 'gigabytes',
  snapshots: 'snapshots',
  backups: 'backups',
  backup_gigabytes: 'backupGigabytes',
};

function quotaSet(projectId: string, limits: VolumeQuota, usage?: VolumeUsage) {
  const out: Record<string, unknown> = { id: projectId };
  for (const [key, wire] of Object.entries(QUOTA_RESOURCES) as [keyof VolumeQuota, string][]) {
    const usageKey = USAGE_KEYS[wire];
    out[wire] = usage
      ? { limit: limits[key], in_use: usageKey ? usage[usageKey] : 0, reserved: 0, allocated: 0 }
      : limits[key];
  }
  return out;
}

export function registerDiscoveryRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  // Cinder answers its root with 300 Multiple Choices; keystoneauth and gophercloud accept it.
  app.get('/', { config: { public: true } }, async (request, reply) =>
    reply.status(300).send({ versions: [versionDoc(request, deps)] }),
  );
  const v3 = async (request: FastifyRequest) => ({ versions: [versionDoc(request, deps)] });
  app.get('/v3', { config: { public: true } }, v3);
  app.get('/v3/', { config: { public: true } }, v3);

  // Admins may read another project's limits from 3.39 (`project_id`, or the older `tenant_id`).
  const limitsQuery = Type.Object(
    { project_id: Type.Optional(Type.String()), tenant_id: Type.Optional(Type.String()) },
    { additionalProperties: true },
  );
  app.get<{ Params: { project: string } }>(
    '/v3/:project/limits',
    { config: declare({ query: limitsQuery }) },
    async (request) => {
      const auth = callerOf(request);
      const q = queryOf(request);
      const other =
        atLeast(versionOf(request), 39) && isAdmin(auth) ? (q.project_id ?? q.tenant_id) : undefined;
      const { limits, usage } = await deps.quotas.show(auth, other ?? request.params.project);
      return { limits: { rate: [], absolute: absoluteLimits(limits, usage) } };
    },
  );

  type Target = { Params: { project: string; target: string } };
  app.get<Target>(
    '/v3/:project/os-quota-sets/:target',
    { config: declare({ query: QuotaShowQuery }) },
    async (request) => {
      const usage = boolOf(queryOf(request).usage);
      const shown = await deps.quotas.show(callerOf(request), request.params.target);
      return { quota_set: quotaSet(request.params.target, shown.limits, usage ? shown.usage : undefined) };
    },
  );
  app.get<Target>(
    '/v3/:project/os-quota-sets/:target/defaults',
    { config: declare({ noQuery: true }) },
    async (request) => ({ quota_set: quotaSet(request.params.target, deps.quotas.defaults()) }),
  );
  app.put<Target>(
    '/v3/:project/os-quota-sets/:target',
    { config: declare({ body: QuotaSetBody }) },
    async (request) => {
      const { quota_set: body } = request.body as { quota_set: Record<string, number | string> };
      const limits = await deps.quotas.update(callerOf(request), request.params.target, body);
      const { id: _id, ...rest } = quotaSet(request.params.target, limits);
      return { quota_set: rest };
    },
  );
  app.delete<Target>(
    '/v3/:project/os-quota-sets/:target',
    { config: declare({ noQuery: true }) },
    async (request, reply) => {
      await deps.quotas.reset(callerOf(request), request.params.target);
      return reply.status(200).send();
    },
  );

  app.get('/v3/:project/extensions', { config: declare({ noQuery: true }) }, async () => extensionsView());

  app.get('/v3/:project/os-availability-zone', { config: declare({ noQuery: true }) }, async () => ({
    availabilityZoneInfo: [{ zoneName: deps.availabilityZone, zoneState: { available: true } }],
  }));
}

function absoluteLimits(limits: VolumeQuota, usage: VolumeUsage) {
  return {
    maxTotalVolumes: limits.volumes,
    maxTotalSnapshots: limits.snapshots,
    maxTotalVolumeGigabytes: limits.gigabytes,
    maxTotalBackups: limits.backups,
    maxTotalBackupGigabytes: limits.backupGigabytes,
    totalVolumesUsed: usage.volumes,
    totalSnapshotsUsed: usage.snapshots,
    totalGigabytesUsed: usage.gigabytes,
    totalBackupsUsed: usage.backups,
    totalBackupGigabytesUsed: usage.backupGigabytes,
  };
}
