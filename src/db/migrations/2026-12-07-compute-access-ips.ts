// A server's accessIPv4/accessIPv6 (Nova's access_ip_v4/_v6: addresses the user records for the server,
// set at create, update and rebuild), its OS-DCF:diskConfig (Nova's auto_disk_config, 1 for AUTO), and
// what its create request asked of the scheduler (Nova's RequestSpec: scheduler hints, requested host
// and node), as JSON.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('compute_servers').addColumn('access_ip_v4', 'text').execute();
  await db.schema.alterTable('compute_servers').addColumn('access_ip_v6', 'text').execute();
  await db.schema.alterTable('compute_servers').addColumn('request_spec', 'text').execute();
  await db.schema
    .alterTable('compute_servers')
    .addColumn('auto_disk_config', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('compute_servers').dropColumn('auto_disk_config').execute();
  await db.schema.alterTable('compute_servers').dropColumn('request_spec').execute();
  await db.schema.alterTable('compute_servers').dropColumn('access_ip_v6').execute();
  await db.schema.alterTable('compute_servers').dropColumn('access_ip_v4').execute();
}
