// Frozen migration: an index on container names alone, so that S3's CreateBucket can find whether
// another project already has a container of the name it asks for (BucketAlreadyExists).
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('os_containers_name').on('os_containers').column('name').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('os_containers_name').execute();
}
