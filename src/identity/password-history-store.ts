// Kysely queries on password_history: the passwords a user has had, for Keystone's history and
// minimum-age rules. Rows go with the user (foreign key cascade).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { newHexId } from '../common/ids.js';

export interface PasswordRecord {
  passwordHash: string;
  createdAt: string;
}

export function createPasswordHistoryStore(db: Kysely<Database>) {
  return {
    async record(userId: string, passwordHash: string, createdAt: string): Promise<void> {
      await db
        .insertInto('password_history')
        .values({ id: newHexId(), user_id: userId, password_hash: passwordHash, created_at: createdAt })
        .execute();
    },
    /** The user's last `count` passwords, newest first. */
    async latest(userId: string, count: number): Promise<PasswordRecord[]> {
      const rows = await db
        .selectFrom('password_history')
        .select(['password_hash', 'created_at'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(count, 0))
        .execute();
      return rows.map((r) => ({ passwordHash: r.password_hash, createdAt: r.created_at }));
    },
  };
}

export type PasswordHistoryStore = ReturnType<typeof createPasswordHistoryStore>;
