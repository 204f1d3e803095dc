// Nova's value formats: canonical UUIDs, ISO times, and IPv6 access addresses as Nova shows them.
import { describe, expect, it } from 'vitest';
import { canonicalIpv6, isIsoTime, parseIsoTime } from './nova-formats.js';

describe('nova formats', () => {
  it('writes IPv6 addresses as netaddr does (Tempest reads back what it set, compressed)', () => {
    expect(canonicalIpv6('0000:0000:0000:0000:0000:babe:220.12.22.2')).toBe('::babe:dc0c:1602');
    expect(canonicalIpv6('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIpv6('::1')).toBe('::1');
  });

  it('parses ISO 8601 times and refuses others', () => {
    expect(parseIsoTime('2026-12-07T12:00:00Z')?.toISOString()).toBe('2026-12-07T12:00:00.000Z');
    expect(isIsoTime('yesterday')).toBe(false);
  });
});
