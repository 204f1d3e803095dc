// Audit export as JSON lines (one CADF event a line, in chain order), on demand (`nuage audit export
// --since --until --out FILE`) or continuously to a file or a syslog receiver. Both move the 'exported'
// mark: the highest seq up to which every chained event has been exported, which pruning requires.
// Delivery is at least once: two processes exporting at once may both send an event (each line carries
// its seq and id), but the mark only ever moves forward by compare-and-set.
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { Database } from '../db/schema.js';
import type { ChainedAuditEvent } from './audit-store.js';
import { cadfView } from './audit-view.js';

const PAGE = 1000;

export const eventLine = (e: ChainedAuditEvent): string => JSON.stringify(cadfView(e));

export async function exportedMark(db: Kysely<Database>): Promise<number> {
  const mark = await db
    .selectFrom('audit_marks')
    .select('seq')
    .where('name', '=', 'exported')
    .executeTakeFirst();
  return Number(mark?.seq ?? 0);
}

/** Moves the 'exported' mark from `from` to `to` unless another exporter moved it meanwhile. */
async function moveMark(db: Kysely<Database>, from: number, to: number, at: string): Promise<void> {
  if (to <= from) return;
  const row = { seq: to, hash: '', at, key_id: null, mac: null };
  if (from === 0) {
    await db
      .insertInto('audit_marks')
      .values({ name: 'exported', ...row })
      .onConflict((oc) => oc.column('name').doUpdateSet(row).where('audit_marks.seq', '<', to))
      .execute();
    return;
  }
  await db
    .updateTable('audit_marks')
    .set(row)
    .where('name', '=', 'exported')
    .where('seq', '=', from)
    .execute();
}

export interface ExportRange {
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * Writes every event in the time range (chain order; events from before the chain first) through
 * `write`; moves the 'exported' mark over the run of consecutive seqs it covered. Resolves the count.
 */
export async function exportRange(
  db: Kysely<Database>,
  clock: Clock,
  range: ExportRange,
  write: (lines: string[]) => Promise<void>,
): Promise<number> {
  const inRange = () => {
    let q = db.selectFrom('audit_events').selectAll();
    if (range.since) q = q.where('at', '>=', range.since);
    if (range.until) q = q.where('at', '<', range.until);
    return q;
  };
  let count = 0;
  // Events from before the chain (no seq), by time, then the chain in order.
  for (let offset = 0; ; offset += PAGE) {
    const rows = await inRange()
      .where('seq', 'is', null)
      .orderBy('at')
      .orderBy('id')
      .limit(PAGE)
      .offset(offset)
      .execute();
    if (rows.length > 0) await write(rows.map(eventLine));
    count += rows.length;
    if (rows.length < PAGE) break;
  }
  const start = await exportedMark(db);
  let mark = start;
  for (let after = 0; ;) {
    const rows = await inRange().where('seq', '>', after).orderBy('seq', 'asc').limit(PAGE).execute();
    if (rows.length > 0) await write(rows.map(eventLine));
    count += rows.length;
    for (const row of rows) if (Number(row.seq) === mark + 1) mark++;
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]?.seq);
  }
  await moveMark(db, start, mark, clock.now().toISOString());
  return count;
}

/** Continuous export: every event past the 'exported' mark, through `write`, then the mark moves. */
export function createAuditExporter(
  db: Kysely<Database>,
  clock: Clock,
  write: (lines: string[]) => Promise<void>,
) {
  return {
    async exportNew(): Promise<number> {
      const start = await exportedMark(db);
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>', start)
        .orderBy('seq', 'asc')
        .limit(PAGE)
        .execute();
      let mark = start;
      for (const row of rows) if (Number(row.seq) === mark + 1) mark++;
      const consecutive = rows.slice(0, mark - start);
      if (consecutive.length === 0) return 0;
      await write(consecutive.map(eventLine));
      await moveMark(db, start, mark, clock.now().toISOString());
      return consecutive.length;
    },
  };
}

export type AuditExporter = ReturnType<typeof createAuditExporter>;
