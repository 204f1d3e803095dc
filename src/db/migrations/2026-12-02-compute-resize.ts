// Columns the compute worker needs for the resize, revert and snapshot tasks: the flavor a resize goes
// to (Nova's new_flavor), the flavor kept for a revert until the resize is confirmed (old_flavor), and
// the image a snapshot in flight writes into.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('compute_servers').addColumn('old_flavor', 'text').execute();
  await db.schema.alterTable('compute_servers').addColumn('new_flavor', 'text').execute();
  await db.schema.alterTable('compute_servers').addColumn('snapshot_image_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('compute_servers').dropColumn('snapshot_image_id').execute();
  await db.schema.alterTable('compute_servers').dropColumn('new_flavor').execute();
  await db.schema.alterTable('compute_servers').dropColumn('old_flavor').execute();
}
