// Nova's three accepted time formats for os-simple-tenant-usage, read as UTC, and its 400 otherwise.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/errors/api-error.js';
import { novaTime } from './tenant-usage.js';
import { parseNovaTime } from './usage-time.js';

const clock = { now: () => new Date('2026-12-07T12:00:00.000Z') };

describe('Nova usage times', () => {
  it('reads the formats Nova reads, as UTC, and now when absent', () => {
    expect(parseNovaTime('2026-12-01T10:20:30', clock).toISOString()).toBe('2026-12-01T10:20:30.000Z');
    expect(parseNovaTime('2026-12-01T10:20:30.123456', clock).toISOString()).toBe('2026-12-01T10:20:30.123Z');
    expect(parseNovaTime('2026-12-01 10:20:30.5', clock).toISOString()).toBe('2026-12-01T10:20:30.500Z');
    expect(parseNovaTime(undefined, clock).toISOString()).toBe('2026-12-07T12:00:00.000Z');
    expect(parseNovaTime('', clock).toISOString()).toBe('2026-12-07T12:00:00.000Z');
  });

  it('refuses zones, dates alone, impossible dates and the space form without fraction', () => {
    for (const bad of [
      '2026-12-01T10:20:30Z',
      '2026-12-01',
      '2026-02-30T00:00:00',
      '2026-12-01 10:20:30',
      'x',
    ]) {
      expect(() => parseNovaTime(bad, clock)).toThrow(ApiError);
    }
  });

  it("writes times as Python's naive isoformat", () => {
    expect(novaTime(new Date('2026-12-01T10:20:30.000Z'))).toBe('2026-12-01T10:20:30');
    expect(novaTime(new Date('2026-12-01T10:20:30.120Z'))).toBe('2026-12-01T10:20:30.120000');
  });
});
