// Cinder's volume admin metadata: keys only the service and admins write (`readonly`, set by
// os-update_readonly_flag; `attached_mode`), some of which every caller sees merged into the volume's
// metadata.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('volume_admin_metadata')
    .addColumn('volume_id', 'text', (c) => c.notNull().references('volumes.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_admin_metadata_pk', ['volume_id', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('volume_admin_metadata').execute();
}
