// Keystone authentication, token validation/revocation and bad input, over HTTP against the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, passwordAuth, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

async function api(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['x-auth-token'] = options.token;
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
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

describe('version discovery', () => {
  it('lists v3 at /identity with 300 and serves /identity/v3', async () => {
    const root = await api('GET', '');
    expect(root.status).toBe(300);
    expect(root.json.versions.values[0].id).toBe('v3.14');
    expect(root.json.versions.values[0].links[0].href).toBe(`${t.identityUrl}/v3/`);
    const v3 = await api('GET', '/v3');
    expect(v3.status).toBe(200);
    expect(v3.json.version.status).toBe('stable');
    expect(v3.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
  });
});

describe('POST /v3/auth/tokens', () => {
  it('issues a project-scoped token with catalog, roles and X-Subject-Token', async () => {
    const r = await api('POST', '/v3/auth/tokens', {
      body: { auth: passwordAuth('admin', t.adminPassword, 'admin') },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-subject-token')).toBeTruthy();
    const token = r.json.token;
    expect(token.methods).toEqual(['password']);
    expect(token.project.name).toBe('admin');
    expect(token.user.domain).toEqual({ id: 'default', name: 'Default' });
    expect(token.roles.map((x: { name: string }) => x.name).sort()).toEqual(['admin', 'member', 'reader']);
    const identity = token.catalog.find((s: { type: string }) => s.type === 'identity');
    expect(identity.endpoints.map((e: { interface: string }) => e.interface).sort()).toEqual([
      'admin',
      'internal',
      'public',
    ]);
    expect(identity.endpoints[0].region_id).toBe('RegionOne');
    expect(token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('issues unscoped, domain-scoped and system-scoped tokens', async () => {
    const user = { name: 'admin', domain: { id: 'default' }, password: t.adminPassword };
    const unscoped = await api('POST', '/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'], password: { user } }, scope: 'unscoped' } },
    });
    expect(unscoped.status).toBe(201);
    expect(unscoped.json.token.project).toBeUndefined();
    expect(unscoped.json.token.catalog).toBeUndefined();
    const system = await api('POST', '/v3/auth/tokens', {
      body: {
        auth: { identity: { methods: ['password'], password: { user } }, scope: { system: { all: true } } },
      },
    });
    expect(system.status).toBe(201);
    expect(system.json.token.system).toEqual({ all: true });
    const rescoped = await api('POST', '/v3/auth/tokens?nocatalog', {
      body: {
        auth: {
          identity: { methods: ['token'], token: { id: unscoped.headers.get('x-subject-token') } },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      },
    });
    expect(rescoped.status).toBe(201);
    expect(rescoped.json.token.catalog).toBeUndefined();
    expect(rescoped.json.token.audit_ids).toHaveLength(2);
  });

  it('refuses a wrong password, an unknown user and an unknown scope with 401', async () => {
    expectKeystoneError(
      await api('POST', '/v3/auth/tokens', { body: { auth: passwordAuth('admin', 'wrong', 'admin') } }),
      401,
    );
    expectKeystoneError(
      await api('POST', '/v3/auth/tokens', { body: { auth: passwordAuth('nobody', 'x') } }),
      401,
    );
    expectKeystoneError(
      await api('POST', '/v3/auth/tokens', {
        body: { auth: passwordAuth('admin', t.adminPassword, 'no-such-project') },
      }),
      401,
    );
  });

  it('answers bad input with Keystone-shaped 400s, never 500', async () => {
    expectKeystoneError(await api('POST', '/v3/auth/tokens', { raw: '{"auth": ' }), 400);
    expectKeystoneError(await api('POST', '/v3/auth/tokens', { body: { auth: {} } }), 400);
    expectKeystoneError(
      await api('POST', '/v3/auth/tokens', {
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 5 } } } } },
      }),
      400,
    );
    expectKeystoneError(await api('POST', '/v3/auth/tokens', { body: [] }), 400);
    expectKeystoneError(
      await api('POST', '/v3/auth/tokens', { body: { auth: passwordAuth('x'.repeat(65536), 'p') } }),
      400,
    );
    expectKeystoneError(
      await api('POST', '/v3/auth/tokens', {
        body: { auth: passwordAuth('admin', t.adminPassword, 'admin') },
        headers: {},
        raw: 'x'.repeat(2 * 1024 * 1024),
      }),
      413,
    );
  });
});

describe('token validation and revocation', () => {
  it('validates with GET and HEAD, then revokes with DELETE', async () => {
    const subject = await issueToken(t.identityUrl, passwordAuth('admin', t.adminPassword, 'admin'));
    const got = await api('GET', '/v3/auth/tokens', {
      token: t.adminToken,
      headers: { 'x-subject-token': subject },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('x-subject-token')).toBe(subject);
    expect(
      (await api('HEAD', '/v3/auth/tokens', { token: t.adminToken, headers: { 'x-subject-token': subject } }))
        .status,
    ).toBe(200);
    expect(
      (
        await api('DELETE', '/v3/auth/tokens', {
          token: t.adminToken,
          headers: { 'x-subject-token': subject },
        })
      ).status,
    ).toBe(204);
    expectKeystoneError(
      await api('GET', '/v3/auth/tokens', { token: t.adminToken, headers: { 'x-subject-token': subject } }),
      404,
    );
    expectKeystoneError(await api('GET', '/v3/projects', { token: subject }), 401);
  });

  it('refuses tampered, truncated and garbage tokens with 401', async () => {
    const flipped =
      t.adminToken.slice(0, 20) + (t.adminToken[20] === 'A' ? 'B' : 'A') + t.adminToken.slice(21);
    for (const bad of [flipped, t.adminToken.slice(0, 40), 'garbage', 'x'.repeat(5000)]) {
      expectKeystoneError(await api('GET', '/v3/projects', { token: bad }), 401);
    }
    expectKeystoneError(await api('GET', '/v3/projects'), 401);
  });
});

describe('projects', () => {
  it('creates, finds by name, updates, tags and deletes a project with a unicode name', async () => {
    const name = 'projét-ünïcødé-日本';
    const created = await api('POST', '/v3/projects', {
      token: t.adminToken,
      body: { project: { name, description: 'd', tags: ['a'] } },
    });
    expect(created.status).toBe(201);
    const id = created.json.project.id;
    expect(created.json.project.domain_id).toBe('default');
    expect(created.json.project.parent_id).toBe('default');
    const found = await api('GET', `/v3/projects?name=${encodeURIComponent(name)}`, { token: t.adminToken });
    expect(found.json.projects.map((p: { id: string }) => p.id)).toEqual([id]);
    const patched = await api('PATCH', `/v3/projects/${id}`, {
      token: t.adminToken,
      body: { project: { enabled: false } },
    });
    expect(patched.json.project.enabled).toBe(false);
    expectKeystoneError(
      await api('POST', '/v3/projects', { token: t.adminToken, body: { project: { name } } }),
      409,
    );
    expect((await api('DELETE', `/v3/projects/${id}`, { token: t.adminToken })).status).toBe(204);
    expectKeystoneError(await api('GET', `/v3/projects/${id}`, { token: t.adminToken }), 404);
  });

  it('rejects missing fields, wrong types and 64 KiB names with 400', async () => {
    expectKeystoneError(
      await api('POST', '/v3/projects', { token: t.adminToken, body: { project: {} } }),
      400,
    );
    expectKeystoneError(
      await api('POST', '/v3/projects', { token: t.adminToken, body: { project: { name: 5 } } }),
      400,
    );
    expectKeystoneError(
      await api('POST', '/v3/projects', {
        token: t.adminToken,
        body: { project: { name: 'n'.repeat(65536) } },
      }),
      400,
    );
    expectKeystoneError(
      await api('POST', '/v3/projects', {
        token: t.adminToken,
        body: { project: { name: 'ok', enabled: 'yes' } },
      }),
      400,
    );
    expectKeystoneError(await api('POST', '/v3/projects', { token: t.adminToken, raw: '{bad json' }), 400);
  });
});

describe('audit trail', () => {
  it('records every mutating request with initiator, target, outcome and request id', async () => {
    const created = await api('POST', '/v3/projects', {
      token: t.adminToken,
      body: { project: { name: 'audited' } },
    });
    const requestId = created.headers.get('x-openstack-request-id') as string;
    await new Promise((r) => setTimeout(r, 50));
    const [event] = await t.audit.list({ limit: 5, requestId });
    expect(event).toMatchObject({
      service: 'identity',
      action: 'create',
      target_type: 'projects',
      outcome: 'success',
      status: 201,
      initiator_project_id: expect.any(String),
      source_address: '127.0.0.1',
    });
    expect(event?.initiator_user_id).toMatch(/^[0-9a-f]{32}$/);
    const refused = await api('POST', '/v3/projects', { token: 'bogus', body: { project: { name: 'x' } } });
    await new Promise((r) => setTimeout(r, 50));
    const [failure] = await t.audit.list({
      limit: 5,
      requestId: refused.headers.get('x-openstack-request-id') as string,
    });
    expect(failure).toMatchObject({ outcome: 'failure', status: 401, initiator_user_id: null });
  });

  it('answers unknown paths with a Keystone 404', async () => {
    expectKeystoneError(await api('GET', '/v3/nothing-here', { token: t.adminToken }), 404);
  });
});

describe('lockout', () => {
  it('locks a user out after the configured number of failures, even with the right password', async () => {
    const locked = await startTestApp({
      identity: { lockoutFailureAttempts: 3, lockoutDurationSeconds: 600 },
    });
    try {
      const attempt = (password: string) =>
        fetch(`${locked.identityUrl}/v3/auth/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ auth: passwordAuth('admin', password, 'admin') }),
        });
      for (let i = 0; i < 3; i += 1) expect((await attempt('wrong')).status).toBe(401);
      const refused = await attempt(locked.adminPassword);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/locked/);
    } finally {
      await locked.close();
    }
  });
});
