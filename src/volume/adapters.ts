// Adapters from the other modules to the narrow interfaces of collaborators.ts. They hold no logic
// beyond translation; what the other modules still lack is named in NEXT.md (marked "to add").
import type { Readable } from 'node:stream';
import type { AuthContext } from '../common/http/context.js';
import { isApiError } from '../common/errors/api-error.js';
import { errors } from '../common/errors/codes.js';
import type { ResourceLocks } from '../common/tasks/resource-lock.js';
import { isDriverError, PowerState, type ComputeDriver } from '../compute/driver/driver.js';
import { guestLock } from '../compute/guest-lock.js';
import type { StoredMetadata, StoredObject } from '../object-store/model.js';
import type { PutObjectInput } from '../object-store/object-service.js';
import {
  BackupObjectMissing,
  type BackupObjects,
  type ImageUploader,
  type VolumeHost,
  type VolumeImages,
} from './collaborators.js';

/** The image service's record read, with the caller's rights (image.services.images.visible). */
export interface ImageRecords {
  visible(
    auth: AuthContext,
    id: string,
  ): Promise<{
    id: string;
    name: string | null;
    status: string;
    minDisk: number;
    sizeBytes: number | null;
    virtualSizeBytes: number | null;
    diskFormat: string | null;
    containerFormat: string | null;
  }>;
}

/**
 * Create-from-image over the image service's records and compute's per-host image cache
 * (compute/image-source.ts `baseImagePath`, which converts every image to a qcow2 file once).
 */
export function createVolumeImages(
  records: ImageRecords,
  cache: { baseImagePath(imageId: string, projectId: string): Promise<string> },
): VolumeImages {
  return {
    async describe(auth, imageId) {
      const image = await records.visible(auth, imageId);
      return {
        id: image.id,
        name: image.name,
        status: image.status,
        minDiskGib: image.minDisk,
        // The virtual size decides whether the disk fits; the data size is a lower bound otherwise.
        sizeBytes: image.virtualSizeBytes ?? image.sizeBytes,
        diskFormat: image.diskFormat,
        containerFormat: image.containerFormat,
      };
    },
    localCopy: (imageId, projectId) => cache.baseImagePath(imageId, projectId),
  };
}

/** What upload-to-image needs from the image service. */
export interface ImageWriter {
  /** image.services.images.create(auth, body): a queued image with the caller's rights and quota. */
  create(auth: AuthContext, body: Record<string, unknown>): Promise<{ id: string; status: string }>;
  /** To add to the image service: upload into a queued image as the service (no AuthContext). */
  uploadAsService(imageId: string, body: AsyncIterable<Buffer>, sizeBytes: number): Promise<unknown>;
  /** To add to the image service: delete an image as the service; a missing image resolves. */
  removeAsService(imageId: string): Promise<void>;
}

export function createImageUploader(writer: ImageWriter): ImageUploader {
  return {
    createImage: (auth, input) =>
      writer.create(auth, {
        name: input.name,
        disk_format: input.diskFormat,
        container_format: input.containerFormat,
        visibility: input.visibility,
        protected: input.protected,
        min_disk: input.minDiskGib,
      }),
    async upload(imageId, body, sizeBytes) {
      await writer.uploadAsService(imageId, body, sizeBytes);
    },
    abandon: (imageId) => writer.removeAsService(imageId),
  };
}

/**
 * Until the image service offers the two service-level methods above: os-volume_upload_image answers
 * 501 at request time, before any image is made or any volume status changes.
 */
export const unavailableImageUploader: ImageUploader = {
  createImage: async () => {
    throw errors.notImplemented(
      "Uploading a volume to an image needs the image service's service-level upload (see src/volume/NEXT.md).",
    );
  },
  upload: async () => {
    throw new Error('image upload is not available');
  },
  abandon: async () => undefined,
};

/** The object service's service-level calls backups use (object-store/object-service.ts). */
export interface ObjectCalls {
  getContainer(projectId: string, name: string): Promise<unknown>;
  putContainer(projectId: string, name: string, metadata: StoredMetadata): Promise<boolean>;
  putObject(input: PutObjectInput): Promise<unknown>;
  findObject(projectId: string, container: string, name: string): Promise<StoredObject | undefined>;
  openObject(o: StoredObject): Promise<Readable>;
  deleteObject(projectId: string, container: string, name: string): Promise<unknown>;
  emptyMetadata(): StoredMetadata;
}

export function createBackupObjects(objects: ObjectCalls): BackupObjects {
  return {
    async ensureContainer(projectId, container) {
      if ((await objects.getContainer(projectId, container)) === undefined) {
        await objects.putContainer(projectId, container, objects.emptyMetadata());
      }
    },
    async put(projectId, container, name, body) {
      await objects.putObject({
        projectId,
        container,
        name,
        body: (async function* () {
          yield body;
        })(),
        contentLength: body.length,
        contentType: 'application/octet-stream',
        metadata: objects.emptyMetadata(),
        deleteAt: null,
      });
    },
    async get(projectId, container, name) {
      const o = await objects.findObject(projectId, container, name);
      if (!o) throw new BackupObjectMissing(name);
      const parts: Buffer[] = [];
      for await (const chunk of await objects.openObject(o)) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    },
    async delete(projectId, container, name) {
      try {
        await objects.deleteObject(projectId, container, name);
      } catch (err) {
        if (!(isApiError(err) && err.status === 404)) throw err;
      }
    },
  };
}

/**
 * The VolumeHost over the compute driver of this host. `servers.visible` is compute's caller-checked
 * read (compute.services.servers.visible). The driver records every attached disk with the guest
 * (hot-plugged when it runs, plugged at its next start when it is stopped), so a restart of the guest
 * brings its disks back; online extend is the driver's resizeVolume (QMP block_resize). Every call runs
 * under the guest's lock (compute/guest-lock.ts), which compute's worker takes too: a driver expects one
 * operation per guest at a time, and a hot-plug must not race a power action, a resize or a snapshot.
 */
export function createVolumeHost(deps: {
  driver: Pick<
    ComputeDriver,
    'attachVolume' | 'detachVolume' | 'resizeVolume' | 'status' | 'pause' | 'unpause'
  >;
  servers: { visible(auth: AuthContext, serverId: string): Promise<unknown> };
  /** Compute's resource locks (compute.locks). */
  locks: ResourceLocks;
}): VolumeHost {
  const { driver } = deps;
  const serialised = guestLock(deps.locks);
  return {
    async checkServer(auth, serverId) {
      await deps.servers.visible(auth, serverId);
    },
    attach: (serverId, disk) => serialised(serverId, () => plug(serverId, disk)),
    detach: (serverId, volumeId) => serialised(serverId, () => unplug(serverId, volumeId)),
    extend: (serverId, volumeId, newSizeBytes) =>
      serialised(serverId, () => driver.resizeVolume(serverId, volumeId, newSizeBytes)),
    quiesced: (serverId, work) =>
      serialised(serverId, async () => {
        const info = await driver.status(serverId).catch(() => undefined);
        const freeze = info?.powerState === PowerState.Running;
        if (freeze) await driver.pause(serverId);
        try {
          return await work();
        } finally {
          if (freeze) await driver.unpause(serverId);
        }
      }),
  };

  async function plug(serverId: string, disk: Parameters<VolumeHost['attach']>[1]): Promise<void> {
    try {
      await driver.attachVolume(serverId, { ...disk });
    } catch (err) {
      // Already recorded with the guest (a re-attach after a restart): nothing to plug twice.
      if (!isDriverError(err, 'AlreadyExists')) throw err;
    }
  }

  async function unplug(serverId: string, volumeId: string): Promise<void> {
    try {
      await driver.detachVolume(serverId, volumeId);
    } catch (err) {
      if (!isDriverError(err, 'NotFound')) throw err;
    }
  }
}
