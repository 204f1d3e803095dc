import { describe, expect, it } from 'vitest';
import {
  currentDueAt,
  dueAfterDays,
  filterMatches,
  noncurrentDue,
  uploadDue,
  type LifecycleRule,
} from './lifecycle-rules.js';

const rule = (over: Partial<LifecycleRule>): LifecycleRule => ({
  id: 'r',
  enabled: true,
  filter: {},
  ...over,
});

describe('lifecycle rules', () => {
  it('rounds due times up to the next midnight UTC', () => {
    expect(new Date(dueAfterDays('2026-01-01T10:30:00Z', 1)).toISOString()).toBe('2026-01-03T00:00:00.000Z');
    expect(new Date(dueAfterDays('2026-01-01T00:00:00Z', 1)).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('matches prefix, size bounds (exclusive) and every tag', () => {
    const filter = { prefix: 'a/', sizeGreaterThan: 10, sizeLessThan: 20, tags: [{ key: 't', value: '1' }] };
    const tags = [
      { key: 't', value: '1' },
      { key: 'u', value: '2' },
    ];
    expect(filterMatches(filter, 'a/x', 15, tags)).toBe(true);
    expect(filterMatches(filter, 'b/x', 15, tags)).toBe(false);
    expect(filterMatches(filter, 'a/x', 10, tags)).toBe(false);
    expect(filterMatches(filter, 'a/x', 20, tags)).toBe(false);
    expect(filterMatches(filter, 'a/x', 15, [{ key: 't', value: '2' }])).toBe(false);
  });

  it('decides due current objects, noncurrent versions and uploads; disabled rules decide nothing', () => {
    const now = Date.parse('2026-01-10T00:00:00Z');
    expect(currentDueAt(rule({ expiration: { days: 2 } }), '2026-01-01T05:00:00Z')).toBe(
      Date.parse('2026-01-04T00:00:00Z'),
    );
    expect(
      currentDueAt(rule({ expiration: { date: '2026-02-01T00:00:00.000Z' } }), '2026-01-01T00:00:00Z'),
    ).toBe(Date.parse('2026-02-01T00:00:00Z'));
    expect(
      currentDueAt(rule({ enabled: false, expiration: { days: 1 } }), '2026-01-01T00:00:00Z'),
    ).toBeUndefined();
    const keepTwo = rule({ noncurrentExpiration: { days: 1, newerNoncurrentVersions: 2 } });
    expect(noncurrentDue(keepTwo, '2026-01-01T00:00:00Z', 1, now)).toBe(false);
    expect(noncurrentDue(keepTwo, '2026-01-01T00:00:00Z', 2, now)).toBe(true);
    expect(noncurrentDue(keepTwo, '2026-01-09T12:00:00Z', 2, now)).toBe(false);
    const abort = rule({ filter: { prefix: 'logs/' }, abortIncompleteDays: 3 });
    expect(uploadDue(abort, 'logs/u', '2026-01-07T12:00:00Z', now)).toBe(false);
    expect(uploadDue(abort, 'logs/u', '2026-01-06T00:00:00Z', now)).toBe(true);
    expect(uploadDue(abort, 'other/u', '2026-01-01T00:00:00Z', now)).toBe(false);
  });
});
