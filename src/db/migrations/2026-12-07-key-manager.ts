// Frozen migration: the key manager's tables (Barbican v1). Per-project key-encryption keys, wrapped by a
// root of trust that lives outside the database (at most one active KEK per project); secrets whose
// payload is AES-256-GCM ciphertext under a data key wrapped by their project's KEK; containers of named
// secret references; and orders that generated secrets or containers.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('key_manager_keks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    // active (wraps new data keys), retired (still unwraps), destroyed (crypto-erased: wrapped_key is null).
    .addColumn('status', 'text', (c) => c.notNull())
    // Which root of trust wrapped it, e.g. file:<fingerprint> or pkcs11:<token>/<key label>.
    .addColumn('root_id', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .addColumn('destroyed_at', 'text')
    .execute();
  await db.schema
    .createIndex('key_manager_keks_project')
    .on('key_manager_keks')
    .column('project_id')
    .execute();
  // Two API nodes racing to create a project's first KEK: the second insert fails and re-reads.
  await db.schema
    .createIndex('key_manager_keks_one_active')
    .on('key_manager_keks')
    .column('project_id')
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();

  await db.schema
    .createTable('key_manager_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('secret_type', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text')
    .addColumn('bit_length', 'integer')
    .addColumn('mode', 'text')
    .addColumn('expiration', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    // Normalised media type of the payload; null while the secret has no payload.
    .addColumn('content_type', 'text')
    .addColumn('kek_id', 'text')
    .addColumn('wrapped_dek', 'text')
    .addColumn('ciphertext', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('key_manager_secrets_project')
    .on('key_manager_secrets')
    .columns(['project_id', 'created_at'])
    .execute();
  await db.schema.createIndex('key_manager_secrets_kek').on('key_manager_secrets').column('kek_id').execute();

  await createContainerAndOrderTables(db);
}

async function createContainerAndOrderTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('key_manager_containers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('key_manager_containers_project')
    .on('key_manager_containers')
    .columns(['project_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('key_manager_container_secrets')
    .addColumn('container_id', 'text', (c) =>
      c.notNull().references('key_manager_containers.id').onDelete('cascade'),
    )
    .addColumn('secret_id', 'text', (c) =>
      c.notNull().references('key_manager_secrets.id').onDelete('cascade'),
    )
    .addColumn('name', 'text')
    // The order the references were given in; (container, secret, name) is unique, checked by the service.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('key_manager_container_secrets_pk', ['container_id', 'position'])
    .execute();
  await db.schema
    .createIndex('key_manager_container_secrets_secret')
    .on('key_manager_container_secrets')
    .column('secret_id')
    .execute();

  await db.schema
    .createTable('key_manager_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // The order's meta as the client sent it (validated), JSON.
    .addColumn('meta', 'text', (c) => c.notNull())
    .addColumn('secret_id', 'text')
    .addColumn('container_id', 'text')
    .addColumn('error_status_code', 'text')
    .addColumn('error_reason', 'text')
    .addColumn('sub_status', 'text')
    .addColumn('sub_status_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('key_manager_orders_project')
    .on('key_manager_orders')
    .columns(['project_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'key_manager_orders',
    'key_manager_container_secrets',
    'key_manager_containers',
    'key_manager_secrets',
    'key_manager_keks',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
