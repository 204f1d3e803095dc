// Test support for module-level compute tests (no app, no HTTP listener of the other services): an
// in-memory SQLite database with the compute migrations applied, a token validator that knows fixed
// callers, and small in-memory image/port/config-drive collaborators. Flows through the whole app live
// in test/integration.
import SqliteDatabase from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kysely, SqliteDialect } from 'kysely';
import { systemClock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext, TokenValidator } from '../common/http/context.js';
import { up } from '../db/migrations/2026-11-30-compute.js';
import { up as upComputeHosts } from '../db/migrations/2026-12-01-compute-hosts.js';
import { up as upComputeResize } from '../db/migrations/2026-12-02-compute-resize.js';
import { up as upWorkLeases } from '../db/migrations/2026-12-07-work-leases.js';
import type { ConfigDriveWriter, ImageSource, PortProvider } from './collaborators.js';
import type { ComputeTables } from './compute-tables.js';
import { FakeDriver } from './driver/fake/fake-driver.js';
import { FaultyDriver } from './driver/faulty/faulty-driver.js';
import { createHostRegistration } from './host-registration.js';
import { createComputeModule, type ComputeModule } from './index.js';
import type { ServerPort } from './model.js';

export const IMAGE_ID = '11111111-1111-4111-8111-111111111111';
export const NETWORK_ID = '22222222-2222-4222-8222-222222222222';

export function caller(token: string): AuthContext {
  const admin = token === 'admin';
  const project = admin ? 'p-admin' : token === 'other' ? 'p-other' : 'p-user';
  return {
    userId: `u-${token}`,
    userName: token,
    userDomainId: 'default',
    userDomainName: 'Default',
    scope: {
      kind: 'project',
      projectId: project,
      projectName: project,
      domainId: 'default',
      domainName: 'Default',
    },
    roles: [{ id: admin ? 'r-admin' : 'r-member', name: admin ? 'admin' : 'member' }],
    roleNames: new Set(admin ? ['admin', 'member', 'reader'] : ['member', 'reader']),
    isAdminProject: admin,
    methods: ['password'],
    auditIds: ['a'],
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
  };
}

export const validator: TokenValidator = {
  async validate(token) {
    if (!['admin', 'user', 'other'].includes(token)) throw errors.unauthorized();
    return caller(token);
  },
};

export const images: ImageSource = {
  async describe(_auth, id) {
    if (id !== IMAGE_ID) throw errors.notFound('image', id);
    return { id, status: 'active', minDiskGib: 0, minRamMiB: 0, sizeBytes: 1024 };
  },
  baseImagePath: async () => '/nonexistent/base.qcow2',
};

export function memoryPorts(): PortProvider & { live: Set<string> } {
  const live = new Set<string>();
  let next = 1;
  const port = (portId: string, created: boolean): ServerPort => ({
    portId,
    networkId: NETWORK_ID,
    networkName: 'private',
    macAddress: `52:54:00:00:00:${String(next).padStart(2, '0')}`,
    fixedIps: [{ address: `10.0.0.${next++}`, version: 4 }],
    created,
  });
  const owners = new Map<string, string>();
  return {
    live,
    checkNetwork: async () => undefined,
    checkPort: async () => undefined,
    autoNetwork: async () => NETWORK_ID,
    async createPort({ serverId }) {
      const p = port(`port-${next}`, true);
      live.add(p.portId);
      owners.set(p.portId, serverId);
      return p;
    },
    bindPort: async (portId) => port(portId, false),
    deletePort: async (portId) => void (live.delete(portId), owners.delete(portId)),
    portsOfServer: async (serverId) => [...owners].filter(([, s]) => s === serverId).map(([p]) => p),
    unbindPort: async () => undefined,
    plug: async () => ({ kind: 'user' }),
    unplug: async () => undefined,
    floatingIps: async () => new Map(),
    securityGroups: async (_auth, _project, names) => names.map((name) => ({ id: name, name })),
  };
}

export const configDrives: ConfigDriveWriter = {
  write: async () => '/nonexistent/config.iso',
  remove: async () => undefined,
};

export interface ComputeHarness {
  app: FastifyInstance;
  url: string;
  module: ComputeModule;
  /** The fake hypervisor itself (what exists, specs): the module reaches it through `faulty`. */
  driver: FakeDriver;
  /** What the module calls: the fake behind a FaultyDriver, quiet until a test scripts a fault. */
  faulty: FaultyDriver;
  ports: ReturnType<typeof memoryPorts>;
  close(): Promise<void>;
}

export async function startCompute(): Promise<ComputeHarness> {
  const db = new Kysely<ComputeTables>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
  });
  await up(db);
  await upComputeHosts(db);
  await upComputeResize(db);
  // The per-guest lock the worker takes is a lease (common/tasks/resource-lock.ts).
  await upWorkLeases(db);
  const driver = new FakeDriver({ delays: { spawnMs: 5 } });
  const faulty = new FaultyDriver(driver, { seed: 1, errorRate: 0 });
  const ports = memoryPorts();
  const silent = { info: () => undefined, error: () => undefined };
  // The host the scheduler places servers on once index.ts wires claims (roomy: tests boot many).
  await createHostRegistration({ db, clock: systemClock, log: silent }).register({
    hostName: 'host-1',
    availabilityZone: 'nova',
    dataDir: '/tmp',
    hostIp: '192.0.2.1',
    vcpus: 16,
    memoryMiB: 65_536,
    diskGib: 1000,
  });
  const module = createComputeModule({
    db,
    clock: systemClock,
    validator,
    driver: faulty,
    images,
    ports,
    configDrives,
    log: silent,
    publicUrl: '',
    hostName: 'host-1',
  });
  const app = Fastify();
  app.decorateRequest('auth', undefined);
  await app.register(module.plugin, { prefix: '/compute' });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url: `${url}/compute`,
    module,
    driver,
    faulty,
    ports,
    async close() {
      await module.worker.stop();
      await app.close();
      await driver.close();
      await db.destroy();
    },
  };
}

/** Wire JSON under test: assertions walk it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the responses are checked by the tests
export type Json = any;

/** One JSON call with a token (tokens are the caller names above). */
export async function nova(
  h: ComputeHarness,
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
