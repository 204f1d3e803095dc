// Version discovery (GET /volume/ and /volume/v3/), limits, os-quota-sets and os-availability-zone.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { QUOTA_RESOURCES, type VolumeQuota } from '../model.js';
import type { VolumeUsage } from '../quota-service.js';
import { MAX_VERSION, MIN_VERSION, format } from './microversion.js';
import { type VolumeRouteDeps, callerOf, objectBody, queryOf, rootOf, wrapped } from './route-deps.js';

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

  app.get<{ Params: { project: string } }>('/v3/:project/limits', async (request) => {
    const { limits, usage } = await deps.quotas.show(callerOf(request), request.params.project);
    return {
      limits: {
        rate: [],
        absolute: {
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
        },
      },
    };
  });

  app.get<{ Params: { project: string; target: string } }>(
    '/v3/:project/os-quota-sets/:target',
    async (request) => {
      const usage = ['true', '1'].includes((queryOf(request).usage ?? '').toLowerCase());
      const shown = await deps.quotas.show(callerOf(request), request.params.target);
      return { quota_set: quotaSet(request.params.target, shown.limits, usage ? shown.usage : undefined) };
    },
  );
  app.get<{ Params: { project: string; target: string } }>(
    '/v3/:project/os-quota-sets/:target/defaults',
    async (request) => ({ quota_set: quotaSet(request.params.target, deps.quotas.defaults()) }),
  );
  app.put<{ Params: { project: string; target: string } }>(
    '/v3/:project/os-quota-sets/:target',
    async (request) => {
      objectBody(request.body);
      const limits = await deps.quotas.update(
        callerOf(request),
        request.params.target,
        wrapped(request.body, 'quota_set'),
      );
      const { id: _id, ...rest } = quotaSet(request.params.target, limits);
      return { quota_set: rest };
    },
  );
  app.delete<{ Params: { project: string; target: string } }>(
    '/v3/:project/os-quota-sets/:target',
    async (request, reply) => {
      await deps.quotas.reset(callerOf(request), request.params.target);
      return reply.status(200).send();
    },
  );

  // Cinder's API extensions are all built in since v3; clients that probe the list get an empty one.
  app.get('/v3/:project/extensions', async () => ({ extensions: [] }));

  app.get('/v3/:project/os-availability-zone', async () => ({
    availabilityZoneInfo: [{ zoneName: deps.availabilityZone, zoneState: { available: true } }],
  }));
}
