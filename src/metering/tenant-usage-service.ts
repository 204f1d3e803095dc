// os-simple-tenant-usage as a service: Nova's policy (listing every tenant is for the cloud admin;
// a tenant's own usage for its readers and the admin), the window and paging (servers ordered by
// tenant then id, `marker` a server id), and the records read through the usage store.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { isCloudAdmin } from '../identity/policy.js';
import type { MeteringExecutor } from './metering-tables.js';
import { tenantUsages, type ServerUsage, type TenantUsage, type UsageWindow } from './tenant-usage.js';
import { parseNovaTime } from './usage-time.js';
import { projectOfResource, recordsOfResources, resourcesInWindow, type ResourceKey } from './usage-store.js';

export interface TenantUsageQuery {
  /** Nova's query times (see usage-time.ts); absent means now. */
  start?: string | undefined;
  end?: string | undefined;
  detailed: boolean;
  limit: number;
  marker?: string;
}

export interface TenantUsageResult {
  usages: TenantUsage[];
  servers: ServerUsage[];
}

export interface TenantUsageService {
  list(auth: AuthContext, query: TenantUsageQuery): Promise<TenantUsageResult>;
  show(auth: AuthContext, tenantId: string, query: TenantUsageQuery): Promise<TenantUsageResult>;
}

const POLICY = 'os_compute_api:os-simple-tenant-usage';

function denied(action: 'list' | 'show'): never {
  throw errors.forbidden(`Policy doesn't allow ${POLICY}:${action} to be performed.`);
}

/** Nova's PROJECT_READER_OR_ADMIN on the tenant. */
function canShow(auth: AuthContext, tenantId: string): boolean {
  if (isCloudAdmin(auth)) return true;
  if (auth.scope.kind !== 'project' || auth.scope.projectId !== tenantId) return false;
  return ['reader', 'member', 'admin'].some((role) => auth.roleNames.has(role));
}

export function createTenantUsageService(db: MeteringExecutor, clock: Clock): TenantUsageService {
  async function usages(query: TenantUsageQuery, projectId?: string): Promise<TenantUsageResult> {
    const start = parseNovaTime(query.start, clock);
    const end = parseNovaTime(query.end, clock);
    if (!(start < end)) {
      throw errors.badRequest('Invalid start time. The start time cannot occur after the end time.');
    }
    const now = clock.now();
    const window: UsageWindow = { start, stop: end > now ? now : end, now };
    let after: ResourceKey | undefined;
    if (query.marker !== undefined) {
      const markerProject = await projectOfResource(db, 'server', query.marker);
      if (markerProject === undefined) throw errors.badRequest(`Marker ${query.marker} could not be found.`);
      after = { projectId: markerProject, resourceId: query.marker };
    }
    if (query.limit === 0) return { usages: [], servers: [] };
    const keys = await resourcesInWindow(db, {
      resourceType: 'server',
      start: window.start.toISOString(),
      end: window.stop.toISOString(),
      limit: query.limit,
      ...(projectId !== undefined && { projectId }),
      ...(after && { after }),
    });
    const records = await recordsOfResources(
      db,
      'server',
      keys.map((k) => k.resourceId),
    );
    const perServer = keys.map((key) =>
      records.filter((r) => r.resourceId === key.resourceId && r.projectId === key.projectId),
    );
    return tenantUsages(perServer, window, query.detailed);
  }

  return {
    async list(auth, query) {
      if (!isCloudAdmin(auth)) denied('list');
      return usages(query);
    },
    async show(auth, tenantId, query) {
      if (!canShow(auth, tenantId)) denied('show');
      return usages({ ...query, detailed: true }, tenantId);
    },
  };
}
