// Frozen migration: the S3 front end's own state beside the object store's tables. Bucket names
// registered through S3 (so anonymous requests can find a public bucket's project), per-bucket S3
// configuration documents (CORS, policy), and multipart uploads with their parts (each part a blob).
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytewise = (c: ColumnDefinitionBuilder) =>
    postgres ? c.notNull().modifyEnd(sql`collate "C"`) : c.notNull();
  const big = postgres ? 'bigint' : 'integer';

  await db.schema
    .createTable('s3_bucket_names')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // A document belongs to one life of its container: container_put_timestamp is the container's
  // put_timestamp, so a container deleted and re-created (through Swift too) starts without one.
  await db.schema
    .createTable('s3_bucket_configs')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', bytewise)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('container_put_timestamp', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('s3_bucket_configs_pk', ['project_id', 'bucket', 'kind'])
    .execute();

  await db.schema
    .createTable('s3_multipart_uploads')
    .addColumn('upload_id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', bytewise)
    .addColumn('object_key', 'text', bytewise)
    .addColumn('container_put_timestamp', 'text', (c) => c.notNull())
    .addColumn('initiated_at', 'text', (c) => c.notNull())
    .addColumn('initiator_user_id', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('checksum_algorithm', 'text')
    .addColumn('checksum_type', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text')
    .execute();
  await db.schema
    .createIndex('s3_multipart_uploads_key')
    .on('s3_multipart_uploads')
    .columns(['project_id', 'bucket', 'object_key', 'initiated_at'])
    .execute();

  await db.schema
    .createTable('s3_multipart_parts')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('part_number', 'integer', (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text')
    .addColumn('last_modified', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('s3_multipart_parts_pk', ['upload_id', 'part_number'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
