// The object store's storage hook: called by the object store's store in the transaction that changes
// an account's byte count (object PUT, overwrite, COPY, DELETE, expiry; Swift and S3 share that path).
// An account is billed per byte stored under its storage policy, one open record per account and
// policy whose quantity is the account's bytes; each change splits it at that instant.
import type { Kysely } from 'kysely';
import type { Clock } from '../../common/clock.js';
import { meters } from '../model.js';
import type { UsageRecorder } from '../usage-recorder.js';
import { syncUsage } from './sync-usage.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the object store's Kysely<Database>.
type Db = Kysely<any>;

export interface StoredBytes {
  /** The account's key in the object store (a project id, or the hidden versions account of one). */
  accountId: string;
  /** The project billed for it. */
  projectId: string;
  storagePolicy: string;
  /** The account's total after the change. */
  bytesUsed: number;
}

export interface ObjectStorageUsageHook {
  stored(trx: Db, stored: StoredBytes): Promise<void>;
}

export function createObjectStorageUsageHook(recorder: UsageRecorder, clock: Clock): ObjectStorageUsageHook {
  return {
    async stored(trx, s) {
      const ref = { resourceType: 'object-store', resourceId: s.accountId } as const;
      const desired =
        s.bytesUsed <= 0
          ? null
          : {
              ...ref,
              projectId: s.projectId,
              meter: meters.objectBytes(s.storagePolicy),
              quantity: s.bytesUsed,
              attributes: { storagePolicy: s.storagePolicy },
            };
      await syncUsage(recorder, trx, ref, desired, clock.now());
    },
  };
}
