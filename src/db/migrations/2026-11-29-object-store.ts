// Frozen migration: accounts, containers and objects of the object store (Swift and S3 share them).
// Object and container names must sort by UTF-8 bytes, as Swift lists them: SQLite's BINARY collation
// does; on PostgreSQL the columns get COLLATE "C" whatever the database's locale.
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytewise = (c: ColumnDefinitionBuilder) =>
    postgres ? c.notNull().modifyEnd(sql`collate "C"`) : c.notNull();
  const big = postgres ? 'bigint' : 'integer';

  await db.schema
    .createTable('os_accounts')
    .addColumn('project_id', 'text', (c) => c.primaryKey())
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('container_count', big, (c) => c.notNull().defaultTo(0))
    .addColumn('object_count', big, (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_used', big, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('put_timestamp', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('os_containers')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', bytewise)
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('object_count', big, (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_used', big, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('put_timestamp', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('os_containers_pk', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('os_objects')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('container', 'text', bytewise)
    .addColumn('name', 'text', bytewise)
    .addColumn('timestamp', 'text', (c) => c.notNull())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('blob_id', 'text')
    .addColumn('delete_at', big)
    .addPrimaryKeyConstraint('os_objects_pk', ['project_id', 'container', 'name'])
    .execute();
  await db.schema.createIndex('os_objects_delete_at').on('os_objects').column('delete_at').execute();
  await db.schema.createIndex('os_objects_blob').on('os_objects').column('blob_id').execute();

  // Blobs whose object row is gone (overwritten or deleted): unlinked after the commit, and again at
  // start-up if the process died in between, so no file outlives its last reference.
  await db.schema
    .createTable('os_blob_garbage')
    .addColumn('blob_id', 'text', (c) => c.primaryKey())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
