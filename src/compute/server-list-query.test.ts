// Server listing in SQL on every dialect: Nova's sort keys with keyset paging over a marker (nullable
// columns included), the tag filters, and changes-since with deleted rows.
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, testServer, type TestDatabase } from './compute-db-test-support.js';
import { createServerStore, type ServerListFilter } from './server-store.js';

for (const dialect of DIALECTS) {
  describe(`server listing (${dialect.name})`, () => {
    let env: TestDatabase;
    afterEach(async () => {
      await env.close();
    });

    async function seed() {
      env = await dialect.open();
      const store = createServerStore(env.db);
      const base = Date.parse('2026-12-01T10:00:00.000Z');
      const rows = [
        { name: 'e', host: 'h2', at: 0 },
        { name: 'c', host: null, at: 1 },
        { name: 'a', host: 'h1', at: 2 },
        { name: 'd', host: null, at: 3 },
        { name: 'b', host: 'h1', at: 4 },
      ];
      for (const r of rows) {
        await store.insert(testServer({ name: r.name, host: r.host }, new Date(base + r.at * 1000)));
      }
      return store;
    }

    async function pages(
      store: ReturnType<typeof createServerStore>,
      filter: Omit<ServerListFilter, 'limit'>,
    ) {
      const names: string[] = [];
      let marker: ServerListFilter['marker'];
      for (let round = 0; round < 10; round++) {
        const page = await store.list({ ...filter, limit: 2, ...(marker !== undefined && { marker }) });
        names.push(...page.map((s) => s.name));
        marker = page.at(-1);
        if (page.length < 2) break;
      }
      return names;
    }

    it('sorts by any key and pages with markers, nullable keys included', async () => {
      const store = await seed();
      expect(await pages(store, {})).toEqual(['b', 'd', 'a', 'c', 'e']);
      expect(await pages(store, { sort: [{ column: 'name', direction: 'asc' }] })).toEqual([
        'a',
        'b',
        'c',
        'd',
        'e',
      ]);
      // host asc: '' (no host) first, then h1, h1, h2; ties by created_at asc.
      expect(await pages(store, { sort: [{ column: 'host', direction: 'asc' }] })).toEqual([
        'c',
        'd',
        'a',
        'b',
        'e',
      ]);
    });

    it('filters by tags, host and changes-since', async () => {
      const store = await seed();
      const all = await store.list({ limit: 10, sort: [{ column: 'name', direction: 'asc' }] });
      const id = (name: string) => all.find((s) => s.name === name)?.id ?? '';
      await store.replaceTags(id('a'), ['x', 'y']);
      await store.replaceTags(id('b'), ['y']);
      const names = async (f: Omit<ServerListFilter, 'limit'>) =>
        (await store.list({ ...f, limit: 10, sort: [{ column: 'name', direction: 'asc' }] })).map(
          (s) => s.name,
        );
      expect(await names({ tagsAll: ['x', 'y'] })).toEqual(['a']);
      expect(await names({ tagsAny: ['x', 'y'] })).toEqual(['a', 'b']);
      expect(await names({ notTagsAll: ['x', 'y'] })).toEqual(['b', 'c', 'd', 'e']);
      expect(await names({ notTagsAny: ['y'] })).toEqual(['c', 'd', 'e']);
      expect(await names({ host: 'h1' })).toEqual(['a', 'b']);
      expect(await names({ changesSince: '2026-12-01T10:00:03.000Z' })).toEqual(['b', 'd']);
      expect((await store.get(id('a')))?.tags).toEqual(['x', 'y']);
    });
  });
}
