import { describe, expect, it } from 'vitest';
import {
  afterAllVersions,
  compareNames,
  invertVersionId,
  normalizeVersionId,
  parseVersionKey,
  versionKey,
  versionKeyPrefix,
} from './version-names.js';

const byteOrder = (names: string[]) => [...names].sort(compareNames);

describe('version keys', () => {
  it('round-trip names with U+0001 and ids', () => {
    for (const name of ['a', 'a\u0001', '\u0001\u0001b', 'dir/caf\u00e9 \u{1F600}', '']) {
      expect(parseVersionKey(versionKey(name, '1764445582.12345'))).toEqual({
        name,
        versionId: '1764445582.12345',
      });
    }
    expect(parseVersionKey('plain-name')).toBeUndefined();
  });

  it('sort like their names, and newest first within a name', () => {
    const names = ['a', 'a\u0001', 'a\u0001\u0001', 'a\u0002', 'ab', 'b', '\u0001'];
    const keys = names.flatMap((n) => [versionKey(n, '1000000000.00000'), versionKey(n, '2000000000.00000')]);
    const sorted = byteOrder(keys).map((k) => parseVersionKey(k));
    expect(sorted.map((k) => k?.name)).toEqual(byteOrder(names).flatMap((n) => [n, n]));
    expect(sorted.slice(0, 2).map((k) => k?.versionId)).toEqual(['2000000000.00000', '1000000000.00000']);
  });

  it('bounds every version of a name between its prefix and afterAllVersions', () => {
    const key = versionKey('x', '1764445582.12345');
    expect(compareNames(versionKeyPrefix('x'), key)).toBeLessThan(0);
    expect(compareNames(key, afterAllVersions('x'))).toBeLessThan(0);
    expect(compareNames(afterAllVersions('x'), versionKey('x\u0001', '1.00000'))).toBeLessThan(0);
    expect(compareNames(afterAllVersions('x'), versionKey('x0', '1.00000'))).toBeLessThan(0);
  });

  it('inverts and normalises version ids', () => {
    expect(invertVersionId('0000000000.00000')).toBe('9999999999.99999');
    expect(invertVersionId(invertVersionId('1764445582.12345'))).toBe('1764445582.12345');
    expect(normalizeVersionId('1600000000')).toBe('1600000000.00000');
    expect(normalizeVersionId('1600000000.5')).toBe('1600000000.50000');
    for (const bad of ['', 'null', '1.2.3', '-1', '99999999999', '1.123456', ' 1']) {
      expect(normalizeVersionId(bad)).toBeUndefined();
    }
  });
});
