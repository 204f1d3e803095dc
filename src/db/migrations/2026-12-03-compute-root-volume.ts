// The root volume of a volume-backed server (boot from volume, Nova's block device mapping with
// boot_index 0 and destination_type volume), as JSON: source, volume id, size, delete_on_termination.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('compute_servers').addColumn('root_volume', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('compute_servers').dropColumn('root_volume').execute();
}
