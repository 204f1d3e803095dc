// Kysely queries for key pairs. A key pair belongs to a user (not a project), keyed by (user, name).
import type { Kysely, Selectable } from 'kysely';
import type { ComputeTables, KeyPairTable } from './compute-tables.js';
import type { KeyPair, KeyPairType } from './model.js';

export const KEYPAIR_SCAN_LIMIT = 10_000;

function toKeyPair(row: Selectable<KeyPairTable>): KeyPair {
  return {
    userId: row.user_id,
    name: row.name,
    type: row.type as KeyPairType,
    publicKey: row.public_key,
    fingerprint: row.fingerprint,
    createdAt: row.created_at,
  };
}

export function createKeyPairStore(db: Kysely<ComputeTables>) {
  return {
    async get(userId: string, name: string): Promise<KeyPair | undefined> {
      const row = await db
        .selectFrom('compute_key_pairs')
        .selectAll()
        .where('user_id', '=', userId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toKeyPair(row);
    },

    async list(userId: string, limit: number, marker: string | undefined): Promise<KeyPair[]> {
      let query = db
        .selectFrom('compute_key_pairs')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('name')
        .limit(Math.min(limit, KEYPAIR_SCAN_LIMIT));
      if (marker !== undefined) query = query.where('name', '>', marker);
      return (await query.execute()).map(toKeyPair);
    },

    async count(userId: string): Promise<number> {
      const row = await db
        .selectFrom('compute_key_pairs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Resolves false when the (user, name) pair exists already. */
    async insert(k: KeyPair): Promise<boolean> {
      if (await this.get(k.userId, k.name)) return false;
      await db
        .insertInto('compute_key_pairs')
        .values({
          user_id: k.userId,
          name: k.name,
          type: k.type,
          public_key: k.publicKey,
          fingerprint: k.fingerprint,
          created_at: k.createdAt,
        })
        .execute();
      return true;
    },

    async remove(userId: string, name: string): Promise<boolean> {
      const result = await db
        .deleteFrom('compute_key_pairs')
        .where('user_id', '=', userId)
        .where('name', '=', name)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type KeyPairStore = ReturnType<typeof createKeyPairStore>;
