import { describe, expect, it } from 'vitest';
import { listWithDelimiter } from './listing.js';
import type { ListOptions } from './model.js';

const names = ['a/1', 'a/2', 'a/b/3', 'b', 'c/4', 'd'];

/** A sorted in-memory source honouring marker, prefix and limit, like the store. */
async function fetch(o: ListOptions) {
  let rows = names.filter((n) => !o.prefix || n.startsWith(o.prefix));
  rows = o.reverse
    ? rows.filter((n) => !o.marker || n < o.marker).reverse()
    : rows.filter((n) => !o.marker || n > o.marker);
  return rows.slice(0, o.limit).map((name) => ({ name }));
}

const show = (l: Awaited<ReturnType<typeof listWithDelimiter<{ name: string }>>>) =>
  l.map((e) => (e.kind === 'subdir' ? `dir:${e.subdir}` : e.item.name));

describe('listWithDelimiter', () => {
  it('collapses names under the delimiter into subdirs', async () => {
    expect(show(await listWithDelimiter(fetch, { limit: 100, delimiter: '/' }))).toEqual([
      'dir:a/',
      'b',
      'dir:c/',
      'd',
    ]);
    expect(show(await listWithDelimiter(fetch, { limit: 100, delimiter: '/', prefix: 'a/' }))).toEqual([
      'a/1',
      'a/2',
      'dir:a/b/',
    ]);
  });
  it('pages with a subdir as marker without repeating it', async () => {
    expect(show(await listWithDelimiter(fetch, { limit: 1, delimiter: '/' }))).toEqual(['dir:a/']);
    expect(show(await listWithDelimiter(fetch, { limit: 100, delimiter: '/', marker: 'a/' }))).toEqual([
      'b',
      'dir:c/',
      'd',
    ]);
  });
  it('works in reverse', async () => {
    expect(show(await listWithDelimiter(fetch, { limit: 100, delimiter: '/', reverse: true }))).toEqual([
      'd',
      'dir:c/',
      'b',
      'dir:a/',
    ]);
  });
});
