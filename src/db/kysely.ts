// Opens the database: the embedded SQLite file (better-sqlite3, WAL) by default, or PostgreSQL when a
// postgres:// URL is given. Same Kysely<Database> either way; the dialect never leaks past this folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type MigrationProvider,
} from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… or empty for SQLite. */
  url: string;
  /** Where db.sqlite lives when url is empty. */
  dataDir: string;
}

export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (options.url.startsWith('postgres://') || options.url.startsWith('postgresql://')) {
    // COUNT(*) and BIGINT come back as strings by default; our counters fit in a double.
    pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: options.url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (options.url !== '' && options.url !== 'sqlite') {
    throw new Error(`unsupported database URL scheme in ${JSON.stringify(options.url.split(':')[0])}`);
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(join(options.dataDir, 'db.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit survives power loss, since an acknowledged write must never be lost.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest migration. Throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  // On PostgreSQL, name the schema of the bookkeeping tables: without it Kysely finds a
  // kysely_migration table in any schema of the database (another deployment's, or another test's) and
  // skips creating its own.
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  // Migrations are independent of each other within a day and land from parallel branches, so one that
  // sorts before an already-applied one must still run on an existing database (Kysely refuses by default).
  const migrator = new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
