// POST /volumes/{id}/action: os-extend (offline, and online at 3.42+ through the host), os-reset_status
// (admin), os-set_bootable, os-volume_upload_image (a new image filled by the worker) and
// os-force_delete (admin). Each writes the row's status and task under compare-and-set and kicks the worker.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import type { AttachmentStatus, Volume, VolumeStatus } from './model.js';
import { checkQuota } from './quota-service.js';
import type { ServiceDeps } from './service-deps.js';
import { volumeErrors } from './volume-errors.js';
import { isAdmin, requireAdmin, requireWriter } from './volume-policy.js';
import type { VolumeService } from './volume-service.js';

const RESETTABLE: readonly string[] = [
  'available',
  'error',
  'creating',
  'deleting',
  'in-use',
  'attaching',
  'detaching',
  'error_deleting',
  'maintenance',
  'reserved',
  'error_extending',
];

export interface UploadImageInput {
  imageName: string;
  diskFormat: 'raw' | 'qcow2';
  containerFormat: string;
  visibility: string;
  protected: boolean;
  force: boolean;
}

/** Cinder changes image metadata only of volumes that are available or in use. */
function requireUsable(v: Volume): void {
  if (v.status !== 'available' && v.status !== 'in-use') {
    throw volumeErrors.invalidVolume(
      `Volume ${v.id} status must be available or in-use, but current status is: ${v.status}.`,
    );
  }
}

export function createVolumeActions(deps: ServiceDeps & { volumes: VolumeService }) {
  const { stores, clock, volumes } = deps;
  const now = () => clock.now().toISOString();

  async function write(v: Volume, patch: Parameters<typeof stores.volumes.update>[2]): Promise<Volume> {
    const next = await stores.volumes.update(v.id, v.version, patch, now());
    if (!next) throw errors.conflict('The volume changed during the request; retry.');
    return next;
  }

  return {
    /** `online`: the request's microversion allows extending an attached volume (3.42). */
    async extend(auth: AuthContext, id: string, newSizeGib: number, online: boolean): Promise<void> {
      requireWriter(auth);
      const v = await volumes.visible(auth, id);
      const allowed = online ? ['available', 'in-use'] : ['available'];
      if (!allowed.includes(v.status)) {
        throw volumeErrors.invalidVolume(
          `Volume status must be ${online ? "'available' or 'in-use'" : 'available'} to extend, currently ${v.status}.`,
        );
      }
      if (newSizeGib <= v.sizeGib) {
        throw volumeErrors.invalidInput(
          `New size for extend must be greater than current size. (current: ${v.sizeGib}, extended: ${newSizeGib}).`,
        );
      }
      await deps.transaction(async (tx) => {
        await checkQuota(tx, deps.quota, v.projectId, { gigabytes: newSizeGib - v.sizeGib });
      });
      await write(v, {
        status: 'extending',
        task: 'extend',
        taskArgs: { newSizeGib, returnStatus: v.status },
      });
      deps.kick('volume', id);
    },

    ...resetOps(deps, write),

    /** os-update_readonly_flag: the `readonly` admin metadata ('True'/'False'); attachments then are ro. */
    async updateReadonly(auth: AuthContext, id: string, readonly: boolean): Promise<void> {
      requireWriter(auth);
      const v = await volumes.visible(auth, id);
      if (v.status !== 'available') {
        throw volumeErrors.invalidVolume(
          `Volume ${id} status must be available to update readonly flag, but current status is: ${v.status}.`,
        );
      }
      await stores.volumes.setAdminMetadata(id, 'readonly', readonly ? 'True' : 'False');
    },

    ...imageMetadataOps(volumes, write),

    async setBootable(auth: AuthContext, id: string, bootable: boolean): Promise<void> {
      requireWriter(auth);
      const v = await volumes.visible(auth, id);
      await write(v, { bootable });
    },

    async uploadImage(auth: AuthContext, id: string, input: UploadImageInput) {
      requireWriter(auth);
      const v = await volumes.visible(auth, id);
      if (v.status !== 'available' && !(v.status === 'in-use' && input.force)) {
        throw volumeErrors.invalidVolume(
          `Volume ${id} status must be available or in-use with force, but is ${v.status}.`,
        );
      }
      if (input.visibility === 'public' && !isAdmin(auth)) throw errors.forbidden();
      const image = await deps.uploader.createImage(auth, {
        name: input.imageName,
        diskFormat: input.diskFormat,
        containerFormat: input.containerFormat,
        visibility: input.visibility,
        protected: input.protected,
        minDiskGib: v.sizeGib,
      });
      const next = await stores.volumes.update(
        v.id,
        v.version,
        {
          status: 'uploading',
          task: 'upload_image',
          taskArgs: { imageId: image.id, diskFormat: input.diskFormat, returnStatus: v.status },
        },
        now(),
      );
      if (!next) {
        await deps.uploader.abandon(image.id);
        throw errors.conflict('The volume changed during the request; retry.');
      }
      deps.kick('volume', id);
      return { volume: next, imageId: image.id, imageStatus: image.status };
    },
  };
}

/** os-reset_status (admin): the operator takes the row over from the worker. */
function resetOps(
  deps: ServiceDeps & { volumes: VolumeService },
  write: (v: Volume, patch: Parameters<ServiceDeps['stores']['volumes']['update']>[2]) => Promise<Volume>,
) {
  const { stores, clock, volumes } = deps;
  const now = () => clock.now().toISOString();
  return {
    async resetStatus(
      auth: AuthContext,
      id: string,
      input: { status?: string | undefined; attachStatus?: string | undefined },
    ): Promise<void> {
      requireAdmin(auth);
      const v = await volumes.visible(auth, id);
      if (input.status !== undefined && !RESETTABLE.includes(input.status)) {
        throw errors.badRequest(`Invalid input for field/attribute status. Value: ${input.status}.`);
      }
      // Resetting clears the pending task: the operator takes the row over from the worker.
      await write(v, {
        ...(input.status !== undefined && { status: input.status as VolumeStatus }),
        task: null,
      });
      if (input.attachStatus === 'detached') {
        for (const a of await stores.volumes.attachmentsOf([id])) {
          await stores.volumes.updateAttachment(
            a.id,
            a.version,
            { status: 'detached' as AttachmentStatus, task: null, deleted: true, detachedAt: now() },
            now(),
          );
        }
      }
    },
  };
}

/** os-show_image_metadata, os-set_image_metadata (merge), os-unset_image_metadata. */
function imageMetadataOps(
  volumes: VolumeService,
  write: (v: Volume, patch: { imageMetadata: Record<string, string> }) => Promise<Volume>,
) {
  return {
    /** os-show_image_metadata, os-set_image_metadata (merge), os-unset_image_metadata. */
    async imageMetadata(auth: AuthContext, id: string): Promise<Record<string, string>> {
      return (await volumes.visible(auth, id)).imageMetadata ?? {};
    },
    async setImageMetadata(auth: AuthContext, id: string, metadata: Record<string, string>) {
      requireWriter(auth);
      const v = await volumes.visible(auth, id);
      requireUsable(v);
      const next = await write(v, { imageMetadata: { ...(v.imageMetadata ?? {}), ...metadata } });
      return next.imageMetadata ?? {};
    },
    async unsetImageMetadata(auth: AuthContext, id: string, key: string): Promise<void> {
      requireWriter(auth);
      const v = await volumes.visible(auth, id);
      requireUsable(v);
      if (v.imageMetadata === null || !(key in v.imageMetadata)) {
        throw volumeErrors.notFound(`Glance metadata for volume/snapshot ${id} cannot be found.`);
      }
      const { [key]: _gone, ...rest } = v.imageMetadata;
      await write(v, { imageMetadata: rest });
    },
  };
}

export type VolumeActions = ReturnType<typeof createVolumeActions>;
