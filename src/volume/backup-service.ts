// Backups: create (full or incremental, of an available volume or an in-use one with force), list/show,
// delete (refused while incremental children exist), restore into a new or an existing volume. The
// bytes move in the worker (backup-engine.ts) into the project's `volumebackups` container.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import type { Backup, Volume } from './model.js';
import { checkQuota } from './quota-service.js';
import type { BackupListQuery } from './backup-store.js';
import type { FilterClause, SortKey } from './list-query.js';
import type { ServiceDeps } from './service-deps.js';
import { volumeErrors } from './volume-errors.js';
import { canSeeProject, isAdmin, requireAdmin, requireProject, requireWriter } from './volume-policy.js';
import type { VolumeService } from './volume-service.js';

export const BACKUP_CONTAINER = 'volumebackups';

export interface BackupListInput {
  allTenants: boolean;
  filters: readonly FilterClause[];
  matchesNothing?: boolean;
  marker?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  sort: readonly SortKey[];
}

export function createBackupService(deps: ServiceDeps & { volumes: VolumeService }) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();

  async function visible(auth: AuthContext, id: string): Promise<Backup> {
    const b = await stores.backups.get(id);
    if (!b || !canSeeProject(auth, b.projectId)) throw volumeErrors.backupNotFound(id);
    return b;
  }

  async function markVolume(v: Volume, status: Volume['status']): Promise<void> {
    const next = await stores.volumes.update(v.id, v.version, { status }, now());
    if (!next) throw errors.conflict('The volume changed during the request; retry.');
  }

  async function listQuery(auth: AuthContext, q: BackupListInput): Promise<BackupListQuery> {
    const projectId = isAdmin(auth) && q.allTenants ? undefined : requireProject(auth);
    // Cinder looks the marker up like any backup: one the caller cannot see does not exist.
    if (q.marker !== undefined) await visible(auth, q.marker);
    return {
      projectId,
      filters: q.filters,
      markerId: q.marker,
      limit: q.limit ?? 1000,
      offset: q.offset,
      sort: q.sort,
    };
  }

  return {
    visible,
    async create(
      auth: AuthContext,
      input: {
        volumeId: string;
        name: string | null;
        description: string | null;
        container: string | undefined;
        incremental: boolean;
        force: boolean;
        snapshotId: string | undefined;
        metadata: Record<string, string>;
      },
    ): Promise<Backup> {
      requireWriter(auth);
      const projectId = requireProject(auth);
      const v = await deps.volumes.visible(auth, input.volumeId);
      if (v.status !== 'available' && !(v.status === 'in-use' && input.force)) {
        throw volumeErrors.invalidVolume(
          `Volume to be backed up must be available or in-use, but the current status is "${v.status}".`,
        );
      }
      if (input.snapshotId !== undefined)
        throw errors.badRequest('Backups of snapshots are not supported yet.');
      const parent = input.incremental ? await stores.backups.latestOf(v.id) : undefined;
      if (input.incremental && !parent) {
        throw volumeErrors.invalidBackup('No backups available to do an incremental backup.');
      }
      const t = now();
      const backup: Backup = {
        id: newUuid(),
        projectId,
        userId: auth.userId,
        volumeId: v.id,
        snapshotId: null,
        parentId: parent?.id ?? null,
        name: input.name,
        description: input.description,
        sizeGib: v.sizeGib,
        status: 'creating',
        task: 'create',
        taskArgs: { volumeReturnStatus: v.status },
        failReason: null,
        container: input.container ?? BACKUP_CONTAINER,
        objectCount: 0,
        isIncremental: parent !== undefined,
        availabilityZone: deps.availabilityZone,
        metadata: input.metadata,
        dataTimestamp: t,
        version: 1,
        createdAt: t,
        updatedAt: t,
      };
      await deps.transaction(async (tx) => {
        await checkQuota(tx, deps.quota, projectId, { backups: 1, backupGigabytes: v.sizeGib });
        await tx.backups.insert(backup);
      });
      await markVolume(v, 'backing-up');
      deps.kick('backup', backup.id);
      return backup;
    },

    /** A page of backups; `matchesNothing`: an admin filtered on something no backup has. */
    async list(auth: AuthContext, q: BackupListInput): Promise<Backup[]> {
      const query = await listQuery(auth, q);
      return q.matchesNothing ? [] : stores.backups.list(query);
    },

    /** How many backups the filters match (with_count, 3.45). */
    async count(auth: AuthContext, q: BackupListInput): Promise<number> {
      const query = await listQuery(auth, { ...q, marker: undefined });
      return q.matchesNothing ? 0 : stores.backups.count(query);
    },

    ...changeOps(deps, visible, markVolume),
  };
}

/** Status reset, update, delete and restore of an existing backup. */
function changeOps(
  deps: ServiceDeps & { volumes: VolumeService },
  visible: (auth: AuthContext, id: string) => Promise<Backup>,
  markVolume: (v: Volume, status: Volume['status']) => Promise<void>,
) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();
  return {
    /** os-reset_status (admin): available or error; the worker lets go of the row. */
    async resetStatus(auth: AuthContext, id: string, status: 'available' | 'error'): Promise<void> {
      requireAdmin(auth);
      const b = await visible(auth, id);
      const next = await stores.backups.update(id, b.version, { status, task: null }, now());
      if (!next) throw errors.conflict('The backup changed during the update; retry.');
    },

    hasDependents: (id: string) => stores.backups.countChildren(id).then((n) => n > 0),

    async update(
      auth: AuthContext,
      id: string,
      patch: { name?: string | null; description?: string | null; metadata?: Record<string, string> },
    ) {
      requireWriter(auth);
      const b = await visible(auth, id);
      const next = await stores.backups.update(id, b.version, patch, now());
      if (!next) throw errors.conflict('The backup changed during the update; retry.');
      return next;
    },

    async delete(auth: AuthContext, id: string, force: boolean): Promise<void> {
      requireWriter(auth);
      const b = await visible(auth, id);
      if (force && !isAdmin(auth)) throw errors.forbidden();
      if (!force && b.status !== 'available' && b.status !== 'error') {
        throw volumeErrors.invalidBackup('Backup status must be available or error');
      }
      if ((await stores.backups.countChildren(id)) > 0) {
        throw volumeErrors.invalidBackup('Incremental backups exist for this backup.');
      }
      if ((await stores.volumes.countCreatingFrom(id)) > 0) {
        throw volumeErrors.invalidBackup('A volume is being restored from this backup.');
      }
      const next = await stores.backups.update(id, b.version, { status: 'deleting', task: 'delete' }, now());
      if (!next) throw errors.conflict('The backup changed during the delete; retry.');
      deps.kick('backup', id);
    },

    /** Restores into `volumeId`, or into a new volume of the backup's size; returns the target. */
    async restore(
      auth: AuthContext,
      id: string,
      input: { volumeId: string | undefined; name: string | undefined },
    ): Promise<{ backup: Backup; volume: Volume }> {
      requireWriter(auth);
      const b = await visible(auth, id);
      if (b.status !== 'available') throw volumeErrors.invalidBackup('Backup status must be available');
      if (input.volumeId === undefined) {
        const created = await deps.volumes.create(auth, {
          sizeGib: b.sizeGib,
          name: input.name ?? `restore_backup_${b.id}`,
          description: `auto-created_from_restore_from_backup`,
          volumeType: undefined,
          availabilityZone: undefined,
          snapshotId: undefined,
          sourceVolumeId: undefined,
          imageId: undefined,
          backupId: b.id,
          metadata: {},
        });
        // The new volume is filled by the volume worker's create task from this backup.
        return { backup: b, volume: created };
      }
      const target = await deps.volumes.visible(auth, input.volumeId);
      if (target.status !== 'available') {
        throw volumeErrors.invalidVolume(`Volume to be restored to must be available`);
      }
      if (target.sizeGib < b.sizeGib) {
        throw volumeErrors.invalidVolume(
          `volume size ${target.sizeGib} is too small to restore backup of size ${b.sizeGib}.`,
        );
      }
      const next = await stores.backups.update(
        id,
        b.version,
        { status: 'restoring', task: 'restore', taskArgs: { restoreVolumeId: target.id } },
        now(),
      );
      if (!next) throw errors.conflict('The backup changed during the request; retry.');
      await markVolume(target, 'restoring-backup');
      deps.kick('backup', id);
      return { backup: next, volume: target };
    },
  };
}

export type BackupService = ReturnType<typeof createBackupService>;
