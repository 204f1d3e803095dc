// The ImageSnapshots collaborator over the image module's service-level methods (image/snapshot-images.ts
// and ImageData.uploadAsService): compute's snapshot images are created, filled and discarded as the
// service, since the worker that uploads them runs outside any request.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { errors } from '../common/errors/codes.js';
import type { ImageSnapshots } from './collaborators.js';

/** The image-module methods the adapter calls; app.ts passes them from `image.services`. */
export interface SnapshotImageOps {
  create(
    owner: string,
    input: { name: string; minDisk: number; minRam: number; properties: Record<string, string> },
  ): Promise<{ id: string }>;
  get(id: string): Promise<{ status: string } | undefined>;
  remove(id: string): Promise<void>;
  uploadAsService(id: string, body: AsyncIterable<Buffer>, contentLength?: number): Promise<unknown>;
}

export function createImageSnapshots(ops: SnapshotImageOps): ImageSnapshots {
  return {
    async create(projectId, userId, props) {
      const image = await ops.create(projectId, {
        name: props.name,
        minDisk: props.minDiskGib,
        minRam: props.minRamMiB,
        // Nova's snapshot properties; the caller's metadata wins over them (Nova's _create_image
        // updates its properties with the request's metadata last; Tempest sets image_type=test).
        properties: {
          image_type: 'snapshot',
          instance_uuid: props.serverId,
          user_id: userId,
          ...(props.baseImageId !== null && { base_image_ref: props.baseImageId }),
          ...props.metadata,
        },
      });
      return image.id;
    },

    async upload(imageId, path) {
      const image = await ops.get(imageId);
      if (image?.status === 'active') return;
      if (image?.status !== 'queued') {
        throw errors.conflict(
          `Snapshot image ${imageId} is ${image?.status ?? 'gone'}; it cannot be filled.`,
        );
      }
      const { size } = await stat(path);
      await ops.uploadAsService(imageId, createReadStream(path, { highWaterMark: 1024 * 1024 }), size);
    },

    discard: (imageId) => ops.remove(imageId),
  };
}
