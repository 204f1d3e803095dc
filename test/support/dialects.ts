// Databases for store tests, with every migration applied (the schema that ships, not a hand-picked
// part of it): in-memory SQLite always, and a scratch PostgreSQL database too when TEST_PG_URL is set
// (always in CI, STYLE.md 3.6), with a pool so that transactions really run concurrently.
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src/db/kysely.js';
import type { Database } from '../../src/db/schema.js';
import { createScratchDatabase } from './postgres.js';

export interface TestDatabase {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

async function sqlite(): Promise<TestDatabase> {
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
  });
  await migrateToLatest(db);
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function postgres(baseUrl: string): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(baseUrl, 'nuage_store');
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scratch.url, max: 8 }) }),
  });
  await migrateToLatest(db);
  return {
    db,
    dialect: 'postgres',
    async close() {
      await db.destroy();
      await scratch.drop();
    },
  };
}

export const DIALECTS: { name: 'sqlite' | 'postgres'; open: () => Promise<TestDatabase> }[] = [
  { name: 'sqlite', open: sqlite },
];
const pgUrl = process.env.TEST_PG_URL;
if (pgUrl) DIALECTS.push({ name: 'postgres', open: () => postgres(pgUrl) });
