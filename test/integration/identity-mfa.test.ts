// Keystone MFA over HTTP: TOTP credentials, the totp method, user MFA rules, receipts
// (Openstack-Auth-Receipt) and the operator's mfaRequiredRoles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase32, totpAt, totpStep } from '../../src/identity/mfa/totp.js';
import { issueToken, passwordAuth, startTestApp, type TestApp } from '../support/app.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const passcode = (offsetSteps = 0) =>
  totpAt(decodeBase32(SECRET) as Buffer, totpStep(Date.now()) + offsetSteps);

/** Waits out the last 2 s of a 30 s step, so a passcode computed here is still current at the server. */
async function clearOfStepEnd(): Promise<void> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 28_000) await new Promise((r) => setTimeout(r, 30_000 - intoStep + 100));
}

let t: TestApp;
let admin: string;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.identityUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/** Creates a user with a password and a TOTP credential; returns its id. */
async function enrolledUser(name: string): Promise<string> {
  const user = await api(
    'POST',
    '/v3/users',
    { user: { name, password: 'pw-' + name, domain_id: 'default' } },
    { 'x-auth-token': admin },
  );
  expect(user.status).toBe(201);
  const id = user.json.user.id as string;
  const cred = await api(
    'POST',
    '/v3/credentials',
    { credential: { type: 'totp', user_id: id, blob: SECRET } },
    { 'x-auth-token': admin },
  );
  expect(cred.status).toBe(201);
  return id;
}

function auth(name: string, methods: string[], code = passcode()) {
  const user = { name, domain: { id: 'default' } };
  return {
    auth: {
      identity: {
        methods,
        password: { user: { ...user, password: 'pw-' + name } },
        totp: { user: { ...user, passcode: code } },
      },
    },
  };
}

beforeAll(async () => {
  t = await startTestApp({ identity: { mfaRequiredRoles: ['mfa-ops'] } });
  admin = await issueToken(t.identityUrl, passwordAuth('admin', t.adminPassword, 'admin'));
});
afterAll(async () => t?.close());

describe('MFA rules on a user', () => {
  let id: string;
  beforeAll(async () => {
    id = await enrolledUser('alice');
  });

  it('stores the options and refuses an unknown one', async () => {
    const options = { multi_factor_auth_enabled: true, multi_factor_auth_rules: [['password', 'totp']] };
    const ok = await api('PATCH', `/v3/users/${id}`, { user: { options } }, { 'x-auth-token': admin });
    expect(ok.status).toBe(200);
    expect(ok.json.user.options).toEqual(options);
    const bad = await api(
      'PATCH',
      `/v3/users/${id}`,
      { user: { options: { no_such_option: true } } },
      { 'x-auth-token': admin },
    );
    expect(bad.status).toBe(400);
    const dup = await api(
      'PATCH',
      `/v3/users/${id}`,
      { user: { options: { multi_factor_auth_rules: [['password', 'password']] } } },
      { 'x-auth-token': admin },
    );
    expect(dup.status).toBe(400);
  });

  it('answers password alone with a receipt, and accepts the receipt plus totp', async () => {
    const first = await api('POST', '/v3/auth/tokens', auth('alice', ['password']));
    expect(first.status).toBe(401);
    const receipt = first.headers.get('openstack-auth-receipt');
    expect(receipt).toBeTruthy();
    expect(first.json.receipt.methods).toEqual(['password']);
    expect(first.json.receipt.user).toEqual({
      id,
      name: 'alice',
      domain: { id: 'default', name: 'Default' },
    });
    expect(first.json.receipt.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(first.json.required_auth_methods).toEqual([['password', 'totp']]);

    const second = await api('POST', '/v3/auth/tokens', auth('alice', ['totp']), {
      'openstack-auth-receipt': receipt as string,
    });
    expect(second.status).toBe(201);
    expect(second.json.token.methods.sort()).toEqual(['password', 'totp']);
  });

  it('accepts password and totp in one request, and the previous window only', async () => {
    await clearOfStepEnd();
    expect((await api('POST', '/v3/auth/tokens', auth('alice', ['password', 'totp']))).status).toBe(201);
    const previous = auth('alice', ['password', 'totp'], passcode(-1));
    expect((await api('POST', '/v3/auth/tokens', previous)).status).toBe(201);
    const stale = auth('alice', ['password', 'totp'], passcode(-3));
    const refused = await api('POST', '/v3/auth/tokens', stale);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('openstack-auth-receipt')).toBeNull();
  });

  it('refuses a forged receipt and a receipt of another user', async () => {
    const forged = await api('POST', '/v3/auth/tokens', auth('alice', ['totp']), {
      'openstack-auth-receipt': 'not-a-receipt',
    });
    expect(forged.status).toBe(401);
    await enrolledUser('carol');
    await api(
      'PATCH',
      '/v3/users/' +
        (await api('GET', '/v3/users?name=carol', undefined, { 'x-auth-token': admin })).json.users[0].id,
      {
        user: {
          options: { multi_factor_auth_enabled: true, multi_factor_auth_rules: [['password', 'totp']] },
        },
      },
      { 'x-auth-token': admin },
    );
    const carols = await api('POST', '/v3/auth/tokens', auth('carol', ['password']));
    expect(carols.status).toBe(401);
    const mixed = await api('POST', '/v3/auth/tokens', auth('alice', ['totp']), {
      'openstack-auth-receipt': carols.headers.get('openstack-auth-receipt') as string,
    });
    expect(mixed.status).toBe(401);
    expect(mixed.headers.get('openstack-auth-receipt')).toBeNull();
  });

  it('passes password alone once MFA is disabled (null removes the option)', async () => {
    const off = await api(
      'PATCH',
      `/v3/users/${id}`,
      { user: { options: { multi_factor_auth_enabled: null } } },
      { 'x-auth-token': admin },
    );
    expect(off.json.user.options).toEqual({ multi_factor_auth_rules: [['password', 'totp']] });
    expect((await api('POST', '/v3/auth/tokens', auth('alice', ['password']))).status).toBe(201);
  });
});

describe('mfaRequiredRoles', () => {
  it('asks holders of a listed role for totp', async () => {
    const id = await enrolledUser('bob');
    expect((await api('POST', '/v3/auth/tokens', auth('bob', ['password']))).status).toBe(201);
    const role = await api('POST', '/v3/roles', { role: { name: 'mfa-ops' } }, { 'x-auth-token': admin });
    const grant = await api('PUT', `/v3/domains/default/users/${id}/roles/${role.json.role.id}`, undefined, {
      'x-auth-token': admin,
    });
    expect(grant.status).toBe(204);
    const refused = await api('POST', '/v3/auth/tokens', auth('bob', ['password']));
    expect(refused.status).toBe(401);
    expect(refused.json.required_auth_methods).toEqual([['password', 'totp']]);
    expect((await api('POST', '/v3/auth/tokens', auth('bob', ['password', 'totp']))).status).toBe(201);
  });
});
