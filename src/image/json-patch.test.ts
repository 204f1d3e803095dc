// Unit tests of Glance's JSON-patch dialect parser.
import { describe, expect, it } from 'vitest';
import { parsePatch } from './json-patch.js';

describe('parsePatch', () => {
  it('parses add, replace and remove of top-level attributes, unescaping pointers', () => {
    expect(
      parsePatch([
        { op: 'add', path: '/a~1b', value: 'x' },
        { op: 'replace', path: '/name', value: 'n' },
        { op: 'remove', path: '/k' },
      ]),
    ).toEqual([
      { op: 'add', key: 'a/b', value: 'x' },
      { op: 'replace', key: 'name', value: 'n' },
      { op: 'remove', key: 'k' },
    ]);
  });

  it('rejects malformed documents with 400 and base-attribute removal with 403', () => {
    for (const bad of [
      {},
      [1],
      [{ op: 'test', path: '/a' }],
      [{ op: 'add', path: 'a' }],
      [{ op: 'add', path: '/a' }],
    ]) {
      expect(() => parsePatch(bad)).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(() => parsePatch([{ op: 'remove', path: '/visibility' }])).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });
});
