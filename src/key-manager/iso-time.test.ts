import { describe, expect, it } from 'vitest';
import { barbicanTime, parseIsoTime } from './iso-time.js';

describe('parseIsoTime', () => {
  it('reads dates and date-times, naive as UTC, with offsets', () => {
    expect(parseIsoTime('2030-01-02')?.toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(parseIsoTime('2030-01-02T03:04:05')?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(parseIsoTime('2030-01-02T03:04:05.123456Z')?.toISOString()).toBe('2030-01-02T03:04:05.123Z');
    expect(parseIsoTime('2030-01-02T03:04:05+02:00')?.toISOString()).toBe('2030-01-02T01:04:05.000Z');
  });

  it('refuses what is not a calendar date-time', () => {
    for (const text of ['', 'tomorrow', '2030-02-30', '2030-01-02T25:00:00', '2030-1-2']) {
      expect(parseIsoTime(text), text).toBeUndefined();
    }
  });
});

describe('barbicanTime', () => {
  it("prints Python's isoformat of a naive UTC datetime", () => {
    expect(barbicanTime('2030-01-02T03:04:05.120Z')).toBe('2030-01-02T03:04:05.120000');
    expect(barbicanTime('2030-01-02T03:04:05.000Z')).toBe('2030-01-02T03:04:05');
    expect(barbicanTime(null)).toBeNull();
  });
});
