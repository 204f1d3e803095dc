// The queries every versioned resource table repeats (volumes, snapshots, backups…): get a live row by
// id, read a keyset marker, compare-and-set update on the version, and the rows with a pending task.
// Such a table has `id`, `deleted` (0/1), `version`, `updated_at` and `task`; each store keeps its own
// column mapping and passes the row-to-model function and the columns to write.
import assert from 'node:assert';
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';

/** The columns the kit relies on; a table may have any others. */
export interface VersionedRow {
  id: string;
  deleted: number;
  version: number;
  updated_at: string;
  task: string | null;
}

export interface RowKit<Row extends VersionedRow, Model> {
  /** The row with this id unless it is deleted. */
  get(id: string): Promise<Model | undefined>;
  /** The marker row of a keyset page, deleted or not; the service checked that it exists. */
  marker(id: string): Promise<Selectable<Row>>;
  /**
   * Writes `set` with version+1 and updated_at when the row still has `version`; resolves the row as
   * written, or undefined when another writer moved it first.
   */
  compareAndSet(id: string, version: number, set: Updateable<Row>, now: string): Promise<Model | undefined>;
  /** Live rows with a task to drive, least recently updated first, at most `limit`. */
  pending(limit: number): Promise<Model[]>;
}

/** The kit over `table`, whose rows `toModel` turns into the store's records. */
export function rowKit<DB, Row extends VersionedRow, Model>(
  db: Kysely<DB> | Transaction<DB>,
  table: keyof DB & string,
  toModel: (row: Selectable<Row>) => Model,
): RowKit<Row, Model> {
  // Kysely cannot type a query over "any table that has these columns": the kit sees the one table it
  // was given as a table of VersionedRow, and each store's row type stays checked at its call sites.
  const q = db as unknown as Kysely<{ rows: VersionedRow }>;
  const rows = table as 'rows';
  const select = (id: string) => q.selectFrom(rows).selectAll().where('id', '=', id);
  const asRow = (row: VersionedRow) => row as unknown as Selectable<Row>;
  return {
    async get(id) {
      const row = await select(id).where('deleted', '=', 0).executeTakeFirst();
      return row ? toModel(asRow(row)) : undefined;
    },
    async marker(id) {
      const row = await select(id).executeTakeFirst();
      assert(row !== undefined, 'the service checks the marker');
      return asRow(row);
    },
    async compareAndSet(id, version, set, now) {
      const result = await q
        .updateTable(rows)
        .set({ ...(set as Updateable<VersionedRow>), version: version + 1, updated_at: now })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      return toModel(asRow(await select(id).executeTakeFirstOrThrow()));
    },
    async pending(limit) {
      const found = await q
        .selectFrom(rows)
        .selectAll()
        .where('task', 'is not', null)
        .where('deleted', '=', 0)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return found.map((row) => toModel(asRow(row)));
    },
  };
}
