// Keystone's request validation over HTTP against the real app: body and query schemas answer 400 in
// Keystone's shape and wording, unknown filters are ignored as Keystone ignores them (except on
// /v3/regions, whose schema is closed), and the generic list handling: inexact comparators, federation
// and password-expiry filters, not-tags, marker/limit paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

async function api(method: string, path: string, body?: unknown, token: string | null = t.adminToken) {
  const headers: Record<string, string> = {};
  if (token) headers['x-auth-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.identityUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

function expectBadRequest(r: { status: number; json: any }, message: string | RegExp) {
  expect(r.status).toBe(400);
  expect(r.json).toEqual({ error: { code: 400, title: 'Bad Request', message: expect.any(String) } });
  if (typeof message === 'string') expect(r.json.error.message).toBe(message);
  else expect(r.json.error.message).toMatch(message);
}

const names = (r: { json: any }, key: string) =>
  (r.json[key] as { name: string }[]).map((x) => x.name).sort();

beforeAll(async () => {
  t = await startTestApp();
  for (const name of ['ValQ-Alpha', 'valq-beta', 'ValQ-Gamma']) {
    const r = await api('POST', '/v3/users', { user: { name, domain_id: 'default' } });
    expect(r.status).toBe(201);
  }
  for (const [name, tags] of [
    ['valq-p1', ['red']],
    ['valq-p2', ['red', 'blue']],
    ['valq-p3', []],
  ] as const) {
    const r = await api('POST', '/v3/projects', { project: { name, domain_id: 'default', tags } });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => t?.close());

describe('body schemas', () => {
  it('words a wrong type as Keystone does', async () => {
    const r = await api('POST', '/v3/users', { user: { name: 123 } });
    expectBadRequest(r, "Invalid input for field/attribute name. Value: 123. 123 is not of type 'string'");
  });

  it('names a missing member at the root with the bare jsonschema message', async () => {
    expectBadRequest(await api('POST', '/v3/projects', {}), "'project' is a required property");
  });

  it('validates the token request before authenticating', async () => {
    const r = await api('POST', '/v3/auth/tokens', { auth: { identity: { methods: 'password' } } }, null);
    expectBadRequest(
      r,
      /^Invalid input for field\/attribute methods\. Value: password\. 'password' is not of type 'array'$/,
    );
    const noIdentity = await api('POST', '/v3/auth/tokens', { auth: {} }, null);
    expectBadRequest(noIdentity, /'identity' is a required property/);
  });

  it('refuses too long a name with its value quoted', async () => {
    const r = await api('PATCH', '/v3/domains/default', { domain: { name: 'x'.repeat(65) } });
    expectBadRequest(r, /^Invalid input for field\/attribute name\. Value: x{65}\. 'x{65}' is too long$/);
  });
});

describe('query schemas', () => {
  it('refuses a declared filter with a bad value', async () => {
    expectBadRequest(
      await api('GET', '/v3/users?enabled=maybe'),
      /^Invalid input for field\/attribute enabled\. Value: maybe\. 'maybe' is not one of \[/,
    );
    expectBadRequest(
      await api('GET', '/v3/endpoints?interface=private'),
      /^Invalid input for field\/attribute interface\. Value: private\./,
    );
    expectBadRequest(await api('GET', '/v3/projects?limit=ten'), /field\/attribute limit\. Value: ten\./);
  });

  it('accepts Keystone booleans such as y and off', async () => {
    const on = await api('GET', '/v3/users?enabled=y');
    expect(on.status).toBe(200);
    expect(on.json.users.length).toBeGreaterThan(0);
    expect((await api('GET', '/v3/users?enabled=off')).json.users).toEqual([]);
  });

  it('ignores a filter it does not know, as Keystone does', async () => {
    const all = await api('GET', '/v3/users');
    const unknown = await api('GET', '/v3/users?colour=blue');
    expect(unknown.status).toBe(200);
    expect(names(unknown, 'users')).toEqual(names(all, 'users'));
  });

  it('refuses unknown parameters on /v3/regions, whose Keystone schema is closed', async () => {
    expectBadRequest(
      await api('GET', '/v3/regions?colour=blue'),
      "Additional properties are not allowed ('colour' was unexpected)",
    );
    expect((await api('GET', '/v3/regions?parent_region_id=nowhere')).json.regions).toEqual([]);
  });

  it('reads the first value of a repeated parameter', async () => {
    const r = await api('GET', '/v3/users?name=valq-beta&name=ValQ-Alpha');
    expect(names(r, 'users')).toEqual(['valq-beta']);
  });
});

describe('generic list handling', () => {
  it('applies inexact comparators to the route filters', async () => {
    expect(names(await api('GET', '/v3/users?name__icontains=VALQ-'), 'users')).toEqual([
      'ValQ-Alpha',
      'ValQ-Gamma',
      'valq-beta',
    ]);
    expect(names(await api('GET', '/v3/users?name__startswith=ValQ'), 'users')).toEqual([
      'ValQ-Alpha',
      'ValQ-Gamma',
    ]);
    expect(names(await api('GET', '/v3/users?name__endswith=ta'), 'users')).toEqual(['valq-beta']);
    expect(names(await api('GET', '/v3/projects?name__contains=valq-p'), 'projects')).toHaveLength(3);
  });

  it('finds no federated user and filters by password expiry', async () => {
    expect((await api('GET', '/v3/users?idp_id=myidp')).json.users).toEqual([]);
    expect((await api('GET', '/v3/users?password_expires_at=lt:2999-01-01T00:00:00Z')).json.users).toEqual(
      [],
    );
    expectBadRequest(await api('GET', '/v3/users?password_expires_at=soon'), /password_expires_at/);
  });

  it('excludes projects by not-tags and not-tags-any', async () => {
    const notRed = await api('GET', '/v3/projects?name__startswith=valq-&not-tags-any=red');
    expect(names(notRed, 'projects')).toEqual(['valq-p3']);
    const notBoth = await api('GET', '/v3/projects?name__startswith=valq-&not-tags=red,blue');
    expect(names(notBoth, 'projects')).toEqual(['valq-p1', 'valq-p3']);
  });

  it('pages with limit and marker, with a next link and truncated', async () => {
    const all = (await api('GET', '/v3/users')).json.users as { id: string }[];
    const first = await api('GET', '/v3/users?limit=2');
    expect(first.json.users).toEqual(all.slice(0, 2));
    expect(first.json.truncated).toBe(true);
    const next = new URL(first.json.links.next as string);
    expect(next.searchParams.get('marker')).toBe(all[1]!.id);
    const rest = await api('GET', `/v3/users?marker=${all[1]!.id}`);
    expect(rest.json.users).toEqual(all.slice(2));
    expect(rest.json.links.next).toBeNull();
    expect(rest.json.truncated).toBeUndefined();
    const missing = await api('GET', '/v3/users?marker=nosuchmarker');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe(404);
  });

  it('treats key-only role assignment flags as Keystone does and refuses include_subtree', async () => {
    expect((await api('GET', '/v3/role_assignments?effective=anything')).status).toBe(200);
    expect((await api('GET', '/v3/role_assignments?include_names')).status).toBe(200);
    expectBadRequest(
      await api('GET', '/v3/role_assignments?include_subtree=1'),
      'include_subtree is not supported.',
    );
  });
});
