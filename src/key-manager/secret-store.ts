// Kysely queries for secrets (key_manager_secrets): the rows, Barbican's filtered and paged listing,
// and the payload columns (content type, KEK, wrapped data key, ciphertext).
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { KeyManagerTables, SecretTable } from './key-manager-tables.js';
import type { DateFilter, Page, SecretRecord, SortKey } from './model.js';

export interface SecretListQuery {
  projectId: string;
  now: string;
  offset: number;
  limit: number;
  name?: string;
  algorithm?: string;
  mode?: string;
  bits?: number;
  secretType?: string;
  created: DateFilter[];
  updated: DateFilter[];
  expiration: DateFilter[];
  sort: SortKey[];
}

const SORT_COLUMNS: Record<string, keyof SecretTable> = {
  algorithm: 'algorithm',
  bit_length: 'bit_length',
  created: 'created_at',
  expiration: 'expiration',
  mode: 'mode',
  name: 'name',
  secret_type: 'secret_type',
  status: 'status',
  updated: 'updated_at',
};

function toRecord(row: SecretTable): SecretRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    creatorId: row.creator_id,
    name: row.name,
    secretType: row.secret_type,
    algorithm: row.algorithm,
    bitLength: row.bit_length,
    mode: row.mode,
    expiration: row.expiration,
    status: row.status,
    contentType: row.content_type,
    kekId: row.kek_id,
    wrappedDek: row.wrapped_dek,
    ciphertext: row.ciphertext,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(s: SecretRecord): SecretTable {
  return {
    id: s.id,
    project_id: s.projectId,
    creator_id: s.creatorId,
    name: s.name,
    secret_type: s.secretType,
    algorithm: s.algorithm,
    bit_length: s.bitLength,
    mode: s.mode,
    expiration: s.expiration,
    status: s.status,
    content_type: s.contentType,
    kek_id: s.kekId,
    wrapped_dek: s.wrappedDek,
    ciphertext: s.ciphertext,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

type SecretSelect = SelectQueryBuilder<KeyManagerTables, 'key_manager_secrets', object>;

function dateFilters(query: SecretSelect, column: keyof SecretTable, filters: DateFilter[]): SecretSelect {
  let q = query;
  for (const f of filters) q = q.where(column, f.op, f.value);
  return q;
}

function filtered(db: Kysely<KeyManagerTables>, q: SecretListQuery): SecretSelect {
  let query = db
    .selectFrom('key_manager_secrets')
    .where('project_id', '=', q.projectId)
    // Expired secrets are gone as far as the API is concerned (Barbican filters them everywhere).
    .where((eb) => eb.or([eb('expiration', 'is', null), eb('expiration', '>', q.now)]));
  if (q.name) query = query.where('name', 'like', q.name);
  if (q.algorithm) query = query.where('algorithm', 'like', q.algorithm);
  if (q.mode) query = query.where('mode', 'like', q.mode);
  if (q.bits !== undefined && q.bits > 0) query = query.where('bit_length', '=', q.bits);
  if (q.secretType) query = query.where('secret_type', '=', q.secretType);
  query = dateFilters(query, 'created_at', q.created);
  query = dateFilters(query, 'updated_at', q.updated);
  return dateFilters(query, 'expiration', q.expiration);
}

export function createSecretStore(db: Kysely<KeyManagerTables>) {
  return {
    async insert(secret: SecretRecord): Promise<void> {
      await db.insertInto('key_manager_secrets').values(toRow(secret)).execute();
    },

    /** A live (not expired) secret by id, whatever its project. */
    async get(id: string, now: string): Promise<SecretRecord | undefined> {
      const row = await db
        .selectFrom('key_manager_secrets')
        .selectAll()
        .where('id', '=', id)
        .where((eb) => eb.or([eb('expiration', 'is', null), eb('expiration', '>', now)]))
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async list(q: SecretListQuery): Promise<Page<SecretRecord>> {
      const counted = await filtered(db, q)
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      let page = filtered(db, q).selectAll();
      for (const s of q.sort) page = page.orderBy(SORT_COLUMNS[s.key] ?? 'created_at', s.direction);
      const rows = await page.orderBy('created_at').orderBy('id').limit(q.limit).offset(q.offset).execute();
      return { items: rows.map(toRecord), offset: q.offset, limit: q.limit, total: Number(counted.total) };
    },

    /** Stores a payload on a secret that has none; false if it got one meanwhile. */
    async setPayload(
      id: string,
      payload: { contentType: string; kekId: string; wrappedDek: string; ciphertext: string },
      now: string,
    ): Promise<boolean> {
      const result = await db
        .updateTable('key_manager_secrets')
        .set({
          content_type: payload.contentType,
          kek_id: payload.kekId,
          wrapped_dek: payload.wrappedDek,
          ciphertext: payload.ciphertext,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('ciphertext', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Secrets of the project whose data key is wrapped by another KEK than `kekId`, for re-wrapping. */
    async wrappedElsewhere(projectId: string, kekId: string, limit: number) {
      const rows = await db
        .selectFrom('key_manager_secrets')
        .select(['id', 'wrapped_dek'])
        .where('project_id', '=', projectId)
        .where('wrapped_dek', 'is not', null)
        .where('kek_id', '!=', kekId)
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, wrappedDek: r.wrapped_dek as string }));
    },

    async rewrap(id: string, oldWrapped: string, kekId: string, wrappedDek: string): Promise<void> {
      await db
        .updateTable('key_manager_secrets')
        .set({ kek_id: kekId, wrapped_dek: wrappedDek })
        .where('id', '=', id)
        .where('wrapped_dek', '=', oldWrapped)
        .execute();
    },

    async remove(id: string): Promise<boolean> {
      const result = await db.deleteFrom('key_manager_secrets').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;
