import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/errors/api-error.js';
import { parseAuthRequest } from './auth-request.js';

const password = (user: unknown, scope?: unknown) => ({
  auth: {
    identity: { methods: ['password'], password: { user } },
    ...(scope === undefined ? {} : { scope }),
  },
});

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? err.status : -1;
  }
  return undefined;
}

describe('parseAuthRequest', () => {
  it('parses password auth by name and domain with a project scope by name', () => {
    const r = parseAuthRequest(
      password(
        { name: 'u', domain: { name: 'Default' }, password: 'p' },
        { project: { name: 'p', domain: { id: 'default' } } },
      ),
    );
    expect(r.password?.user).toEqual({
      id: undefined,
      name: 'u',
      domain: { id: undefined, name: 'Default', domain: undefined },
      password: 'p',
    });
    expect(r.scope).toEqual({
      kind: 'project',
      ref: { id: undefined, name: 'p', domain: { id: 'default', name: undefined, domain: undefined } },
    });
  });

  it('parses system, domain and unscoped scopes', () => {
    expect(parseAuthRequest(password({ id: 'x', password: 'p' }, { system: { all: true } })).scope).toEqual({
      kind: 'system',
    });
    expect(parseAuthRequest(password({ id: 'x', password: 'p' }, { domain: { id: 'd' } })).scope?.kind).toBe(
      'domain',
    );
    expect(parseAuthRequest(password({ id: 'x', password: 'p' }, 'unscoped')).scope).toEqual({
      kind: 'unscoped',
    });
  });

  it('answers 400 for malformed bodies and 401 for unknown methods', () => {
    expect(statusOf(() => parseAuthRequest(null))).toBe(400);
    expect(statusOf(() => parseAuthRequest({ auth: { identity: { methods: 'password' } } }))).toBe(400);
    expect(statusOf(() => parseAuthRequest(password({ name: 'u', password: 'p' })))).toBe(400);
    expect(statusOf(() => parseAuthRequest(password({ id: 'x', password: 5 })))).toBe(400);
    expect(statusOf(() => parseAuthRequest(password({ id: 'x'.repeat(65536), password: 'p' })))).toBe(400);
    expect(statusOf(() => parseAuthRequest(password({ id: 'x', password: 'p' }, { nothing: {} })))).toBe(400);
    expect(statusOf(() => parseAuthRequest({ auth: { identity: { methods: ['kerberos'] } } }))).toBe(401);
  });
});
