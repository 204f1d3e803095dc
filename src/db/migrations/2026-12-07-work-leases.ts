// Leases on work: who drives a resource (a server's saga, a volume's task) or holds its lock, until
// when. One row per (kind, resource); taking it is one upsert that succeeds only when the row is free,
// expired or already ours, so several processes (API nodes, agents) never drive the same resource.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('work_leases')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('work_leases_pk', ['kind', 'resource_id'])
    .execute();
  await db.schema.createIndex('work_leases_holder').on('work_leases').column('holder').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('work_leases').execute();
}
