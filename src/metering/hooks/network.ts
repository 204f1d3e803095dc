// The network service's usage hook: called by the network store in the transaction that inserts or
// removes a resource row. A floating IP and a router are billed by the hour (quantity 1) from the row's
// creation to its removal, in the project that owns them.
import type { Kysely } from 'kysely';
import { meters } from '../model.js';
import type { UsageRecorder } from '../usage-recorder.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the network store's Kysely<Database>.
type Db = Kysely<any>;

export interface NetworkUsageHook {
  inserted(trx: Db, kind: string, rec: { id: string; project_id: string }, createdAt: string): Promise<void>;
  removed(trx: Db, id: string): Promise<void>;
}

const METERED = {
  floatingip: { resourceType: 'floating-ip', meter: meters.floatingIp() },
  router: { resourceType: 'router', meter: meters.router() },
} as const;

export function isMeteredKind(kind: string): kind is keyof typeof METERED {
  return Object.hasOwn(METERED, kind);
}

export function createNetworkUsageHook(recorder: UsageRecorder): NetworkUsageHook {
  return {
    async inserted(trx, kind, rec, createdAt) {
      if (!isMeteredKind(kind)) return;
      const { resourceType, meter } = METERED[kind];
      const start = { resourceType, resourceId: rec.id, projectId: rec.project_id, meter, quantity: 1 };
      await recorder.openUsage(trx, start, new Date(createdAt));
    },
    async removed(trx, id) {
      // The store removes by id alone: close whichever of the two kinds it was (none for other kinds).
      for (const { resourceType } of Object.values(METERED)) {
        await recorder.closeUsage(trx, { resourceType, resourceId: id });
      }
    },
  };
}
