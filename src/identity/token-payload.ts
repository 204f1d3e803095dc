// The content of a Keystone token, and its compact binary form (JSON with short keys) that the token
// cipher seals. Tokens are stateless: everything needed to rebuild the caller lives here.
import { randomBytes } from 'node:crypto';

export type TokenScope =
  | { kind: 'project'; id: string }
  | { kind: 'domain'; id: string }
  | { kind: 'system' }
  | { kind: 'unscoped' };

export interface TokenPayload {
  userId: string;
  methods: string[];
  scope: TokenScope;
  /** Milliseconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** The token's own audit id first, then the chain it was rescoped from (Keystone's audit_ids). */
  auditIds: string[];
  applicationCredentialId?: string | undefined;
}

interface Wire {
  u: string;
  m: string[];
  s: string | null;
  i: number;
  e: number;
  a: string[];
  c?: string;
}

function scopeToWire(scope: TokenScope): string | null {
  if (scope.kind === 'project') return `p:${scope.id}`;
  if (scope.kind === 'domain') return `d:${scope.id}`;
  if (scope.kind === 'system') return 's';
  return null;
}

function scopeFromWire(s: unknown): TokenScope | undefined {
  if (s === null) return { kind: 'unscoped' };
  if (s === 's') return { kind: 'system' };
  if (typeof s !== 'string') return undefined;
  if (s.startsWith('p:')) return { kind: 'project', id: s.slice(2) };
  if (s.startsWith('d:')) return { kind: 'domain', id: s.slice(2) };
  return undefined;
}

export function encodePayload(p: TokenPayload): Uint8Array {
  const wire: Wire = {
    u: p.userId,
    m: p.methods,
    s: scopeToWire(p.scope),
    i: p.issuedAt,
    e: p.expiresAt,
    a: p.auditIds,
  };
  if (p.applicationCredentialId) wire.c = p.applicationCredentialId;
  return Buffer.from(JSON.stringify(wire), 'utf8');
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Returns undefined for anything that is not a payload we wrote (defence in depth after decryption). */
export function decodePayload(bytes: Uint8Array): TokenPayload | undefined {
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Wire>;
  } catch {
    return undefined;
  }
  const scope = scopeFromWire(wire.s);
  if (
    typeof wire.u !== 'string' ||
    !isStringArray(wire.m) ||
    !isStringArray(wire.a) ||
    typeof wire.i !== 'number' ||
    typeof wire.e !== 'number' ||
    !scope
  ) {
    return undefined;
  }
  return {
    userId: wire.u,
    methods: wire.m,
    scope,
    issuedAt: wire.i,
    expiresAt: wire.e,
    auditIds: wire.a,
    applicationCredentialId: typeof wire.c === 'string' ? wire.c : undefined,
  };
}

/** Keystone's audit ids: 16 random bytes, url-safe base64 without padding (22 characters). */
export function newAuditId(): string {
  return randomBytes(16).toString('base64url');
}
