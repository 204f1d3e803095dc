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

  it("parses Glance's draft 4 form (v2.0 media type), one operation member per object", () => {
    expect(
      parsePatch([{ replace: '/name', value: 'n' }, { add: '/k', value: 'v' }, { remove: '/k' }], 4),
    ).toEqual([
      { op: 'replace', key: 'name', value: 'n' },
      { op: 'add', key: 'k', value: 'v' },
      { op: 'remove', key: 'k' },
    ]);
    expect(() => parsePatch([{ replace: '/a', add: '/b', value: 1 }], 4)).toThrow(
      'Operation objects must contain only one member named "add", "remove", or "replace".',
    );
    expect(() => parsePatch([{ op: 'replace', path: '/a', value: 1 }], 4)).toThrow(
      'Operation objects must contain exactly one member named "add", "remove", or "replace".',
    );
  });

  it('words errors as Glance does', () => {
    expect(() => parsePatch([{ op: 'test', path: '/a' }])).toThrow(
      'Invalid operation: `test`. It must be one of the following: add, remove, replace.',
    );
    expect(() => parsePatch([{ op: 'add', path: '/a/b', value: 1 }])).toThrow(
      "Invalid JSON pointer for this resource: '/a/b'",
    );
    expect(() => parsePatch([{ op: 'add', path: 'a', value: 1 }])).toThrow(
      'Pointer `a` does not start with "/".',
    );
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
