// The database reads behind the gauges, done at scrape time (nothing is kept between scrapes): rows each
// worker still owes work, guests per vm_state and bytes stored in the object store.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** The tables whose rows carry a pending task, by the queue kind shown in the `kind` label. */
const TASK_TABLES = {
  volume: 'volumes',
  snapshot: 'volume_snapshots',
  backup: 'volume_backups',
  attachment: 'volume_attachments',
} as const;

export interface MetricsStore {
  /** Pending rows per worker queue kind (server, volume, snapshot, backup, attachment, blob-garbage). */
  queueDepths(): Promise<Record<string, number>>;
  /** Live servers per vm_state. */
  guestsByState(): Promise<Record<string, number>>;
  /** Sum of every account's bytes used (Swift and S3 alike). */
  bytesStored(): Promise<number>;
}

export function createMetricsStore(db: Kysely<Database>): MetricsStore {
  const count = (rows: { n: number | string | bigint } | undefined) => Number(rows?.n ?? 0);
  return {
    async queueDepths() {
      const depths: Record<string, number> = {};
      depths.server = count(
        await db
          .selectFrom('compute_servers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('task_state', 'is not', null)
          .where('deleted', '=', 0)
          .executeTakeFirst(),
      );
      for (const [kind, table] of Object.entries(TASK_TABLES)) {
        depths[kind] = count(
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('task', 'is not', null)
            .where('deleted', '=', 0)
            .executeTakeFirst(),
        );
      }
      depths['blob-garbage'] = count(
        await db
          .selectFrom('os_blob_garbage')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst(),
      );
      return depths;
    },
    async guestsByState() {
      const rows = await db
        .selectFrom('compute_servers')
        .select((eb) => ['vm_state', eb.fn.countAll<number>().as('n')])
        .where('deleted', '=', 0)
        .groupBy('vm_state')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.vm_state, Number(r.n)]));
    },
    async bytesStored() {
      const row = await db
        .selectFrom('os_accounts')
        .select((eb) => eb.fn.sum<number | string>('bytes_used').as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
