// Compute's VolumeAttacher (compute/collaborators.ts) over this module's attachments service and
// worker: os-volume_attachments become block-storage attachments with a connector naming this host, and
// the worker plugs the disks in through the compute driver (the VolumeHost in adapters.ts).
import { isApiError } from '../common/errors/api-error.js';
import type { VolumeAttacher } from '../compute/collaborators.js';
import type { AttachmentService } from './attachment-service.js';
import type { VolumeWorker } from './volume-worker.js';

export function createComputeVolumeAttacher(deps: {
  /** The attachments service; a function because compute is built before this module. */
  attachments(): Pick<AttachmentService, 'create' | 'delete' | 'releaseServer'>;
  disksOf: VolumeWorker['disksOf'];
  /** The host that runs the guests (Nova's connector `host`). */
  hostName: string;
}): VolumeAttacher {
  return {
    async attach(auth, input) {
      const { attachment } = await deps.attachments().create(auth, {
        volumeId: input.volumeId,
        instanceId: input.serverId,
        connector: { host: deps.hostName, mountpoint: input.device },
        mode: 'rw',
        mountpoint: input.device,
      });
      return attachment.id;
    },
    async detach(auth, attachmentId) {
      try {
        await deps.attachments().delete(auth, attachmentId);
      } catch (err) {
        // Already detached (and gone) through the block-storage API: nothing left to do.
        if (!(isApiError(err) && err.status === 404)) throw err;
      }
    },
    disksOf: (serverId) => deps.disksOf(serverId),
    releaseServer: (serverId, deleteVolumeIds) => deps.attachments().releaseServer(serverId, deleteVolumeIds),
  };
}
