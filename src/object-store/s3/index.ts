// Composition of the S3 front end's own services (bucket names and configuration, multipart uploads,
// lifecycle rules)
// over the database and the object store's blob directory.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../../common/clock.js';
import type { Config } from '../../config/schema.js';
import type { Database } from '../../db/schema.js';
import { createLeaseStore, type LeaseTables } from '../../common/tasks/lease-store.js';
import { createBlobStore } from '../blob/blob-store.js';
import type { BlobKeys } from '../blob/encrypted-blob.js';
import type { ObjectService } from '../object-service.js';
import { createVersionStore } from '../versioning/index.js';
import { createBucketService } from './bucket-service.js';
import { createLifecycleService } from './lifecycle-service.js';
import { createMultipartService } from './multipart-service.js';
import { createS3Store } from './s3-store.js';

export interface S3ServicesDeps {
  db: Kysely<Database>;
  objects: ObjectService;
  clock: Clock;
  config: Config;
  /** The key manager's data keys (as the object store's): parts are encrypted at rest too. */
  keys?: BlobKeys | undefined;
}

export function createS3Services(deps: S3ServicesDeps) {
  const store = createS3Store(deps.db);
  // The same directory as the object store's blobs: part files are blobs too, and start-up recovery
  // removes the temporary files of interrupted part uploads with everyone else's.
  const blobs = createBlobStore(join(deps.config.dataDir, 'objects'), deps.keys);
  const multipart = createMultipartService({
    store,
    transaction: (fn) => deps.db.transaction().execute((trx) => fn(createS3Store(trx))),
    blobs,
    objects: deps.objects,
    clock: deps.clock,
  });
  const versions = createVersionStore(deps.objects);
  const buckets = createBucketService({
    store,
    versions,
    objects: deps.objects,
    clock: deps.clock,
    abortUploads: (projectId, bucket) => multipart.abortAll(projectId, bucket),
  });
  const lifecycle = createLifecycleService({
    store,
    objects: deps.objects,
    buckets,
    versions,
    multipart,
    // Database includes LeaseTables; Kysely's types are invariant in the schema, hence the cast.
    leases: createLeaseStore(deps.db as unknown as Kysely<LeaseTables>, deps.clock),
    clock: deps.clock,
  });
  return { buckets, multipart, versions, lifecycle };
}

export type S3Services = ReturnType<typeof createS3Services>;
