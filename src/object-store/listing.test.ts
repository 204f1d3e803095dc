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
  it('lists only the names directly under the prefix with directOnly (Swift ?path=)', async () => {
    const deep = ['a/', 'a/1', 'a/b/', 'a/b/3', 'a/c/4', 'a/d', 'b'];
    const source = async (o: ListOptions) =>
      deep
        .filter((n) => (!o.prefix || n.startsWith(o.prefix)) && (!o.marker || n > o.marker))
        .slice(0, o.limit)
        .map((name) => ({ name }));
    const options = { limit: 100, delimiter: '/', prefix: 'a/', directOnly: true };
    expect(show(await listWithDelimiter(source, options))).toEqual(['a/1', 'a/b/', 'a/d']);
    // The limit counts the names listed, not the ones skipped below a subdirectory.
    expect(show(await listWithDelimiter(source, { ...options, limit: 3 }))).toEqual(['a/1', 'a/b/', 'a/d']);
  });
});
