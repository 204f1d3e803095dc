// Block-storage quotas: defaults from config, per-project overrides (os-quota-sets PUT, admin), usage
// counted from the live rows, and the checks a create makes inside its transaction. Gigabytes count
// volumes and snapshots, as in Cinder (no_snapshot_gb_quota = False).
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { QUOTA_RESOURCES, type VolumeQuota } from './model.js';
import type { BackupStore } from './backup-store.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { TypeStore } from './type-store.js';
import { volumeErrors } from './volume-errors.js';
import { canSeeProject, requireAdmin } from './volume-policy.js';
import type { VolumeStore } from './volume-store.js';

export interface QuotaStores {
  volumes: VolumeStore;
  snapshots: SnapshotStore;
  backups: BackupStore;
  types: TypeStore;
}

export interface VolumeUsage {
  volumes: number;
  gigabytes: number;
  snapshots: number;
  backups: number;
  backupGigabytes: number;
}

const KEYS = Object.keys(QUOTA_RESOURCES) as (keyof VolumeQuota)[];

export async function limitsOf(
  stores: QuotaStores,
  defaults: VolumeQuota,
  projectId: string,
): Promise<VolumeQuota> {
  const overrides = await stores.types.quotaOverrides(projectId);
  const out = { ...defaults };
  for (const key of KEYS) {
    const v = overrides[QUOTA_RESOURCES[key]];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export async function usageOf(stores: QuotaStores, projectId: string): Promise<VolumeUsage> {
  const v = await stores.volumes.usage(projectId);
  const s = await stores.snapshots.usage(projectId);
  const b = await stores.backups.usage(projectId);
  return {
    volumes: v.count,
    gigabytes: v.gigabytes + s.gigabytes,
    snapshots: s.count,
    backups: b.count,
    backupGigabytes: b.gigabytes,
  };
}

const within = (limit: number, wanted: number) => limit < 0 || wanted <= limit;

/** Checks that a project may add `add`; throws Cinder's 413 faults. Call inside the create's transaction. */
export async function checkQuota(
  stores: QuotaStores,
  defaults: VolumeQuota,
  projectId: string,
  add: Partial<VolumeUsage>,
): Promise<void> {
  // Callers run this inside the transaction that then writes the new row (see type-store.ts).
  await stores.types.lockProjectQuota(projectId);
  const limits = await limitsOf(stores, defaults, projectId);
  const used = await usageOf(stores, projectId);
  const gib = add.gigabytes ?? 0;
  if (add.volumes && gib > 0 && limits.perVolumeGigabytes >= 0 && gib > limits.perVolumeGigabytes) {
    throw volumeErrors.perVolumeQuota(gib, limits.perVolumeGigabytes);
  }
  if (gib > 0 && !within(limits.gigabytes, used.gigabytes + gib)) {
    throw volumeErrors.gigabytesQuota(gib, limits.gigabytes, used.gigabytes);
  }
  if (add.volumes && !within(limits.volumes, used.volumes + add.volumes)) {
    throw volumeErrors.volumesQuota(limits.volumes);
  }
  if (add.snapshots && !within(limits.snapshots, used.snapshots + add.snapshots)) {
    throw volumeErrors.snapshotsQuota(limits.snapshots);
  }
  if (add.backups && !within(limits.backups, used.backups + add.backups)) {
    throw volumeErrors.backupsQuota(limits.backups);
  }
  const backupGib = add.backupGigabytes ?? 0;
  if (backupGib > 0 && !within(limits.backupGigabytes, used.backupGigabytes + backupGib)) {
    throw volumeErrors.backupGigabytesQuota(backupGib, limits.backupGigabytes, used.backupGigabytes);
  }
}

export function createQuotaService(deps: { stores: QuotaStores; defaults: VolumeQuota }) {
  const { stores, defaults } = deps;
  return {
    defaults: () => ({ ...defaults }),
    async show(auth: AuthContext, projectId: string) {
      if (!canSeeProject(auth, projectId)) throw errors.forbidden();
      return { limits: await limitsOf(stores, defaults, projectId), usage: await usageOf(stores, projectId) };
    },
    /** Admin: sets the given limits (Cinder's wire names), -1 for unlimited. */
    async update(auth: AuthContext, projectId: string, body: Record<string, unknown>) {
      requireAdmin(auth);
      const byWire = new Map(KEYS.map((k) => [QUOTA_RESOURCES[k], k]));
      const changes: [string, number][] = [];
      for (const [wire, raw] of Object.entries(body)) {
        if (wire === 'id' || wire === 'tenant_id' || wire === 'skip_validation') continue;
        if (!byWire.has(wire)) throw errors.badRequest(`Bad key(s) in quota set: ${wire}`);
        const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < -1 || n > 2 ** 31 - 1) {
          throw volumeErrors.invalidInput(
            `Quota limit ${String(raw)} for ${wire} must be an integer of -1 or more.`,
          );
        }
        changes.push([wire, n]);
      }
      for (const [wire, n] of changes) await stores.types.setQuota(projectId, wire, n);
      return limitsOf(stores, defaults, projectId);
    },
    async reset(auth: AuthContext, projectId: string): Promise<void> {
      requireAdmin(auth);
      await stores.types.clearQuotas(projectId);
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
