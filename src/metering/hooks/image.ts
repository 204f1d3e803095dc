// The image service's usage hook: called by the image store in the transaction of each record write.
// An image is billed per GB (GiB) of its data from the write that makes it active until its record is
// deleted; a deactivated image still holds its data and stays billed.
import type { Kysely } from 'kysely';
import type { Image } from '../../image/model.js';
import { BYTES_PER_GB, Dec } from '../money.js';
import { meters } from '../model.js';
import type { UsageRecorder } from '../usage-recorder.js';
import { syncUsage } from './sync-usage.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the image store's Kysely<Database>.
type Db = Kysely<any>;

export interface ImageUsageHook {
  /** After a write of the image's record (`at`: its updated_at). */
  saved(trx: Db, image: Image): Promise<void>;
  /** After the record was removed. */
  removed(trx: Db, imageId: string): Promise<void>;
}

const BILLED = new Set(['active', 'deactivated']);

export function createImageUsageHook(recorder: UsageRecorder): ImageUsageHook {
  return {
    async saved(trx, image) {
      const ref = { resourceType: 'image', resourceId: image.id } as const;
      const at = new Date(image.updatedAt);
      if (image.status === 'deleted') return syncUsage(recorder, trx, ref, null, at);
      if (!BILLED.has(image.status)) return;
      const desired = {
        ...ref,
        projectId: image.owner,
        meter: meters.image(),
        quantity: new Dec(image.sizeBytes ?? 0).div(BYTES_PER_GB),
        attributes: { name: image.name, sizeBytes: image.sizeBytes },
      };
      await syncUsage(recorder, trx, ref, desired, at);
    },
    async removed(trx, imageId) {
      await recorder.closeUsage(trx, { resourceType: 'image', resourceId: imageId });
    },
  };
}
