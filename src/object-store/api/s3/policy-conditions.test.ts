import { describe, expect, it } from 'vitest';
import { conditionsHold, parseConditions } from './policy-conditions.js';

const values = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('policy conditions', () => {
  it('matches IPv4 and IPv6 networks, IPv4-mapped addresses included', () => {
    const block = parseConditions({ IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } });
    expect(conditionsHold(block, values({ 'aws:sourceip': '192.0.2.9' }))).toBe(true);
    expect(conditionsHold(block, values({ 'aws:sourceip': '::ffff:192.0.2.9' }))).toBe(true);
    expect(conditionsHold(block, values({ 'aws:sourceip': '2001:db8::1' }))).toBe(true);
    expect(conditionsHold(block, values({ 'aws:sourceip': '198.51.100.1' }))).toBe(false);
  });

  it('treats absent keys as AWS does: positive operators fail, negated ones and IfExists hold', () => {
    expect(conditionsHold(parseConditions({ StringEquals: { 's3:prefix': 'a' } }), values({}))).toBe(false);
    expect(conditionsHold(parseConditions({ StringNotEquals: { 's3:prefix': 'a' } }), values({}))).toBe(true);
    expect(conditionsHold(parseConditions({ StringEqualsIfExists: { 's3:prefix': 'a' } }), values({}))).toBe(
      true,
    );
    expect(conditionsHold(parseConditions({ Null: { 's3:prefix': 'true' } }), values({}))).toBe(true);
    expect(
      conditionsHold(parseConditions({ Null: { 's3:prefix': 'true' } }), values({ 's3:prefix': '' })),
    ).toBe(false);
  });

  it('compares strings, dates and numbers, all conditions of a block together', () => {
    const block = parseConditions({
      StringLike: { 's3:prefix': ['home/*', 'shared/?'] },
      DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
      NumericLessThanEquals: { 's3:max-keys': 10 },
    });
    const ok = { 's3:prefix': 'home/x', 'aws:currenttime': '2026-12-07T00:00:00Z', 's3:max-keys': '10' };
    expect(conditionsHold(block, values(ok))).toBe(true);
    expect(conditionsHold(block, values({ ...ok, 's3:prefix': 'shared/xy' }))).toBe(false);
    expect(conditionsHold(block, values({ ...ok, 'aws:currenttime': '2019-01-01T00:00:00Z' }))).toBe(false);
    expect(conditionsHold(block, values({ ...ok, 's3:max-keys': '11' }))).toBe(false);
  });

  it('refuses unknown operators, unknown keys and malformed values', () => {
    for (const bad of [
      { StringAlmost: { 's3:prefix': 'a' } },
      { StringEquals: { 'aws:whatever': 'a' } },
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } },
      { DateEquals: { 'aws:CurrentTime': 'soon' } },
      { Bool: { 'aws:SecureTransport': 'yes' } },
      { NullIfExists: { 's3:prefix': 'true' } },
    ]) {
      expect(() => parseConditions(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'MalformedPolicy' }),
      );
    }
  });
});
