import { describe, expect, it } from 'vitest';
import { evaluateConditions, parseRange } from './conditions.js';

const v = { etag: 'abc', lastModified: new Date('2026-01-01T00:00:10Z') };

describe('evaluateConditions', () => {
  it('honours If-Match and If-None-Match', () => {
    expect(evaluateConditions({ 'if-match': '"abc"' }, v, true)).toBe('proceed');
    expect(evaluateConditions({ 'if-match': '"zzz"' }, v, true)).toBe('precondition-failed');
    expect(evaluateConditions({ 'if-none-match': '"abc"' }, v, true)).toBe('not-modified');
    expect(evaluateConditions({ 'if-none-match': '*' }, v, false)).toBe('precondition-failed');
  });
  it('honours the date conditions at one-second resolution', () => {
    expect(evaluateConditions({ 'if-modified-since': 'Thu, 01 Jan 2026 00:00:10 GMT' }, v, true)).toBe(
      'not-modified',
    );
    expect(evaluateConditions({ 'if-modified-since': 'Thu, 01 Jan 2026 00:00:09 GMT' }, v, true)).toBe(
      'proceed',
    );
    expect(evaluateConditions({ 'if-unmodified-since': 'Thu, 01 Jan 2026 00:00:09 GMT' }, v, true)).toBe(
      'precondition-failed',
    );
  });
});

describe('parseRange', () => {
  it('parses single, suffix, open and multiple ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual([{ start: 0, end: 9 }]);
    expect(parseRange('bytes=-10', 100)).toEqual([{ start: 90, end: 99 }]);
    expect(parseRange('bytes=95-', 100)).toEqual([{ start: 95, end: 99 }]);
    expect(parseRange('bytes=0-0,-1', 100)).toEqual([
      { start: 0, end: 0 },
      { start: 99, end: 99 },
    ]);
    expect(parseRange('bytes=0-1000', 100)).toEqual([{ start: 0, end: 99 }]);
  });
  it('flags unsatisfiable ranges and ignores malformed ones', () => {
    expect(parseRange('bytes=200-300', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-1', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
    expect(parseRange(undefined, 100)).toBeUndefined();
  });
});
