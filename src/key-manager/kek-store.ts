// Kysely queries for project key-encryption keys (key_manager_keks). At most one row per project is
// active (a partial unique index); retired rows still unwrap; destroyed rows have lost their key.
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../db/kysely.js';
import type { KekTable, KeyManagerTables } from './key-manager-tables.js';

export type KekRow = KekTable;

export function createKekStore(db: Kysely<KeyManagerTables>, dialect: DialectName) {
  return {
    get: (id: string) =>
      db.selectFrom('key_manager_keks').selectAll().where('id', '=', id).executeTakeFirst(),

    active: (projectId: string) =>
      db
        .selectFrom('key_manager_keks')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('status', '=', 'active')
        .executeTakeFirst(),

    listByProject: (projectId: string) =>
      db
        .selectFrom('key_manager_keks')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('created_at')
        .execute(),

    /** Inserts a KEK; a second active KEK for the project fails with a unique violation. */
    async insert(row: KekRow): Promise<void> {
      await db.insertInto('key_manager_keks').values(row).execute();
    },

    /** Retires the project's active KEK (if any) and inserts `next` as the active one, atomically. */
    async rotate(next: KekRow): Promise<string[]> {
      return db.transaction().execute(async (trx) => {
        const retired = await trx
          .updateTable('key_manager_keks')
          .set({ status: 'retired', retired_at: next.created_at })
          .where('project_id', '=', next.project_id)
          .where('status', '=', 'active')
          .returning('id')
          .execute();
        await trx.insertInto('key_manager_keks').values(next).execute();
        return retired.map((r) => r.id);
      });
    },

    /** Crypto-erase: every KEK of the project loses its wrapped key, for good. Resolves the ids. */
    async destroyAll(projectId: string, now: string): Promise<string[]> {
      if (dialect === 'sqlite') await sql`PRAGMA secure_delete = ON`.execute(db);
      try {
        const rows = await db
          .updateTable('key_manager_keks')
          .set({ status: 'destroyed', wrapped_key: null, destroyed_at: now })
          .where('project_id', '=', projectId)
          .where('status', '!=', 'destroyed')
          .returning('id')
          .execute();
        return rows.map((r) => r.id);
      } finally {
        if (dialect === 'sqlite') await sql`PRAGMA secure_delete = OFF`.execute(db);
        await scrub(db, dialect);
      }
    },
  };
}

export type KekStore = ReturnType<typeof createKekStore>;

/**
 * Makes the erased wrapped keys leave the database files too, as far as the engine allows. SQLite: the
 * update ran with secure_delete (old cell bytes overwritten with zeros), VACUUM rebuilds the file so that
 * no free page or leftover cell keeps an older copy, and the checkpoint truncates the write-ahead log
 * (crypto-erase is rare — project deletion — and Nuage's database holds metadata only). PostgreSQL: VACUUM FULL rewrites the
 * (small) table, so old tuple versions leave its file; WAL segments and backups keep them until
 * recycled — the wrapped keys there are useless without the root key, which never enters the database.
 */
async function scrub(db: Kysely<KeyManagerTables>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`VACUUM`.execute(db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return;
  }
  await sql`VACUUM FULL key_manager_keks`.execute(db);
}
