// Composition of the object store: blob store under the data dir, the object service over the
// database, the Swift front end, and the background reaper for expired objects.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { TokenValidator } from '../common/http/context.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/schema.js';
import type { ObjectStorageUsageHook } from '../metering/hooks/object-store.js';
import { createBlobStore } from './blob/blob-store.js';
import type { BlobKeys } from './blob/encrypted-blob.js';
import { emptyExtensions } from './api/swift/extensions.js';
import { swiftPlugin } from './api/swift/plugin.js';
import { installSwiftFeatures } from './api/swift/features/index.js';
import { createObjectService } from './object-service.js';
import { createObjectStoreStore } from './object-store-store.js';
import type { ObjectTraffic } from './traffic.js';

export interface ObjectStoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: Config;
  validator: TokenValidator;
  /** The key manager's data keys: with them every new blob is encrypted at rest. */
  keys?: BlobKeys | undefined;
  /** Metering: told of every change of an account's bytes, in the same transaction. */
  storageUsage?: ObjectStorageUsageHook | undefined;
  /** Metering: told of each billed request and the bytes each object GET sends. */
  traffic?: ObjectTraffic | undefined;
}

export function createObjectStoreModule(deps: ObjectStoreDeps) {
  const blobs = createBlobStore(join(deps.config.dataDir, 'objects'), deps.keys);
  const objects = createObjectService({
    store: createObjectStoreStore(deps.db, deps.storageUsage),
    transaction: (fn) =>
      deps.db.transaction().execute((trx) => fn(createObjectStoreStore(trx, deps.storageUsage))),
    blobs,
    clock: deps.clock,
    maxObjectBytes: deps.config.objectStore.maxObjectBytes,
  });
  const extensions = emptyExtensions();
  installSwiftFeatures(extensions, { objects, clock: deps.clock, config: deps.config });
  let reaper: NodeJS.Timeout | undefined;

  return {
    objects,
    /** Handed on to the S3 front end's blob store (parts are encrypted like objects). */
    keys: deps.keys,
    /** Handed on to the S3 front end, which counts its traffic too. */
    traffic: deps.traffic,
    extensions,
    swiftPlugin: swiftPlugin({
      objects,
      validator: deps.validator,
      extensions,
      clock: deps.clock,
      traffic: deps.traffic,
    }),
    /** Start-up recovery: drop temporary files of interrupted uploads and blobs no row references. */
    async recover(): Promise<{ temporaryFiles: number; garbage: number }> {
      const temporaryFiles = blobs.removeTemporaryFiles();
      let garbage = 0;
      for (let round = 0; round < 1000; round += 1) {
        const removed = await objects.collectGarbage(1000);
        garbage += removed;
        if (removed === 0) break;
      }
      return { temporaryFiles, garbage };
    },
    /** Deletes expired objects now and then every interval, until stop(). */
    startReaper(onError: (err: unknown) => void): void {
      const intervalMs = deps.config.objectStore.expirerIntervalSeconds * 1000;
      const tick = () => {
        objects.reapExpired().catch(onError);
      };
      reaper = setInterval(tick, intervalMs);
      reaper.unref();
      tick();
    },
    stop(): void {
      if (reaper) clearInterval(reaper);
    },
  };
}

export type ObjectStoreModule = ReturnType<typeof createObjectStoreModule>;
