// Transactional host claims against a real database: SQLite always, PostgreSQL too when TEST_PG_URL is
// set (a scratch database, a pool of connections so that claims really run concurrently).
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../common/clock.js';
import { DIALECTS, testServer, type TestDatabase } from '../compute-db-test-support.js';
import { createHostRegistration, type HostRegistrationOptions } from '../host-registration.js';
import { createHostStore } from '../host-store.js';
import type { Server } from '../model.js';
import { createServerStore } from '../server-store.js';
import { createHostClaims, NoValidHostError } from './claims.js';

let now = new Date('2026-12-01T10:00:00.000Z');
const clock: Clock = { now: () => now };
const silent = { info: () => undefined, error: () => undefined };

const server = (overrides: Partial<Server> = {}) => testServer(overrides, now);

/** 2 vCPUs × 4.0 = 8 one-vCPU servers; RAM (4096 − 512) and disk (20 GiB) allow more. */
const SMALL = { vcpus: 2, memoryMiB: 4096, diskGib: 20 };

for (const dialect of DIALECTS) {
  describe(`host claims (${dialect.name})`, () => {
    let env: TestDatabase;
    afterEach(async () => {
      await env.close();
    });

    async function setup(hosts: Record<string, Partial<HostRegistrationOptions>>) {
      now = new Date('2026-12-01T10:00:00.000Z');
      env = await dialect.open();
      const registration = createHostRegistration({ db: env.db, clock, log: silent });
      for (const [name, options] of Object.entries(hosts)) {
        await registration.register({
          hostName: name,
          availabilityZone: 'nova',
          dataDir: '/tmp',
          hostIp: '192.0.2.1',
          ...SMALL,
          ...options,
        });
      }
      const servers = createServerStore(env.db);
      const claims = createHostClaims({ db: env.db, clock });
      const hostStore = createHostStore(env.db);
      return { servers, claims, hostStore };
    }

    async function boot(servers: ReturnType<typeof createServerStore>, count: number, o = {}) {
      const made = Array.from({ length: count }, () => server(o));
      for (const s of made) await servers.insert(s);
      return made;
    }

    it('never overcommits a host when boots claim concurrently', async () => {
      const { servers, claims, hostStore } = await setup({ h1: {} });
      const made = await boot(servers, 12);
      const results = await Promise.allSettled(made.map((s) => claims.claim(s)));
      const placed = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(placed).toHaveLength(8);
      expect(refused).toHaveLength(4);
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(NoValidHostError);
        expect((r.reason as Error).message).toBe(
          'No valid host was found. There are not enough hosts available.',
        );
      }
      expect((await hostStore.usage()).get('h1')).toMatchObject({ servers: 8, vcpus: 8 });
    });

    it('spreads across hosts by free RAM and fills both before failing', async () => {
      const { servers, claims, hostStore } = await setup({ a: {}, b: {} });
      const made = await boot(servers, 17);
      const results = await Promise.allSettled(made.map((s) => claims.claim(s)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(16);
      const usage = await hostStore.usage();
      expect(usage.get('a')?.vcpus).toBe(8);
      expect(usage.get('b')?.vcpus).toBe(8);
    });

    it('is idempotent, and release or delete gives the capacity back', async () => {
      const { servers, claims, hostStore } = await setup({ h1: { vcpus: 1, cpuAllocationRatio: 1 } });
      const [first, second] = await boot(servers, 2);
      if (!first || !second) throw new Error('setup');
      expect(await claims.claim(first)).toBe('h1');
      expect(await claims.claim(first)).toBe('h1');
      await expect(claims.claim(second)).rejects.toBeInstanceOf(NoValidHostError);
      await claims.release(first.id);
      expect(await claims.claim(second)).toBe('h1');
      const current = await servers.get(second.id);
      if (!current) throw new Error('gone');
      await servers.update(second.id, current.version, { deleted: true }, now.toISOString());
      expect((await hostStore.usage()).get('h1')).toBeUndefined();
      expect(await claims.claim(first)).toBe('h1');
    });

    it('skips disabled, forced-down and silent hosts, and other zones', async () => {
      const { servers, claims, hostStore } = await setup({
        off: {},
        forced: {},
        silent: {},
        elsewhere: { availabilityZone: 'az2' },
        good: { memoryMiB: 1024 },
      });
      const all = await hostStore.list();
      const id = (name: string) => all.find((h) => h.name === name)?.id ?? '';
      await hostStore.setService(id('off'), { disabled: true, disabledReason: 'maintenance' }, 'x');
      await hostStore.setService(id('forced'), { forcedDown: true }, 'x');
      now = new Date(now.getTime() + 120_000);
      for (const name of ['off', 'forced', 'elsewhere', 'good']) {
        await hostStore.heartbeat(name, now.toISOString());
      }
      const [one, two] = await boot(servers, 2);
      if (!one || !two) throw new Error('setup');
      // "good" has the least free RAM but is the only candidate in zone nova that is up and enabled.
      expect(await claims.claim(one)).toBe('good');
      const [zoned] = await boot(servers, 1, { availabilityZone: 'az2' });
      if (!zoned) throw new Error('setup');
      expect(await claims.claim(zoned)).toBe('elsewhere');
      await hostStore.setService(id('good'), { disabled: true }, 'x');
      await expect(claims.claim(two)).rejects.toBeInstanceOf(NoValidHostError);
    });

    it('serialises quota checks of one project (count + insert under lockProjectQuota)', async () => {
      await setup({});
      const limit = 5;
      const attempt = () =>
        env.db.transaction().execute(async (trx) => {
          const tx = createServerStore(trx);
          await tx.lockProjectQuota('p1');
          const used = await tx.countActive('p1');
          if (used.servers + 1 > limit) return false;
          await tx.insert(server());
          return true;
        });
      const results = await Promise.all(Array.from({ length: 12 }, attempt));
      expect(results.filter(Boolean)).toHaveLength(limit);
      expect((await createServerStore(env.db).countActive('p1')).servers).toBe(limit);
    });
  });
}
