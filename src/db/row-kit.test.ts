// The row kit on both dialects (SQLite always, PostgreSQL with TEST_PG_URL) over a table of its own:
// get hides deleted rows, marker finds them, compare-and-set moves the version once, pending is ordered.
import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { DIALECTS } from '../volume/volume-test-support.js';
import { rowKit, type VersionedRow } from './row-kit.js';

interface ItemRow extends VersionedRow {
  name: string;
}
interface Tables {
  row_kit_items: ItemRow;
}

describe.each(DIALECTS)('rowKit ($name)', (dialect) => {
  it('gets, pages from a marker, compares and sets, and lists pending rows', async () => {
    const database = await dialect.open();
    const db = database.db as unknown as Kysely<Tables>;
    try {
      await db.schema
        .createTable('row_kit_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('task', 'text')
        .execute();
      const row = (id: string, patch: Partial<ItemRow> = {}): ItemRow => ({
        id,
        name: id,
        deleted: 0,
        version: 1,
        updated_at: '2026-01-01',
        task: null,
        ...patch,
      });
      await db
        .insertInto('row_kit_items')
        .values([
          row('a', { task: 'create', updated_at: '2026-01-03' }),
          row('b', { task: 'delete', updated_at: '2026-01-02' }),
          row('c', { deleted: 1, task: 'create' }),
          row('d'),
        ])
        .execute();
      const kit = rowKit<Tables, ItemRow, string>(db, 'row_kit_items', (r) => `${r.name}@${r.version}`);
      expect(await kit.get('a')).toBe('a@1');
      expect(await kit.get('c')).toBeUndefined();
      expect((await kit.marker('c')).id).toBe('c');
      await expect(kit.marker('none')).rejects.toThrow(/marker/);
      expect(await kit.compareAndSet('d', 1, { name: 'dd' }, '2026-02-01')).toBe('dd@2');
      expect(await kit.compareAndSet('d', 1, { name: 'lost' }, '2026-02-02')).toBeUndefined();
      expect(await kit.get('d')).toBe('dd@2');
      expect(await kit.pending(10)).toEqual(['b@1', 'a@1']);
      expect(await kit.pending(1)).toEqual(['b@1']);
    } finally {
      await database.close();
    }
  });
});
