// Snapshot images that compute makes (Nova createImage), as the service rather than as a caller: the
// compute worker runs outside any request. A snapshot is a private qcow2/bare image of the server's
// project, created queued; its bytes arrive through ImageData.uploadAsService.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import { newUuid } from '../common/ids.js';
import { applyAttribute } from './image-attributes.js';
import type { ImageStore } from './image-store.js';
import { CORE_WRITABLE, type Image } from './model.js';

export interface SnapshotImagesDeps {
  store: ImageStore;
  clock: Clock;
  quota: { imageCountTotal: number };
  /** Removes an image's data objects (ImageData.removeData). */
  removeData(image: Image): Promise<void>;
}

export interface SnapshotImageInput {
  name: string;
  minDisk: number;
  minRam: number;
  /** Custom properties (image_type, instance_uuid, … and the caller's metadata). */
  properties: Record<string, string>;
}

const CORE = new Set<string>(CORE_WRITABLE);

export function createSnapshotImages(deps: SnapshotImagesDeps) {
  const { store, clock } = deps;

  return {
    /** Creates the queued snapshot image owned by `owner`, within the project's image-count quota. */
    async create(owner: string, input: SnapshotImageInput): Promise<Image> {
      const now = clock.now().toISOString();
      const image: Image = {
        id: newUuid(),
        name: null,
        owner,
        status: 'queued',
        visibility: 'private',
        protected: false,
        osHidden: false,
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        minDisk: 0,
        minRam: 0,
        sizeBytes: null,
        virtualSizeBytes: null,
        checksum: null,
        osHashAlgo: null,
        osHashValue: null,
        properties: {},
        tags: [],
        dataObject: null,
        stagedObject: null,
        createdAt: now,
        updatedAt: now,
      };
      applyAttribute(image, 'name', input.name);
      applyAttribute(image, 'min_disk', input.minDisk);
      applyAttribute(image, 'min_ram', input.minRam);
      // Properties never set core attributes (a metadata key `visibility` stays a property name only).
      for (const [key, value] of Object.entries(input.properties)) {
        if (!CORE.has(key)) applyAttribute(image, key, value);
      }
      if ((await store.usage(owner)).count >= deps.quota.imageCountTotal) {
        throw errors.payloadTooLarge(
          `Maximum number of images exceeded (image_count_total ${deps.quota.imageCountTotal}).`,
        );
      }
      await store.insert(image);
      return image;
    },

    get(id: string): Promise<Image | undefined> {
      return store.get(id);
    },

    /** Deletes the image and its data; a missing image resolves. */
    async remove(id: string): Promise<void> {
      const image = await store.get(id);
      if (!image) return;
      await store.remove(image.id);
      await deps.removeData(image);
    },
  };
}

export type SnapshotImages = ReturnType<typeof createSnapshotImages>;
