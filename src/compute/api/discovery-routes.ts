// Version discovery (GET /compute/ and /compute/v2.1/), limits and the read-only os-quota-sets.
// Quotas come from config today; PUT os-quota-sets is not implemented yet (see NEXT.md).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerProject, canSeeProject } from '../compute-policy.js';
import { errors } from '../../common/errors/codes.js';
import { MAX_VERSION, MIN_VERSION, atLeast, format, type Microversion } from './microversion.js';
import { type ComputeRouteDeps, callerOf, linkBase, versionOf } from './route-deps.js';

// Nova's VERSIONS (nova/api/openstack/compute/versions.py): the legacy v2.0 document first, then v2.1.
// Only v2.1 serves the API; /v2/ answers its version document so that the listed link can be followed.
const VERSIONS = {
  'v2.0': {
    status: 'DEPRECATED',
    version: '',
    min_version: '',
    updated: '2025-07-04T12:00:00Z',
    mediaType: 'application/vnd.openstack.compute+json;version=2',
    path: 'v2',
  },
  'v2.1': {
    status: 'CURRENT',
    version: format(MAX_VERSION),
    min_version: format(MIN_VERSION),
    updated: '2013-07-23T11:33:21Z',
    mediaType: 'application/vnd.openstack.compute+json;version=2.1',
    path: 'v2.1',
  },
} as const;
type VersionId = keyof typeof VERSIONS;

function versionSummary(request: FastifyRequest, deps: ComputeRouteDeps, id: VersionId) {
  const { status, version, min_version, updated, path } = VERSIONS[id];
  const href = `${linkBase(request, deps.publicUrl).root}/${path}/`;
  return { id, status, version, min_version, updated, links: [{ rel: 'self', href }] };
}

function versionShow(request: FastifyRequest, deps: ComputeRouteDeps, id: VersionId) {
  const summary = versionSummary(request, deps, id);
  return {
    version: {
      ...summary,
      links: [
        ...summary.links,
        { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
      ],
      'media-types': [{ base: 'application/json', type: VERSIONS[id].mediaType }],
    },
  };
}

function quotaLimits(deps: ComputeRouteDeps, v: Microversion): Record<string, number> {
  const q = deps.quota;
  return {
    cores: q.cores,
    instances: q.instances,
    key_pairs: q.keyPairs,
    metadata_items: q.metadataItems,
    ram: q.ramMiB,
    server_groups: 10,
    server_group_members: 10,
    ...(!atLeast(v, 36) && {
      fixed_ips: -1,
      floating_ips: -1,
      security_group_rules: -1,
      security_groups: -1,
    }),
    ...(!atLeast(v, 57) && {
      injected_file_content_bytes: 10240,
      injected_file_path_bytes: 255,
      injected_files: 5,
    }),
  };
}

export function registerDiscoveryRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  app.get('/', { config: { public: true } }, async (request) => ({
    versions: (Object.keys(VERSIONS) as VersionId[]).map((id) => versionSummary(request, deps, id)),
  }));
  // Clients ask for both spellings (the catalog URL, and keystoneauth's discovery with a slash).
  for (const id of Object.keys(VERSIONS) as VersionId[]) {
    const path = `/${VERSIONS[id].path}`;
    const show = async (request: FastifyRequest) => versionShow(request, deps, id);
    app.get(path, { config: { public: true } }, show);
    app.get(`${path}/`, { config: { public: true } }, show);
  }

  app.get('/v2.1/limits', async (request) => {
    const v = versionOf(request);
    const auth = callerOf(request);
    const used = await deps.usage(auth);
    const project = callerProject(auth);
    const q =
      deps.admin && project !== undefined ? await deps.admin.quotas.computeQuotaOf(project) : deps.quota;
    return {
      limits: {
        rate: [],
        absolute: {
          maxServerMeta: q.metadataItems,
          ...(!atLeast(v, 39) && { maxImageMeta: q.metadataItems }),
          maxTotalCores: q.cores,
          maxTotalInstances: q.instances,
          maxTotalKeypairs: q.keyPairs,
          maxTotalRAMSize: q.ramMiB,
          maxServerGroups: 10,
          maxServerGroupMembers: 10,
          totalCoresUsed: used.cores,
          totalInstancesUsed: used.instances,
          totalRAMUsed: used.ramMiB,
          totalServerGroupsUsed: 0,
          ...(!atLeast(v, 36) && {
            maxSecurityGroups: -1,
            maxSecurityGroupRules: -1,
            maxTotalFloatingIps: -1,
            totalSecurityGroupsUsed: 0,
            totalFloatingIpsUsed: 0,
          }),
          ...(!atLeast(v, 57) && { maxPersonality: 5, maxPersonalitySize: 10240 }),
        },
      },
    };
  });

  // With quotas wired (deps.admin), quota-routes.ts serves os-quota-sets; the static routes below go then.
  if (deps.admin) return;
  app.get<{ Params: { project: string } }>('/v2.1/os-quota-sets/:project', async (request) => {
    const auth = callerOf(request);
    if (!canSeeProject(auth, request.params.project)) throw errors.forbidden();
    return { quota_set: { id: request.params.project, ...quotaLimits(deps, versionOf(request)) } };
  });

  app.get<{ Params: { project: string } }>('/v2.1/os-quota-sets/:project/defaults', async (request) => ({
    quota_set: { id: request.params.project, ...quotaLimits(deps, versionOf(request)) },
  }));

  app.get<{ Params: { project: string } }>('/v2.1/os-quota-sets/:project/detail', async (request) => {
    const auth = callerOf(request);
    if (!canSeeProject(auth, request.params.project)) throw errors.forbidden();
    // Usage is known for the caller's own project only until the service grows a per-project query.
    const used = callerProject(auth) === request.params.project ? await deps.usage(auth) : undefined;
    const inUse: Record<string, number> = {
      cores: used?.cores ?? 0,
      instances: used?.instances ?? 0,
      ram: used?.ramMiB ?? 0,
      key_pairs: used?.keyPairs ?? 0,
    };
    const limits = quotaLimits(deps, versionOf(request));
    const detail = Object.fromEntries(
      Object.entries(limits).map(([key, limit]) => [key, { limit, in_use: inUse[key] ?? 0, reserved: 0 }]),
    );
    return { quota_set: { id: request.params.project, ...detail } };
  });

  app.put('/v2.1/os-quota-sets/:project', async () => {
    throw errors.notImplemented(
      'Changing compute quotas is not implemented yet; they come from the configuration.',
    );
  });
}
