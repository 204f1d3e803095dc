// Users, groups, application credentials, /v3/credentials and EC2 keys over HTTP against the real app:
// Keystone's wire shapes, its status codes, and revocation (password change, disable, credential deletion).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { issueToken, passwordAuth, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let projectId: string;
let memberRoleId: string;

async function api(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token) headers['x-auth-token'] = options.token;
  let body: string | undefined;
  if (options.raw !== undefined || options.body !== undefined) {
    body = options.raw ?? JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${t.identityUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

function expectKeystoneError(r: { status: number; json: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.json?.error?.code).toBe(status);
  expect(typeof r.json?.error?.title).toBe('string');
  expect(typeof r.json?.error?.message).toBe('string');
}

async function createUser(name: string, password: string, extra: Record<string, unknown> = {}) {
  const r = await api('POST', '/v3/users', {
    token: t.adminToken,
    body: { user: { name, password, domain_id: 'default', ...extra } },
  });
  expect(r.status).toBe(201);
  return r.json.user as { id: string; name: string; [k: string]: unknown };
}

/** Creates a user with the member role on the test project and returns it with a project-scoped token. */
async function memberWithToken(name: string, password = 'pw-' + name) {
  const user = await createUser(name, password);
  const grant = await api('PUT', `/v3/projects/${projectId}/users/${user.id}/roles/${memberRoleId}`, {
    token: t.adminToken,
  });
  expect(grant.status).toBe(204);
  const token = await issueToken(t.identityUrl, passwordAuth(name, password, 'users-it'));
  return { user, password, token };
}

/** A token is live when it can read its own user. */
async function tokenStatus(token: string, userId: string): Promise<number> {
  return (await api('GET', `/v3/users/${userId}`, { token })).status;
}

beforeAll(async () => {
  t = await startTestApp();
  const project = await api('POST', '/v3/projects', {
    token: t.adminToken,
    body: { project: { name: 'users-it', domain_id: 'default' } },
  });
  expect(project.status).toBe(201);
  projectId = project.json.project.id;
  const roles = await api('GET', '/v3/roles?name=member', { token: t.adminToken });
  memberRoleId = roles.json.roles[0].id;
});
afterAll(async () => t?.close());

describe('users', () => {
  it('creates, reads, lists, updates and deletes a user in Keystone shape', async () => {
    const user = await createUser('alice', 'alice-pw', { email: 'alice@example.org', description: 'Alice' });
    expect(user).toMatchObject({
      name: 'alice',
      domain_id: 'default',
      enabled: true,
      email: 'alice@example.org',
    });
    expect(user.description).toBe('Alice');
    expect(user.password).toBeUndefined();
    expect(user.id).toMatch(/^[0-9a-f]{32}$/);
    expect((user.links as { self: string }).self).toBe(`${t.identityUrl}/v3/users/${user.id}`);

    const got = await api('GET', `/v3/users/${user.id}`, { token: t.adminToken });
    expect(got.status).toBe(200);
    expect(got.json.user).toEqual(user);

    const listed = await api('GET', '/v3/users?name=alice&domain_id=default', { token: t.adminToken });
    expect(listed.status).toBe(200);
    expect(listed.json.users.map((u: { id: string }) => u.id)).toEqual([user.id]);
    expect(listed.json.links.self).toBe(`${t.identityUrl}/v3/users`);
    const disabledOnly = await api('GET', '/v3/users?enabled=false&name=alice', { token: t.adminToken });
    expect(disabledOnly.json.users).toEqual([]);

    const patched = await api('PATCH', `/v3/users/${user.id}`, {
      token: t.adminToken,
      body: { user: { name: 'alice2', email: 'a2@example.org' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.user).toMatchObject({
      name: 'alice2',
      email: 'a2@example.org',
      description: 'Alice',
    });

    expect((await api('DELETE', `/v3/users/${user.id}`, { token: t.adminToken })).status).toBe(204);
    expectKeystoneError(await api('GET', `/v3/users/${user.id}`, { token: t.adminToken }), 404);
    expectKeystoneError(await api('DELETE', `/v3/users/${user.id}`, { token: t.adminToken }), 404);
  });

  it('removes the role assignments of a deleted user', async () => {
    const { user } = await memberWithToken('olga');
    const path = `/v3/role_assignments?user.id=${user.id}`;
    expect((await api('GET', path, { token: t.adminToken })).json.role_assignments).toHaveLength(1);
    expect((await api('DELETE', `/v3/users/${user.id}`, { token: t.adminToken })).status).toBe(204);
    expect((await api('GET', path, { token: t.adminToken })).json.role_assignments).toEqual([]);
  });

  it('refuses a duplicate name in the same domain with 409', async () => {
    await createUser('dup', 'x');
    const again = await api('POST', '/v3/users', { token: t.adminToken, body: { user: { name: 'dup' } } });
    expectKeystoneError(again, 409);
    expect(again.json.error.message).toContain('Duplicate entry');
  });

  it('refuses a 64 KiB name and an empty name with a Keystone 400', async () => {
    const huge = await api('POST', '/v3/users', {
      token: t.adminToken,
      body: { user: { name: 'n'.repeat(64 * 1024) } },
    });
    expectKeystoneError(huge, 400);
    expectKeystoneError(
      await api('POST', '/v3/users', { token: t.adminToken, body: { user: { name: '' } } }),
      400,
    );
    expectKeystoneError(await api('POST', '/v3/users', { token: t.adminToken, body: {} }), 400);
  });

  it('accepts unicode names and authenticates with them', async () => {
    const name = 'Zoë 日本語 🚀';
    const user = await createUser(name, 'pässwörd-✓');
    expect(user.name).toBe(name);
    const listed = await api('GET', `/v3/users?name=${encodeURIComponent(name)}`, { token: t.adminToken });
    expect(listed.json.users.map((u: { id: string }) => u.id)).toEqual([user.id]);
    const unscoped = await issueToken(t.identityUrl, passwordAuth(name, 'pässwörd-✓'));
    expect(await tokenStatus(unscoped, user.id)).toBe(200);
  });

  it('changes a password without a token and revokes the tokens issued before', async () => {
    const { user, password, token } = await memberWithToken('carol');
    expect(await tokenStatus(token, user.id)).toBe(200);

    const wrong = await api('POST', `/v3/users/${user.id}/password`, {
      body: { user: { original_password: 'not-it', password: 'new-pw' } },
    });
    expectKeystoneError(wrong, 401);
    const unknown = await api('POST', '/v3/users/0123456789abcdef0123456789abcdef/password', {
      body: { user: { original_password: 'x', password: 'y' } },
    });
    expectKeystoneError(unknown, 401);
    expect(await tokenStatus(token, user.id)).toBe(200);

    const changed = await api('POST', `/v3/users/${user.id}/password`, {
      body: { user: { original_password: password, password: 'carol-new' } },
    });
    expect(changed.status).toBe(204);
    expectKeystoneError(await api('GET', `/v3/users/${user.id}`, { token }), 401);
    await expect(issueToken(t.identityUrl, passwordAuth('carol', password))).rejects.toThrow(/401/);
    const fresh = await issueToken(t.identityUrl, passwordAuth('carol', 'carol-new', 'users-it'));
    expect(await tokenStatus(fresh, user.id)).toBe(200);
  });

  it('revokes tokens when an admin disables the user or sets a password', async () => {
    const { user, token } = await memberWithToken('dave');
    const disabled = await api('PATCH', `/v3/users/${user.id}`, {
      token: t.adminToken,
      body: { user: { enabled: false } },
    });
    expect(disabled.json.user.enabled).toBe(false);
    expect(await tokenStatus(token, user.id)).toBe(401);
    await api('PATCH', `/v3/users/${user.id}`, { token: t.adminToken, body: { user: { enabled: true } } });
    expect(await tokenStatus(token, user.id)).toBe(401);

    const second = await issueToken(t.identityUrl, passwordAuth('dave', 'pw-dave', 'users-it'));
    await api('PATCH', `/v3/users/${user.id}`, {
      token: t.adminToken,
      body: { user: { password: 'reset' } },
    });
    expect(await tokenStatus(second, user.id)).toBe(401);
  });

  it('hides other users from a non-admin (404) and lets them read themselves', async () => {
    const { user: erin, token } = await memberWithToken('erin');
    const other = await createUser('frank', 'pw');
    expect(await tokenStatus(token, erin.id)).toBe(200);
    expectKeystoneError(await api('GET', `/v3/users/${other.id}`, { token }), 404);
    expectKeystoneError(
      await api('PATCH', `/v3/users/${erin.id}`, { token, body: { user: { name: 'x' } } }),
      403,
    );
    expectKeystoneError(await api('DELETE', `/v3/users/${other.id}`, { token }), 404);
    expectKeystoneError(await api('GET', '/v3/users', { token }), 403);
    expectKeystoneError(await api('POST', '/v3/users', { token, body: { user: { name: 'sneaky' } } }), 403);
  });

  it('asks for a token on every user route but the password change', async () => {
    expectKeystoneError(await api('GET', '/v3/users'), 401);
    expectKeystoneError(await api('POST', '/v3/groups', { body: { group: { name: 'g' } } }), 401);
  });
});

describe('groups', () => {
  it('manages groups and membership', async () => {
    const created = await api('POST', '/v3/groups', {
      token: t.adminToken,
      body: { group: { name: 'ops', description: 'Operators', domain_id: 'default' } },
    });
    expect(created.status).toBe(201);
    const group = created.json.group;
    expect(group).toMatchObject({ name: 'ops', description: 'Operators', domain_id: 'default' });
    expectKeystoneError(
      await api('POST', '/v3/groups', { token: t.adminToken, body: { group: { name: 'ops' } } }),
      409,
    );

    const { user, token } = await memberWithToken('gina');
    const member = `/v3/groups/${group.id}/users/${user.id}`;
    expect((await api('HEAD', member, { token: t.adminToken })).status).toBe(404);
    expect((await api('PUT', member, { token: t.adminToken })).status).toBe(204);
    expect((await api('HEAD', member, { token: t.adminToken })).status).toBe(204);

    const users = await api('GET', `/v3/groups/${group.id}/users`, { token: t.adminToken });
    expect(users.json.users.map((u: { id: string }) => u.id)).toEqual([user.id]);
    const own = await api('GET', `/v3/users/${user.id}/groups`, { token });
    expect(own.status).toBe(200);
    expect(own.json.groups.map((g: { id: string }) => g.id)).toEqual([group.id]);
    expectKeystoneError(await api('PUT', member, { token }), 404);

    const renamed = await api('PATCH', `/v3/groups/${group.id}`, {
      token: t.adminToken,
      body: { group: { name: 'operators' } },
    });
    expect(renamed.json.group.name).toBe('operators');
    expect((await api('DELETE', member, { token: t.adminToken })).status).toBe(204);
    expectKeystoneError(await api('DELETE', member, { token: t.adminToken }), 404);
    expect((await api('DELETE', `/v3/groups/${group.id}`, { token: t.adminToken })).status).toBe(204);
    expectKeystoneError(await api('GET', `/v3/groups/${group.id}`, { token: t.adminToken }), 404);
  });
});

describe('application credentials', () => {
  it('creates one, authenticates with it, and invalidates its tokens on delete', async () => {
    const { user, token } = await memberWithToken('hank');
    const base = `/v3/users/${user.id}/application_credentials`;
    const created = await api('POST', base, {
      token,
      body: { application_credential: { name: 'ci', description: 'for CI', roles: [{ name: 'reader' }] } },
    });
    expect(created.status).toBe(201);
    const cred = created.json.application_credential;
    expect(cred).toMatchObject({
      name: 'ci',
      description: 'for CI',
      project_id: projectId,
      unrestricted: false,
    });
    expect(cred.roles.map((r: { name: string }) => r.name)).toEqual(['reader']);
    expect(cred.roles[0].domain_id).toBeNull();
    expect(cred.access_rules).toEqual([]);
    expect(cred.expires_at).toBeNull();
    expect(typeof cred.secret).toBe('string');
    expect(cred.secret.length).toBeGreaterThanOrEqual(80);

    const got = await api('GET', `${base}/${cred.id}`, { token });
    expect(got.json.application_credential.secret).toBeUndefined();
    const listed = await api('GET', `${base}?name=ci`, { token });
    expect(listed.json.application_credentials.map((a: { id: string }) => a.id)).toEqual([cred.id]);
    expectKeystoneError(
      await api('POST', base, { token, body: { application_credential: { name: 'ci' } } }),
      409,
    );

    const auth = await api('POST', '/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: cred.id, secret: cred.secret },
          },
        },
      },
    });
    expect(auth.status).toBe(201);
    expect(auth.json.token.project.id).toBe(projectId);
    expect(auth.json.token.roles.map((r: { name: string }) => r.name)).toEqual(['reader']);
    const appToken = auth.headers.get('x-subject-token') as string;
    expect(await tokenStatus(appToken, user.id)).toBe(200);
    // A restricted application credential may not make more of them.
    const nested = await api('POST', base, {
      token: appToken,
      body: { application_credential: { name: 'more' } },
    });
    expectKeystoneError(nested, 403);

    expect((await api('DELETE', `${base}/${cred.id}`, { token })).status).toBe(204);
    expect(await tokenStatus(appToken, user.id)).toBe(401);
    expectKeystoneError(await api('GET', `${base}/${cred.id}`, { token }), 404);
  });

  it('refuses roles the token lacks, past expiry and other users', async () => {
    const { user, token } = await memberWithToken('ivy');
    const base = `/v3/users/${user.id}/application_credentials`;
    const escalate = await api('POST', base, {
      token,
      body: { application_credential: { name: 'x', roles: [{ name: 'admin' }] } },
    });
    expectKeystoneError(escalate, 400);
    const past = await api('POST', base, {
      token,
      body: { application_credential: { name: 'y', expires_at: '2001-01-01T00:00:00' } },
    });
    expectKeystoneError(past, 400);
    const future = await api('POST', base, {
      token,
      body: { application_credential: { name: 'z', expires_at: '2999-01-01T00:00:00' } },
    });
    expect(future.json.application_credential.expires_at).toBe('2999-01-01T00:00:00.000000Z');
    const other = await createUser('jack', 'pw');
    const foreign = await api('GET', `/v3/users/${other.id}/application_credentials`, { token });
    expectKeystoneError(foreign, 404);
  });
});

describe('EC2 credentials', () => {
  it('creates, lists, reads and deletes EC2 keys', async () => {
    const { user, token } = await memberWithToken('kate');
    const base = `/v3/users/${user.id}/credentials/OS-EC2`;
    const created = await api('POST', base, { token, body: { tenant_id: projectId } });
    expect(created.status).toBe(201);
    const ec2 = created.json.credential;
    expect(ec2).toMatchObject({ user_id: user.id, tenant_id: projectId, trust_id: null });
    expect(ec2.access).toMatch(/^[0-9a-f]{32}$/);
    expect(ec2.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(ec2.links.self).toBe(`${t.identityUrl}${base}/${ec2.access}`);

    const listed = await api('GET', base, { token });
    expect(listed.json.credentials).toEqual([ec2]);
    const got = await api('GET', `${base}/${ec2.access}`, { token });
    expect(got.json.credential).toEqual(ec2);

    // The same key as a /v3/credentials resource, with Keystone's id rule.
    const stored = await api('GET', '/v3/credentials?type=ec2', { token });
    const id = createHash('sha256').update(ec2.access).digest('hex');
    expect(stored.json.credentials.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(JSON.parse(stored.json.credentials[0].blob)).toEqual({
      access: ec2.access,
      secret: ec2.secret,
      trust_id: null,
    });

    const other = await createUser('leo', 'pw');
    expectKeystoneError(await api('GET', `/v3/users/${other.id}/credentials/OS-EC2`, { token }), 404);
    const noRole = await api('POST', base, {
      token,
      body: { tenant_id: '0123456789abcdef0123456789abcdef' },
    });
    expectKeystoneError(noRole, 404);

    expect((await api('DELETE', `${base}/${ec2.access}`, { token })).status).toBe(204);
    expectKeystoneError(await api('GET', `${base}/${ec2.access}`, { token }), 404);
    expectKeystoneError(await api('DELETE', `${base}/${ec2.access}`, { token }), 404);
  });
});

describe('/v3/credentials', () => {
  it('stores blobs, keeps them private to their owner, and applies the ec2 id rule', async () => {
    const { user, token } = await memberWithToken('mia');
    const created = await api('POST', '/v3/credentials', {
      token,
      body: { credential: { type: 'totp', blob: 'seed-123' } },
    });
    expect(created.status).toBe(201);
    expect(created.json.credential).toMatchObject({
      user_id: user.id,
      type: 'totp',
      blob: 'seed-123',
      project_id: null,
    });
    const id = created.json.credential.id;

    const patched = await api('PATCH', `/v3/credentials/${id}`, {
      token,
      body: { credential: { blob: 'seed-456' } },
    });
    expect(patched.json.credential.blob).toBe('seed-456');

    const { token: otherToken } = await memberWithToken('ned');
    expectKeystoneError(await api('GET', `/v3/credentials/${id}`, { token: otherToken }), 404);
    const othersList = await api('GET', `/v3/credentials?user_id=${user.id}`, { token: otherToken });
    expect(othersList.json.credentials).toEqual([]);
    const forOther = await api('POST', '/v3/credentials', {
      token: otherToken,
      body: { credential: { type: 'totp', blob: 'x', user_id: user.id } },
    });
    expectKeystoneError(forOther, 403);

    const blob = JSON.stringify({ access: 'my-access', secret: 'my-secret' });
    const noProject = await api('POST', '/v3/credentials', {
      token,
      body: { credential: { type: 'ec2', blob } },
    });
    expectKeystoneError(noProject, 400);
    const ec2 = await api('POST', '/v3/credentials', {
      token,
      body: { credential: { type: 'ec2', blob, project_id: projectId } },
    });
    expect(ec2.status).toBe(201);
    expect(ec2.json.credential.id).toBe(createHash('sha256').update('my-access').digest('hex'));
    const tooBig = await api('POST', '/v3/credentials', {
      token,
      body: { credential: { type: 'totp', blob: 'é'.repeat(2000) } },
    });
    expectKeystoneError(tooBig, 400);

    expect((await api('DELETE', `/v3/credentials/${id}`, { token })).status).toBe(204);
    expectKeystoneError(await api('GET', `/v3/credentials/${id}`, { token }), 404);
  });
});
