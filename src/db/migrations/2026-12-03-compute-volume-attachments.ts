// Nova's side of a volume attachment (its block_device_mapping row for a volume attached through
// os-volume_attachments): the device name the guest sees, the tag and delete_on_termination. The
// attachment itself (status, the disk) is the block-storage service's volume_attachments row.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('compute_volume_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('server_id', 'text', (c) => c.notNull())
    .addColumn('volume_id', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text')
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('tag', 'text')
    .addColumn('delete_on_termination', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('compute_volume_attachments_server_volume', ['server_id', 'volume_id'])
    .addUniqueConstraint('compute_volume_attachments_server_device', ['server_id', 'device'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('compute_volume_attachments').execute();
}
