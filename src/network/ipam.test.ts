// IP arithmetic: parsing, canonical text, pools and the next free address, IPv4 and IPv6.
import { describe, expect, it } from 'vitest';
import {
  bigIntToIp,
  canonicalIp,
  cidrsOverlap,
  defaultPools,
  ipToBigInt,
  nextFree,
  parseCidr,
} from './ipam.js';

describe('ipam', () => {
  it('round-trips IPv4 and IPv6 addresses', () => {
    expect(bigIntToIp(ipToBigInt('10.1.2.3'), 4)).toBe('10.1.2.3');
    expect(canonicalIp('fd00:0:0:0:0:0:0:1')).toBe('fd00::1');
    expect(canonicalIp('::')).toBe('::');
    expect(canonicalIp('2001:db8::ffff:1.2.3.4')).toBe('2001:db8::ffff:102:304');
  });

  it('parses CIDRs and rejects bad ones', () => {
    expect(parseCidr('10.0.0.5/24')?.prefixLength).toBe(24);
    expect(parseCidr('10.0.0.5/24', true)).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('nonsense')).toBeUndefined();
    expect(parseCidr('fd00::/64')?.version).toBe(6);
  });

  it('finds overlaps, default pools and free addresses', () => {
    const a = parseCidr('10.0.0.0/24')!;
    expect(cidrsOverlap(a, parseCidr('10.0.0.128/25')!)).toBe(true);
    expect(cidrsOverlap(a, parseCidr('10.0.1.0/24')!)).toBe(false);
    expect(defaultPools(a, '10.0.0.1')).toEqual([{ start: '10.0.0.2', end: '10.0.0.254' }]);
    expect(defaultPools(a, '10.0.0.100')).toEqual([
      { start: '10.0.0.1', end: '10.0.0.99' },
      { start: '10.0.0.101', end: '10.0.0.254' },
    ]);
    expect(nextFree([{ start: '10.0.0.2', end: '10.0.0.4' }], new Set(['10.0.0.2']), 4)).toBe('10.0.0.3');
    expect(nextFree([{ start: '10.0.0.2', end: '10.0.0.2' }], new Set(['10.0.0.2']), 4)).toBeUndefined();
  });
});
