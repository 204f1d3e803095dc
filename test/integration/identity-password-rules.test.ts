// Keystone's [security_compliance] password rules over HTTP: regex with its description, history,
// change upon first use, expiry (with ignore_password_expiry) and the minimum age of a self-service change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, passwordAuth, startTestApp, type TestApp } from '../support/app.js';

async function api(t: TestApp, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${t.identityUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const login = (t: TestApp, name: string, password: string) =>
  api(t, 'POST', '/v3/auth/tokens', {
    auth: {
      identity: { methods: ['password'], password: { user: { name, domain: { id: 'default' }, password } } },
    },
  });

describe('regex, history, first use and expiry', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({
      identity: {
        passwordRegex: '^(?=.*[0-9]).{8,}$',
        passwordRegexDescription: 'at least 8 characters, one of them a digit',
        uniqueLastPasswordCount: 3,
        changePasswordUponFirstUse: true,
        passwordExpiresDays: 90,
      },
    });
    admin = await issueToken(t.identityUrl, passwordAuth('admin', t.adminPassword, 'admin'));
  });
  afterAll(async () => t?.close());

  it('refuses a password that misses the regex, in Keystone words', async () => {
    const r = await api(t, 'POST', '/v3/users', { user: { name: 'weak', password: 'short' } }, admin);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe(
      'The password does not match the requirements: at least 8 characters, one of them a digit.',
    );
  });

  it('expires an admin-set password at once, then the user changes it and it lasts 90 days', async () => {
    const created = await api(
      t,
      'POST',
      '/v3/users',
      { user: { name: 'erin', password: 'initial-1' } },
      admin,
    );
    expect(created.status).toBe(201);
    const id = created.json.user.id;
    const refused = await login(t, 'erin', 'initial-1');
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toBe(
      `The password is expired and needs to be changed for user: ${id}.`,
    );
    const change = { user: { original_password: 'initial-1', password: 'chosen-22' } };
    expect((await api(t, 'POST', `/v3/users/${id}/password`, change)).status).toBe(204);
    const ok = await login(t, 'erin', 'chosen-22');
    expect(ok.status).toBe(201);
    const expires = Date.parse(ok.json.token.user.password_expires_at);
    expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(90);
  });

  it('refuses the last passwords again, and lets ignore_change_password_upon_first_use users in', async () => {
    const body = {
      user: {
        name: 'frank',
        password: 'first-pw-1',
        options: { ignore_change_password_upon_first_use: true },
      },
    };
    const created = await api(t, 'POST', '/v3/users', body, admin);
    const id = created.json.user.id;
    expect((await login(t, 'frank', 'first-pw-1')).status).toBe(201);
    const set = (password: string) => api(t, 'PATCH', `/v3/users/${id}`, { user: { password } }, admin);
    expect((await set('second-pw-2')).status).toBe(200);
    for (const reused of ['first-pw-1', 'second-pw-2']) {
      const r = await set(reused);
      expect(r.status).toBe(400);
      expect(r.json.error.message).toBe(
        'The new password cannot be identical to a previous password. The total number which includes ' +
          'the new password must be unique is 3.',
      );
    }
    expect((await set('third-pw-3')).status).toBe(200);
    // first-pw-1 is now three passwords back: allowed again.
    expect((await set('first-pw-1')).status).toBe(200);
  });
});

describe('minimum password age', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ identity: { minimumPasswordAgeDays: 2 } });
  });
  afterAll(async () => t?.close());

  it('refuses a self-service change before the minimum age, but not an admin reset', async () => {
    const admin = await issueToken(t.identityUrl, passwordAuth('admin', t.adminPassword, 'admin'));
    const created = await api(t, 'POST', '/v3/users', { user: { name: 'gina', password: 'pw-one' } }, admin);
    const id = created.json.user.id;
    const r = await api(t, 'POST', `/v3/users/${id}/password`, {
      user: { original_password: 'pw-one', password: 'pw-two' },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe(
      'You cannot change your password at this time due to the minimum password age. Once you change ' +
        'your password, it must be used for 2 day(s) before it can be changed. Please try again in 2 day(s) ' +
        'or contact your administrator to reset your password.',
    );
    expect((await api(t, 'PATCH', `/v3/users/${id}`, { user: { password: 'pw-two' } }, admin)).status).toBe(
      200,
    );
  });
});
