// Integration-test harness: the real application (buildApp) on a random loopback port, with a fresh
// SQLite data dir — or, when TEST_PG_URL is set, a fresh PostgreSQL schema — and a bootstrapped admin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp, type RegisteredRoute } from '../../src/app.js';
import { createAuditStore, type AuditStore } from '../../src/audit/audit-store.js';
import { systemClock, type Clock } from '../../src/common/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { migrateToLatest, openDatabase } from '../../src/db/kysely.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { bootstrapIdentity, syncCatalog } from '../../src/identity/bootstrap.js';
import { createFakeNetworkDriver } from '../../src/network/driver/fake/fake-driver.js';
import type { NetworkModule } from '../../src/network/index.js';
import type { ComputeModule } from '../../src/compute/index.js';
import type { VolumeModule } from '../../src/volume/index.js';
import type { S3Services } from '../../src/object-store/s3/index.js';
import type { KeyManagerModule } from '../../src/key-manager/index.js';
import type { MeteringModule } from '../../src/metering/index.js';
import type { ComputeDriver } from '../../src/compute/driver/driver.js';
import { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import type { NuageMetrics } from '../../src/metrics/index.js';

export interface TestApp {
  url: string;
  /** The S3 listener. */
  s3Url: string;
  /** Every route of the OpenStack listener, as registered. */
  routes: RegisteredRoute[];
  identityUrl: string;
  adminPassword: string;
  adminToken: string;
  dialect: 'sqlite' | 'postgres';
  /** Read access to the audit trail, for assertions. */
  audit: AuditStore;
  /** The network module (its driver is the fake one unless a test passes another). */
  network: NetworkModule;
  /** The compute module (its driver is a FakeDriver unless a test passes another). */
  compute: ComputeModule;
  /** The block-storage module (its worker runs; `volume.worker.idle()` waits for it). */
  volume: VolumeModule;
  /** The S3 front end's services (`s3.lifecycle.runOnce(date)` applies lifecycle rules as of a date). */
  s3: S3Services;
  /** The key manager (its KeyService gives data keys; its root of trust is the configured one). */
  keyManager: KeyManagerModule;
  /** Metering (its recorder writes usage records as the services do, in a transaction on `db`). */
  metering: MeteringModule;
  /** The app's data directory (volumes live in `<dataDir>/volumes`). */
  dataDir: string;
  /** The app's database (for tests that play another process, e.g. holding a lease). */
  db: Kysely<Database>;
  /** Prometheus metrics, when the test set `metrics.listen` (no listener: scrape `metrics.scrape()`). */
  metrics?: NuageMetrics;
  close(): Promise<void>;
}

async function freshPostgresSchema(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const sep = baseUrl.includes('?') ? '&' : '?';
  return {
    url: `${baseUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** Password-authenticates and returns the X-Subject-Token. */
export async function issueToken(identityUrl: string, auth: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${identityUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth }),
  });
  if (res.status !== 201) throw new Error(`auth failed: ${res.status} ${await res.text()}`);
  return res.headers.get('x-subject-token') as string;
}

export function passwordAuth(user: string, password: string, project?: string, domain = 'Default') {
  return {
    identity: {
      methods: ['password'],
      password: { user: { name: user, domain: { name: domain }, password } },
    },
    ...(project ? { scope: { project: { name: project, domain: { name: domain } } } } : {}),
  };
}

export async function startTestApp(
  options: {
    identity?: Record<string, unknown>;
    /** keyManager config keys (e.g. the PKCS#11 root of trust). */
    keyManager?: Record<string, unknown>;
    /** Use the embedded SQLite file even when TEST_PG_URL is set (tests that read the file itself). */
    sqlite?: boolean;
    networkDriver?: NetworkModule['driver'];
    computeDriver?: ComputeDriver;
    /** More config keys, dotted (e.g. `volume.backend`). */
    config?: Record<string, unknown>;
    /** The app's clock (default: the system's), e.g. one a metering test advances by hand. */
    clock?: Clock;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nuage-it-'));
  const pgBase = options.sqlite ? undefined : process.env.TEST_PG_URL;
  const pgSchema = pgBase ? await freshPostgresSchema(pgBase) : undefined;
  const config = loadConfig({
    overrides: {
      dataDir,
      listen: '127.0.0.1:0',
      databaseUrl: pgSchema?.url ?? '',
      logLevel: 'silent',
      identity: options.identity,
      keyManager: options.keyManager,
      ...options.config,
    },
  });
  const handle = openDatabase({ url: config.databaseUrl, dataDir });
  await migrateToLatest(handle.db);
  const {
    app,
    s3App,
    s3,
    identity,
    network,
    compute,
    volume,
    keyManager,
    metering,
    served,
    routes,
    metrics,
  } = await buildApp({
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock: options.clock ?? systemClock,
    logger: false,
    networkDriver: options.networkDriver ?? createFakeNetworkDriver(),
    computeDriver: options.computeDriver ?? new FakeDriver(),
  });
  const boot = await bootstrapIdentity(identity.stores, {
    clock: options.clock ?? systemClock,
    region: config.region,
    adminProjectName: 'admin',
  });
  await network.start(boot.adminProjectId);
  await compute.start(200);
  await volume.worker.reattach();
  volume.worker.start(200);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  await s3App.listen({ host: '127.0.0.1', port: 0 });
  const s3Address = s3App.server.address();
  const s3Url = `http://127.0.0.1:${typeof s3Address === 'object' && s3Address ? s3Address.port : 0}`;
  served.push({ type: 's3', name: 's3', path: s3Url });
  await syncCatalog(identity.stores, { region: config.region, publicUrl: url, served });
  const identityUrl = `${url}/identity`;
  const adminPassword = boot.newAdminPassword as string;
  const adminToken = await issueToken(identityUrl, passwordAuth('admin', adminPassword, 'admin'));
  return {
    url,
    s3Url,
    s3,
    routes,
    identityUrl,
    adminPassword,
    adminToken,
    dialect: handle.dialect,
    audit: createAuditStore(handle.db),
    network,
    compute,
    volume,
    keyManager,
    metering,
    dataDir,
    db: handle.db,
    ...(metrics && { metrics }),
    async close() {
      await volume.worker.stop();
      await compute.stop();
      await network.close();
      await s3App.close();
      // A client may still hold a keep-alive connection whose streamed response just ended; close()
      // would wait for it to go idle, so cut every connection first.
      app.server.closeAllConnections();
      await app.close();
      await handle.close();
      await pgSchema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
