// Throw-away PostgreSQL databases for tests that start the server: each start gets its own database,
// created from a base URL (the role needs CREATEDB, as scripts/start-postgres.sh grants) and dropped after.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** PostgreSQL's "insufficient_privilege" SQLSTATE. */
const INSUFFICIENT_PRIVILEGE = '42501';

export interface ScratchDatabase {
  /** URL of the new database: the base URL with its database name replaced. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database named `<prefix>_<random>` on the server of `baseUrl`.
 * Example: `await createScratchDatabase('postgres://nuage:nuage@127.0.0.1:5432/nuage_test', 'nuage_e2e')`.
 */
export async function createScratchDatabase(baseUrl: string, prefix = 'nuage_e2e'): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const owner = decodeURIComponent(new URL(baseUrl).username) || 'postgres';
  await runAdminSql(
    baseUrl,
    `CREATE DATABASE ${quoteIdent(name)}`,
    `CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(owner)}`,
  );
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      const sql = `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`;
      await runAdminSql(baseUrl, sql, sql);
    },
  };
}

/**
 * Runs a statement through the base URL's own role; if that role lacks the privilege and we are root,
 * runs the fallback statement as the `postgres` superuser through psql, as the scripts do.
 */
async function runAdminSql(baseUrl: string, sql: string, superuserSql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  try {
    await client.connect();
    await client.query(sql);
    return;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== INSUFFICIENT_PRIVILEGE || process.getuid?.() !== 0) throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
  const port = new URL(baseUrl).port || '5432';
  await execFileAsync('su', [
    'postgres',
    '-c',
    `cd / && psql -X -q -v ON_ERROR_STOP=1 -p ${port} -d postgres -c '${superuserSql}'`,
  ]);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
