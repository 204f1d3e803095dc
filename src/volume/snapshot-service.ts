// Snapshots: create (of an available volume; of an in-use one with force, or always from 3.66),
// list/show, update, delete. The copy itself is the worker's `create` task on the snapshot row.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import type { Snapshot, SnapshotStatus } from './model.js';
import { checkQuota } from './quota-service.js';
import type { FilterClause, SortKey } from './list-query.js';
import type { ServiceDeps } from './service-deps.js';
import type { SnapshotListQuery } from './snapshot-store.js';
import { volumeErrors } from './volume-errors.js';
import { canSeeProject, isAdmin, requireAdmin, requireProject, requireWriter } from './volume-policy.js';
import type { VolumeService } from './volume-service.js';

export interface SnapshotListInput {
  allTenants: boolean;
  filters: readonly FilterClause[];
  metadata?: Record<string, string> | undefined;
  matchesNothing?: boolean;
  marker?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  sort: readonly SortKey[];
}

export function createSnapshotService(deps: ServiceDeps & { volumes: VolumeService }) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();

  async function visible(auth: AuthContext, id: string): Promise<Snapshot> {
    const s = await stores.snapshots.get(id);
    if (!s || !canSeeProject(auth, s.projectId)) throw volumeErrors.snapshotNotFound(id);
    return s;
  }

  async function listQuery(auth: AuthContext, q: SnapshotListInput): Promise<SnapshotListQuery> {
    const projectId = isAdmin(auth) && q.allTenants ? undefined : requireProject(auth);
    // Cinder looks the marker up like any snapshot: one the caller cannot see does not exist.
    if (q.marker !== undefined) await visible(auth, q.marker);
    return {
      projectId,
      filters: q.filters,
      metadata: q.metadata,
      markerId: q.marker,
      limit: q.limit ?? 1000,
      offset: q.offset,
      sort: q.sort,
    };
  }

  return {
    visible,
    /** `inUseAllowed`: force was given, or the microversion is 3.66 or later. */
    async create(
      auth: AuthContext,
      input: {
        volumeId: string;
        name: string | null;
        description: string | null;
        metadata: Record<string, string>;
        inUseAllowed: boolean;
      },
    ): Promise<Snapshot> {
      requireWriter(auth);
      const projectId = requireProject(auth);
      const v = await deps.volumes.visible(auth, input.volumeId);
      if (v.status !== 'available' && !(v.status === 'in-use' && input.inUseAllowed)) {
        throw volumeErrors.invalidVolume(
          v.status === 'in-use'
            ? `Volume ${v.id} status must be available, but current status is: in-use. (use force=True to snapshot an attached volume)`
            : `Volume ${v.id} status must be available, but current status is: ${v.status}.`,
        );
      }
      const t = now();
      const snapshot: Snapshot = {
        id: newUuid(),
        projectId,
        userId: auth.userId,
        volumeId: v.id,
        name: input.name,
        description: input.description,
        sizeGib: v.sizeGib,
        status: 'creating',
        task: 'create',
        metadata: input.metadata,
        providerLocation: null,
        version: 1,
        createdAt: t,
        updatedAt: t,
      };
      await deps.transaction(async (tx) => {
        await checkQuota(tx, deps.quota, projectId, { snapshots: 1, gigabytes: v.sizeGib });
        await tx.snapshots.insert(snapshot);
      });
      deps.kick('snapshot', snapshot.id);
      return snapshot;
    },

    /** A page of snapshots; `matchesNothing`: an admin filtered on something no snapshot has. */
    async list(auth: AuthContext, q: SnapshotListInput): Promise<Snapshot[]> {
      const query = await listQuery(auth, q);
      return q.matchesNothing ? [] : stores.snapshots.list(query);
    },

    /** How many snapshots the filters match (with_count, 3.45). */
    async count(auth: AuthContext, q: SnapshotListInput): Promise<number> {
      const query = await listQuery(auth, { ...q, marker: undefined });
      return q.matchesNothing ? 0 : stores.snapshots.count(query);
    },

    ...updateOps(deps, visible),

    async delete(auth: AuthContext, id: string, force: boolean): Promise<void> {
      requireWriter(auth);
      const s = await visible(auth, id);
      if (force && !isAdmin(auth)) throw errors.forbidden();
      if (!force && s.status !== 'available' && s.status !== 'error' && s.status !== 'error_deleting') {
        throw volumeErrors.invalidSnapshot('Volume Snapshot status must be available or error');
      }
      const next = await stores.snapshots.update(
        id,
        s.version,
        { status: 'deleting', task: 'delete' },
        now(),
      );
      if (!next) throw errors.conflict('The snapshot changed during the delete; retry.');
      deps.kick('snapshot', id);
    },
  };
}

/** Name, description, metadata and status changes (compare-and-set on the row's version). */
function updateOps(deps: ServiceDeps, visible: (auth: AuthContext, id: string) => Promise<Snapshot>) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();
  return {
    async update(
      auth: AuthContext,
      id: string,
      patch: { name?: string | null; description?: string | null },
    ) {
      requireWriter(auth);
      const s = await visible(auth, id);
      const next = await stores.snapshots.update(id, s.version, patch, now());
      if (!next) throw errors.conflict('The snapshot changed during the update; retry.');
      return next;
    },

    async setMetadata(auth: AuthContext, id: string, metadata: Record<string, string>, replace: boolean) {
      requireWriter(auth);
      const s = await visible(auth, id);
      const merged = replace ? metadata : { ...s.metadata, ...metadata };
      const next = await stores.snapshots.update(id, s.version, { metadata: merged }, now());
      if (!next) throw errors.conflict('The snapshot changed during the update; retry.');
      return next.metadata;
    },

    /** os-reset_status (admin): the operator takes the row over from the worker. */
    async resetStatus(auth: AuthContext, id: string, status: string): Promise<void> {
      requireAdmin(auth);
      const s = await visible(auth, id);
      const next = await stores.snapshots.update(
        id,
        s.version,
        { status: status.toLowerCase() as SnapshotStatus, task: null },
        now(),
      );
      if (!next) throw errors.conflict('The snapshot changed during the update; retry.');
    },
  };
}

export type SnapshotService = ReturnType<typeof createSnapshotService>;
