import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, newAuditId, type TokenPayload } from './token-payload.js';

describe('token payload', () => {
  it('round-trips every scope kind', () => {
    const base = { userId: 'u1', methods: ['password'], issuedAt: 1, expiresAt: 2, auditIds: [newAuditId()] };
    const scopes: TokenPayload['scope'][] = [
      { kind: 'project', id: 'p1' },
      { kind: 'domain', id: 'd1' },
      { kind: 'system' },
      { kind: 'unscoped' },
    ];
    for (const scope of scopes) {
      const p: TokenPayload = { ...base, scope, applicationCredentialId: undefined };
      expect(decodePayload(encodePayload(p))).toEqual(p);
    }
  });

  it('rejects payloads of the wrong shape', () => {
    expect(decodePayload(Buffer.from('not json'))).toBeUndefined();
    expect(decodePayload(Buffer.from(JSON.stringify({ u: 1 })))).toBeUndefined();
    expect(
      decodePayload(Buffer.from(JSON.stringify({ u: 'x', m: [], a: [], i: 1, e: 2, s: 'q:1' }))),
    ).toBeUndefined();
  });

  it('makes 22-character audit ids', () => {
    expect(newAuditId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
