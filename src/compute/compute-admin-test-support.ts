// Test support for hosts, claims, quotas and tags before index.ts wires compute-admin.ts: the same
// composition as createComputeModule plus createComputeAdmin (claims in the worker, per-project quotas
// in the server service, the admin routes in the plugin), over in-memory SQLite with the compute
// migrations, with registered fake hosts. Once index.ts takes the admin pieces, use startCompute.
import SqliteDatabase from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kysely, SqliteDialect } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { up } from '../db/migrations/2026-11-30-compute.js';
import { up as upHosts } from '../db/migrations/2026-12-01-compute-hosts.js';
import { up as upResize } from '../db/migrations/2026-12-02-compute-resize.js';
import { computePlugin } from './api/plugin.js';
import { DEFAULT_COMPUTE_QUOTA } from './collaborators.js';
import { createComputeAdmin, type ComputeAdmin } from './compute-admin.js';
import { callerProject } from './compute-policy.js';
import type { ComputeTables } from './compute-tables.js';
import { configDrives, images, memoryPorts, validator, type Json } from './compute-test-support.js';
import { FakeDriver } from './driver/fake/fake-driver.js';
import { createFlavorService } from './flavor-service.js';
import { createFlavorStore } from './flavor-store.js';
import type { HostRegistrationOptions } from './host-registration.js';
import { createKeyPairService } from './keypair-service.js';
import { createKeyPairStore } from './keypair-store.js';
import { createServerActions } from './server-actions.js';
import { createServerMetadata } from './server-metadata.js';
import { createServerService } from './server-service.js';
import { createServerStore } from './server-store.js';
import { createServerWorker, type ServerWorker } from './server-worker.js';

export interface AdminHarness {
  app: FastifyInstance;
  url: string;
  db: Kysely<ComputeTables>;
  admin: ComputeAdmin;
  worker: ServerWorker;
  driver: FakeDriver;
  /** Registers (or refreshes) a fake host with the given capacity. */
  addHost(name: string, options?: Partial<HostRegistrationOptions>): Promise<void>;
  close(): Promise<void>;
}

/** A host of 2 vCPUs (8 with Nova's 4.0 ratio), 4 GiB RAM (512 MiB reserved) and 20 GiB disk. */
export const SMALL_HOST = { vcpus: 2, memoryMiB: 4096, diskGib: 20 } as const;

export async function startComputeAdmin(clock: Clock = { now: () => new Date() }): Promise<AdminHarness> {
  const db = new Kysely<ComputeTables>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
  });
  await up(db);
  await upHosts(db);
  await upResize(db);
  const driver = new FakeDriver({ delays: { spawnMs: 5 } });
  const ports = memoryPorts();
  const log = { info: () => undefined, error: () => undefined };
  const quota = DEFAULT_COMPUTE_QUOTA;
  const admin = createComputeAdmin({ db, clock, hostName: 'api-1', quota, log });
  const stores = {
    flavors: createFlavorStore(db),
    keyPairs: createKeyPairStore(db),
    servers: createServerStore(db),
  };
  const worker = createServerWorker({
    store: stores.servers,
    clock,
    log,
    driver,
    images,
    ports,
    configDrives,
    hostName: 'api-1',
    claims: admin.claims,
  });
  const flavors = createFlavorService({
    store: stores.flavors,
    clock,
    transaction: (fn) => db.transaction().execute((trx) => fn(createFlavorStore(trx))),
  });
  const keyPairs = createKeyPairService({ store: stores.keyPairs, clock, randomBytes, maxPerUser: 100 });
  const servers = createServerService({
    store: stores.servers,
    flavors,
    keyPairs: stores.keyPairs,
    images,
    ports,
    clock,
    quota,
    quotaOf: (projectId) => admin.quotas.computeQuotaOf(projectId),
    defaultAvailabilityZone: 'nova',
    scheduledZones: true,
    zoneAccepted: (zone) => admin.hosts.zoneAccepted(zone),
    transaction: (fn) => db.transaction().execute((trx) => fn(createServerStore(trx))),
    kick: (id) => worker.kick(id),
  });
  const actions = createServerActions({
    servers,
    store: stores.servers,
    driver,
    clock,
    kick: (id) => worker.kick(id),
  });
  const metadata = createServerMetadata({ servers, store: stores.servers, clock, maxItems: 128 });
  const plugin = computePlugin({
    flavors,
    keyPairs,
    servers,
    actions,
    metadata,
    availabilityZone: 'nova',
    quota,
    async usage(auth) {
      const project = callerProject(auth);
      const used = project === undefined ? undefined : await stores.servers.countActive(project);
      return {
        instances: used?.servers ?? 0,
        cores: used?.vcpus ?? 0,
        ramMiB: used?.ramMiB ?? 0,
        keyPairs: await stores.keyPairs.count(auth.userId),
      };
    },
    publicUrl: '',
    validator,
    admin: admin.routeDeps(servers, stores.servers),
  });
  const app = Fastify();
  app.decorateRequest('auth', undefined);
  await app.register(plugin, { prefix: '/compute' });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url: `${url}/compute`,
    db,
    admin,
    worker,
    driver,
    async addHost(name, options = {}) {
      await admin.registration.register({
        hostName: name,
        availabilityZone: 'nova',
        dataDir: '/tmp',
        hostIp: '192.0.2.10',
        ...SMALL_HOST,
        ...options,
      });
    },
    async close() {
      await worker.stop();
      await app.close();
      await driver.close();
      await db.destroy();
    },
  };
}

/** One JSON call with a token (tokens: admin, user, other; see compute-test-support.ts). */
export async function call(
  h: { url: string },
  token: string,
  method: string,
  path: string,
  body?: unknown,
  version = '2.79',
) {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      'x-auth-token': token,
      'openstack-api-version': `compute ${version}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : undefined };
}
