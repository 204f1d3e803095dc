// Test support for compute store tests: the dialects to run on (SQLite always; PostgreSQL too when CI
// sets TEST_PG_URL, on a scratch database with a pool so that transactions really run concurrently),
// each opened with the compute migrations applied.
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createScratchDatabase } from '../../test/support/postgres.js';
import { up } from '../db/migrations/2026-11-30-compute.js';
import { up as upHosts } from '../db/migrations/2026-12-01-compute-hosts.js';
import type { ComputeTables } from './compute-tables.js';
import type { Flavor, Server } from './model.js';

export interface TestDatabase {
  db: Kysely<ComputeTables>;
  close(): Promise<void>;
}

async function sqlite(): Promise<TestDatabase> {
  const db = new Kysely<ComputeTables>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
  });
  return { db, close: () => db.destroy() };
}

async function postgres(baseUrl: string): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(baseUrl, 'nuage_compute');
  const db = new Kysely<ComputeTables>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scratch.url, max: 8 }) }),
  });
  return {
    db,
    async close() {
      await db.destroy();
      await scratch.drop();
    },
  };
}

/** Opens an empty database of the dialect and applies the compute migrations up to hosts. */
async function migrated(open: () => Promise<TestDatabase>): Promise<TestDatabase> {
  const env = await open();
  await up(env.db);
  await upHosts(env.db);
  return env;
}

export const DIALECTS: { name: string; open: () => Promise<TestDatabase> }[] = [
  { name: 'sqlite', open: () => migrated(sqlite) },
];
// eslint-disable-next-line no-restricted-properties -- store tests run on PostgreSQL when CI sets TEST_PG_URL (STYLE 3.6).
const pgUrl = process.env.TEST_PG_URL;
if (pgUrl) DIALECTS.push({ name: 'postgres', open: () => migrated(() => postgres(pgUrl)) });

export const TEST_FLAVOR: Flavor = {
  id: 'f1',
  name: 'm1.small',
  description: null,
  vcpus: 1,
  ramMiB: 256,
  diskGib: 1,
  ephemeralGib: 0,
  swapMiB: 0,
  rxtxFactor: 1,
  isPublic: true,
  disabled: false,
  extraSpecs: {},
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

let serial = 0;

/** A `building/scheduling` server row of project p1 with TEST_FLAVOR, created at `at`. */
export function testServer(overrides: Partial<Server> = {}, at: Date = new Date()): Server {
  const iso = at.toISOString();
  const n = ++serial;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `vm${n}`,
    description: null,
    projectId: 'p1',
    userId: 'u1',
    flavorId: TEST_FLAVOR.id,
    flavor: TEST_FLAVOR,
    imageId: 'img',
    keyName: null,
    keyData: null,
    userData: null,
    metadata: {},
    networks: [],
    ports: [],
    configDrive: false,
    availabilityZone: 'nova',
    host: null,
    vmState: 'building',
    taskState: 'scheduling',
    powerState: 0,
    locked: false,
    lockedReason: null,
    stepsDone: [],
    attempts: 0,
    launchedAt: null,
    terminatedAt: null,
    deleted: false,
    version: 1,
    createdAt: iso,
    updatedAt: iso,
    fault: null,
    ...overrides,
  };
}
