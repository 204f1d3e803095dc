// The attachments API (3.27+), the contract compute uses: create reserves the volume (no connector) or
// starts attaching it (with a connector: the worker plugs it into the server through the VolumeHost),
// update adds the connector to a reservation, complete (3.44) confirms, delete detaches. The recorded
// `attached` rows are what a restart plugs back in (see worker.reattach).
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import type { Attachment, Volume } from './model.js';
import type { FilterClause, SortKey } from './list-query.js';
import type { ServiceDeps } from './service-deps.js';
import { volumeErrors } from './volume-errors.js';
import { canSeeProject, isAdmin, requireProject, requireWriter } from './volume-policy.js';
import type { VolumeService } from './volume-service.js';

/** The connection info a host needs to open the disk: our `file` backend hands out a local path. */
export interface ConnectionInfo {
  driver_volume_type: string;
  data: Record<string, unknown>;
}

/** Marks an attachment detached; a worker step may hold its version, so read it again (bounded). */
async function endAttachment(stores: ServiceDeps['stores'], a: Attachment, t: string): Promise<void> {
  const patch = { status: 'detached', task: null, detachedAt: t, deleted: true } as const;
  for (let attempt = 0, row: Attachment | undefined = a; row && attempt < 5; attempt++) {
    if (await stores.volumes.updateAttachment(row.id, row.version, patch, t)) return;
    row = await stores.volumes.getAttachment(row.id);
  }
}

export interface AttachmentListInput {
  allTenants: boolean;
  filters: readonly FilterClause[];
  /** An admin filtered on something no attachment has. */
  matchesNothing?: boolean;
  marker?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  sort: readonly SortKey[];
}

/** The attachments API's list: the caller's project unless an admin lists all tenants. */
async function listAttachments(
  stores: ServiceDeps['stores'],
  visible: (auth: AuthContext, id: string) => Promise<Attachment>,
  auth: AuthContext,
  q: AttachmentListInput,
): Promise<Attachment[]> {
  const projectId = isAdmin(auth) && q.allTenants ? undefined : requireProject(auth);
  if (q.marker !== undefined) await visible(auth, q.marker);
  if (q.matchesNothing) return [];
  return stores.volumes.listAttachments({
    projectId,
    filters: q.filters,
    markerId: q.marker,
    limit: q.limit ?? 1000,
    offset: q.offset,
    sort: q.sort,
  });
}

/** Moves the volume to `status` (retrying over concurrent writers of other columns). */
async function moveVolumeStatus(
  stores: ServiceDeps['stores'],
  now: () => string,
  volumeId: string,
  status: Volume['status'],
): Promise<Volume> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const v = await stores.volumes.get(volumeId);
    if (!v) throw volumeErrors.volumeNotFound(volumeId);
    const next = await stores.volumes.update(v.id, v.version, { status }, now());
    if (next) return next;
  }
  throw errors.conflict('The volume changed during the request; retry.');
}

export function createAttachmentService(
  deps: ServiceDeps & {
    volumes: VolumeService;
    connectionInfo(volume: Volume, attachment: Attachment): ConnectionInfo | null;
  },
) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();

  async function visible(auth: AuthContext, id: string): Promise<Attachment> {
    const a = await stores.volumes.getAttachment(id);
    if (!a || !canSeeProject(auth, a.projectId)) throw volumeErrors.attachmentNotFound(id);
    return a;
  }

  const setVolumeStatus = (volumeId: string, status: Volume['status']) =>
    moveVolumeStatus(stores, now, volumeId, status);

  async function withConnection(a: Attachment) {
    const v = await stores.volumes.get(a.volumeId);
    return { attachment: a, connectionInfo: v && a.connector ? deps.connectionInfo(v, a) : null };
  }

  return {
    visible,
    async create(
      auth: AuthContext,
      input: {
        volumeId: string;
        instanceId: string | undefined;
        connector: Record<string, unknown> | undefined;
        mode: 'rw' | 'ro';
        /** The device the consumer gives the disk (Nova's /dev/vdb), shown as the attachment's device. */
        mountpoint?: string | undefined;
      },
    ) {
      requireWriter(auth);
      requireProject(auth);
      const v = await deps.volumes.visible(auth, input.volumeId);
      const live = await stores.volumes.attachmentsOf([v.id]);
      const ok =
        v.status === 'available' || (v.multiattach && (v.status === 'in-use' || v.status === 'reserved'));
      if (!ok || (!v.multiattach && live.length > 0)) {
        throw volumeErrors.invalidVolume(
          `Volume ${v.id} status must be available or downloading to reserve, but the current status is ${v.status}.`,
        );
      }
      if (input.instanceId !== undefined) await deps.host.checkServer(auth, input.instanceId);
      // Cinder's deprecated readonly admin metadata overrides the requested mode.
      const mode = v.adminMetadata.readonly === 'True' ? 'ro' : input.mode;
      const t = now();
      const attaching = input.connector !== undefined;
      const attachment: Attachment = {
        id: newUuid(),
        volumeId: v.id,
        projectId: v.projectId,
        instanceId: input.instanceId ?? null,
        status: attaching ? 'attaching' : 'reserved',
        task: attaching && input.instanceId !== undefined ? 'attach' : null,
        attachMode: mode,
        connector: input.connector ?? null,
        mountpoint: input.mountpoint ?? null,
        attachedAt: null,
        detachedAt: null,
        version: 1,
        createdAt: t,
        updatedAt: t,
      };
      const next = await stores.volumes.update(
        v.id,
        v.version,
        { status: attaching ? 'attaching' : 'reserved' },
        t,
      );
      if (!next) throw errors.conflict('The volume changed during the request; retry.');
      await stores.volumes.insertAttachment(attachment);
      if (attachment.task) deps.kick('attachment', attachment.id);
      return withConnection(attachment);
    },

    async show(auth: AuthContext, id: string) {
      return withConnection(await visible(auth, id));
    },

    list: (auth: AuthContext, q: AttachmentListInput) => listAttachments(stores, visible, auth, q),

    /** Adds the connector to a reservation: the worker plugs the volume in. */
    async update(auth: AuthContext, id: string, connector: Record<string, unknown>) {
      requireWriter(auth);
      const a = await visible(auth, id);
      if (a.status !== 'reserved' && a.status !== 'attaching' && a.status !== 'error_attaching') {
        throw volumeErrors.invalidVolume(`Attachment ${id} is ${a.status} and cannot be updated.`);
      }
      const next = await stores.volumes.updateAttachment(
        id,
        a.version,
        { connector, status: 'attaching', task: a.instanceId === null ? null : 'attach' },
        now(),
      );
      if (!next) throw errors.conflict('The attachment changed during the request; retry.');
      await setVolumeStatus(a.volumeId, 'attaching');
      if (next.task) deps.kick('attachment', id);
      return withConnection(next);
    },

    ...finishOps(deps, visible, setVolumeStatus),
  };
}

/** Completing and deleting an attachment, and releasing every attachment of a deleted server. */
function finishOps(
  deps: Parameters<typeof createAttachmentService>[0],
  visible: (auth: AuthContext, id: string) => Promise<Attachment>,
  setVolumeStatus: (volumeId: string, status: Volume['status']) => Promise<Volume>,
) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();
  return {
    /**
     * os-complete: the consumer confirms the attachment. When the worker is still plugging the disk in,
     * it finishes the job; an attachment without a server (nothing to plug) is marked attached here.
     */
    async complete(auth: AuthContext, id: string): Promise<void> {
      requireWriter(auth);
      const a = await visible(auth, id);
      if (a.status === 'attached' || a.task === 'attach') return;
      if (a.status !== 'attaching' && a.status !== 'reserved') {
        throw volumeErrors.invalidVolume(`Attachment ${id} is ${a.status} and cannot be completed.`);
      }
      const next = await stores.volumes.updateAttachment(
        id,
        a.version,
        { status: 'attached', attachedAt: now() },
        now(),
      );
      if (!next) throw errors.conflict('The attachment changed during the request; retry.');
      await setVolumeStatus(a.volumeId, 'in-use');
    },

    /** Detaches (the worker unplugs the disk, then the attachment is gone); returns the volume's others. */
    async delete(auth: AuthContext, id: string): Promise<Attachment[]> {
      requireWriter(auth);
      const a = await visible(auth, id);
      const plugged =
        a.instanceId !== null &&
        (a.status === 'attached' ||
          a.status === 'attaching' ||
          a.status === 'error_attaching' ||
          a.status === 'error_detaching' ||
          a.status === 'detaching');
      if (plugged) {
        const next = await stores.volumes.updateAttachment(
          id,
          a.version,
          { status: 'detaching', task: 'detach' },
          now(),
        );
        if (!next) throw errors.conflict('The attachment changed during the request; retry.');
        await setVolumeStatus(a.volumeId, 'detaching');
        deps.kick('attachment', id);
      } else {
        const next = await stores.volumes.updateAttachment(
          id,
          a.version,
          { status: 'detached', task: null, detachedAt: now(), deleted: true },
          now(),
        );
        if (!next) throw errors.conflict('The attachment changed during the request; retry.');
        const others = await stores.volumes.attachmentsOf([a.volumeId]);
        await setVolumeStatus(
          a.volumeId,
          others.some((o) => o.status === 'attached') ? 'in-use' : 'available',
        );
      }
      return (await stores.volumes.attachmentsOf([a.volumeId])).filter((o) => o.id !== id);
    },

    /**
     * Service level (the compute worker deleting a server has no caller): unplugs and ends every
     * attachment of the server at once (the guest is gone, nothing to wait for), so its volumes are
     * `available` again, then deletes the volumes listed in `deleteVolumeIds` (Nova's
     * delete_on_termination) unless they are still attached elsewhere or have snapshots. Idempotent.
     */
    async releaseServer(serverId: string, deleteVolumeIds: readonly string[]): Promise<void> {
      const rows = await stores.volumes.listAttachments({
        projectId: undefined,
        instanceId: serverId,
        limit: 256,
      });
      for (const a of rows) {
        await deps.host.detach(serverId, a.volumeId);
        await endAttachment(stores, a, now());
        const others = await stores.volumes.attachmentsOf([a.volumeId]);
        await setVolumeStatus(
          a.volumeId,
          others.some((o) => o.status === 'attached') ? 'in-use' : 'available',
        );
      }
      for (const volumeId of deleteVolumeIds) {
        const v = await stores.volumes.get(volumeId);
        if (!v || v.status !== 'available' || (await stores.volumes.attachmentsOf([v.id])).length > 0)
          continue;
        const snapshots = await stores.snapshots.list({ projectId: undefined, volumeId, limit: 1 });
        if (snapshots.length > 0) continue;
        const t = now();
        const next = await stores.volumes.update(
          v.id,
          v.version,
          { status: 'deleting', task: 'delete', taskArgs: { cascade: false } },
          t,
        );
        if (next) deps.kick('volume', v.id);
      }
    },
  };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
