// Compute quotas (Nova's os-quota-sets): per-project overrides over the configured defaults, shown with
// usage, changed and reset by cloud admins; and the create-time check (how many of min..max servers
// fit, or Nova's "Quota exceeded for …" message), which server-service.ts runs inside the transaction
// that inserts the servers, after taking the project's quota lock.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import type { ComputeQuota } from './collaborators.js';
import { canSeeProject, requireAdmin } from './compute-policy.js';
import type { QuotaStore } from './quota-store.js';

export const QUOTA_RESOURCES = [
  'instances',
  'cores',
  'ram',
  'key_pairs',
  'metadata_items',
  'server_groups',
  'server_group_members',
] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];
export type QuotaLimits = Record<QuotaResource, number>;

/** Keys Nova still accepts (and ignores) in PUT before 2.36 (network proxies) and 2.57 (injected files). */
export const LEGACY_BEFORE_36 = ['fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules'];
export const LEGACY_BEFORE_57 = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

export interface ProjectUsage {
  instances: number;
  cores: number;
  ram: number;
}

export interface QuotaServiceDeps {
  store: QuotaStore;
  defaults: ComputeQuota;
  /** Live servers of a project and what they hold. */
  usage(projectId: string): Promise<ProjectUsage>;
  /** Key pairs of a user (key_pairs is a per-user quota). */
  keyPairs(userId: string): Promise<number>;
}

/** What the caller asks a PUT to change: resource → limit, and whether to skip the in-use check. */
export interface QuotaUpdate {
  limits: Partial<QuotaLimits>;
  force: boolean;
}

const unlimited = (limit: number) => limit < 0;

/**
 * How many servers of a request fit: `max` if they all fit, else the most that fit when that is at least
 * `min` (Nova's _check_num_instances_quota); otherwise Nova's TooManyInstances message for `max`.
 */
export function fitCount(
  limits: QuotaLimits,
  used: ProjectUsage,
  per: { cores: number; ram: number },
  min: number,
  max: number,
): { ok: true; count: number } | { ok: false; message: string } {
  const headroom = (resource: 'instances' | 'cores' | 'ram', each: number) =>
    unlimited(limits[resource]) || each === 0
      ? Number.POSITIVE_INFINITY
      : Math.floor((limits[resource] - used[resource]) / each);
  const allowed = Math.min(headroom('instances', 1), headroom('cores', per.cores), headroom('ram', per.ram));
  if (allowed >= max) return { ok: true, count: max };
  if (allowed >= min) return { ok: true, count: allowed };
  const requested: ProjectUsage = { instances: max, cores: max * per.cores, ram: max * per.ram };
  const overs = (['instances', 'cores', 'ram'] as const).filter(
    (r) => !unlimited(limits[r]) && used[r] + requested[r] > limits[r],
  );
  const list = (pick: (r: (typeof overs)[number]) => number | string) => overs.map(pick).join(', ');
  return {
    ok: false,
    message:
      `Quota exceeded for ${list((r) => r)}: Requested ${list((r) => requested[r])}, ` +
      `but already used ${list((r) => used[r])} of ${list((r) => limits[r])} ${list((r) => r)}`,
  };
}

function parseLimit(key: string, raw: unknown): number {
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n > 2 ** 31 - 1) {
    throw errors.badRequest(`Invalid input for field/attribute ${key}. Value: ${JSON.stringify(raw)}.`);
  }
  if (n < -1) {
    throw errors.badRequest(
      `Invalid input for field/attribute ${key}. Value: ${n}. ${n} is less than the minimum of -1`,
    );
  }
  return n;
}

/** Parses a PUT body's quota_set for a microversion's accepted keys. */
export function parseQuotaUpdate(quotaSet: Record<string, unknown>, minor: number): QuotaUpdate {
  const limits: Partial<QuotaLimits> = {};
  let force = false;
  for (const [key, raw] of Object.entries(quotaSet)) {
    if (key === 'force') {
      if (typeof raw !== 'boolean' && raw !== 'true' && raw !== 'false' && raw !== 'True' && raw !== 'False')
        throw errors.badRequest(`Invalid input for field/attribute force. Value: ${JSON.stringify(raw)}.`);
      force = raw === true || raw === 'true' || raw === 'True';
    } else if ((QUOTA_RESOURCES as readonly string[]).includes(key)) {
      limits[key as QuotaResource] = parseLimit(key, raw);
    } else if (
      (minor < 36 && LEGACY_BEFORE_36.includes(key)) ||
      (minor < 57 && LEGACY_BEFORE_57.includes(key))
    ) {
      parseLimit(key, raw);
    } else {
      throw errors.badRequest(
        `Invalid input for field/attribute quota_set. Value: ${JSON.stringify(quotaSet)}. ` +
          `Additional properties are not allowed ('${key}' was unexpected)`,
      );
    }
  }
  return { limits, force };
}

export function createQuotaService(deps: QuotaServiceDeps) {
  const defaults: QuotaLimits = {
    instances: deps.defaults.instances,
    cores: deps.defaults.cores,
    ram: deps.defaults.ramMiB,
    key_pairs: deps.defaults.keyPairs,
    metadata_items: deps.defaults.metadataItems,
    server_groups: 10,
    server_group_members: 10,
  };

  async function limitsOf(projectId: string): Promise<QuotaLimits> {
    const overrides = await deps.store.overrides(projectId);
    const out = { ...defaults };
    for (const resource of QUOTA_RESOURCES) {
      const value = overrides.get(resource);
      if (value !== undefined) out[resource] = value;
    }
    return out;
  }

  /** The project's limits in the shape the rest of compute reads (ComputeQuota). */
  async function computeQuotaOf(projectId: string): Promise<ComputeQuota> {
    const l = await limitsOf(projectId);
    return {
      instances: l.instances,
      cores: l.cores,
      ramMiB: l.ram,
      keyPairs: l.key_pairs,
      metadataItems: l.metadata_items,
    };
  }

  function requireReader(auth: AuthContext, projectId: string): void {
    if (!canSeeProject(auth, projectId)) throw errors.forbidden();
  }

  async function detail(auth: AuthContext, projectId: string) {
    requireReader(auth, projectId);
    const limits = await limitsOf(projectId);
    const used = await deps.usage(projectId);
    const inUse: Partial<Record<QuotaResource, number>> = {
      instances: used.instances,
      cores: used.cores,
      ram: used.ram,
      key_pairs: await deps.keyPairs(auth.userId),
    };
    return QUOTA_RESOURCES.map((resource) => ({
      resource,
      limit: limits[resource],
      inUse: inUse[resource] ?? 0,
    }));
  }

  async function update(auth: AuthContext, projectId: string, change: QuotaUpdate): Promise<QuotaLimits> {
    requireAdmin(auth);
    if (!change.force) {
      const used = await deps.usage(projectId);
      for (const resource of ['instances', 'cores', 'ram'] as const) {
        const limit = change.limits[resource];
        if (limit === undefined || unlimited(limit) || limit >= used[resource]) continue;
        throw errors.badRequest(
          `Quota limit ${limit} for ${resource} must be greater than or equal to already used and ` +
            `reserved ${used[resource]}.`,
        );
      }
    }
    await deps.store.set(projectId, new Map(Object.entries(change.limits)));
    return limitsOf(projectId);
  }

  return {
    defaults: (): QuotaLimits => ({ ...defaults }),
    limitsOf,
    computeQuotaOf,
    async show(auth: AuthContext, projectId: string): Promise<QuotaLimits> {
      requireReader(auth, projectId);
      return limitsOf(projectId);
    },
    detail,
    update,
    async reset(auth: AuthContext, projectId: string): Promise<void> {
      requireAdmin(auth);
      await deps.store.reset(projectId);
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
