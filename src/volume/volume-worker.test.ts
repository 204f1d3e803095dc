// The volume worker on the shared work queue: a row is driven under its lease, so a row that another
// process holds is left to it, and is taken over once that lease is released (or expires).
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../common/clock.js';
import { createLeaseStore, type LeaseTables } from '../common/tasks/lease-store.js';
import { DIALECTS, cinder, settled, startVolume, type TestDatabase } from './volume-test-support.js';

describe.each(DIALECTS)('volume worker leases ($name)', (dialect) => {
  it('leaves a row another process holds, and drives it once the lease is free', async () => {
    let database: TestDatabase | undefined;
    const h = await startVolume({
      open: async () => (database = await dialect.open()),
    });
    try {
      const leases = createLeaseStore(database!.db as unknown as Kysely<LeaseTables>, systemClock);
      // Stopped: the create's kick is ignored, the row waits in the database.
      await h.module.worker.stop();
      const res = await cinder(h, 'user', 'POST', '/volumes', { volume: { size: 1 } });
      expect(res.status).toBe(202);
      const id = res.body.volume.id as string;
      expect(await leases.acquire('volume.volume', id, 'other-process', 60_000)).toBe(true);

      // A sweep finds the row pending but cannot take its lease.
      await h.module.worker.sweep();
      await h.module.worker.idle();
      expect((await cinder(h, 'user', 'GET', `/volumes/${id}`)).body.volume.status).toBe('creating');

      await leases.release('volume.volume', id, 'other-process');
      await h.module.worker.sweep();
      expect((await settled(h, 'user', id)).body.volume.status).toBe('available');
      // The worker gave its lease back when the row was done.
      expect(await leases.get('volume.volume', id)).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
