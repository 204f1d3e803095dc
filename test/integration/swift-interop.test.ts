// What Swift clients (Tempest first) check on every Swift response, against the real app: transaction ids
// in Swift's form, a Content-Type even on 204s, the account's usage per storage policy and the policy
// /info advertises, X-Storage-Policy on container PUT, and the ResellerAdmin role of keystoneauth
// (bootstrap creates it; its holders manage any account and alone set account quotas).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjectUser,
  startSwiftTestApp,
  type ProjectUser,
  type SwiftTestApp,
} from '../support/swift-test-app.js';

let t: SwiftTestApp;
/** alice is a member of project "interop-a" (the account owner); rex holds ResellerAdmin elsewhere. */
let alice: ProjectUser;
let rex: ProjectUser;
let account: string;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function sw(
  method: string,
  path: string,
  opts: { token?: string | null; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? alice.token : opts.token;
  if (token !== null) headers['x-auth-token'] = token;
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const res = await fetch(`${account}${path}`, { method, headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

beforeAll(async () => {
  t = await startSwiftTestApp();
  alice = await createProjectUser(t, { userName: 'alice', role: 'member', projectName: 'interop-a' });
  rex = await createProjectUser(t, { userName: 'rex', role: 'ResellerAdmin', projectName: 'reseller' });
  account = t.swiftUrl(alice.projectId);
});
afterAll(async () => {
  await t?.close();
});

/** Tempest's AreAllWellFormatted rule for X-Trans-Id. */
const TRANS_ID = /^tx[0-9a-f]{21}-[0-9a-f]{10}$/;

describe('transaction ids', () => {
  it('are tx<21 hex>-<10 hex of the time>, also sent as X-Openstack-Request-Id, on errors too', async () => {
    const replies = [
      await sw('HEAD', ''),
      await sw('PUT', '/ids'),
      await sw('GET', '/ids/missing'),
      await sw('GET', '', { token: null }),
    ];
    expect(replies.map((r) => r.status)).toEqual([204, 201, 404, 401]);
    const ids = new Set<string>();
    for (const r of replies) {
      const id = r.headers.get('x-trans-id') ?? '';
      expect(id).toMatch(TRANS_ID);
      expect(r.headers.get('x-openstack-request-id')).toBe(id);
      const seconds = parseInt(id.slice(-10), 16);
      expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(60);
      ids.add(id);
    }
    expect(ids.size).toBe(replies.length);
  });

  it('stay in OpenStack form outside Swift', async () => {
    const res = await fetch(`${t.identityUrl}/v3`);
    expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
  });
});

describe('Content-Type on replies without a body', () => {
  it('names the listing type on account and container HEADs and empty listings', async () => {
    expect((await sw('PUT', '/typed')).status).toBe(201);
    for (const path of ['', '/typed']) {
      const head = await sw('HEAD', path);
      expect(head.status).toBe(204);
      expect(head.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const json = await sw('HEAD', `${path}?format=json`);
      expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
    const empty = await sw('GET', '/typed');
    expect(empty.status).toBe(204);
    expect(empty.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('is text/html on the 201, 202 and 204 of writes and deletes', async () => {
    const replies = [
      await sw('POST', '', { headers: { 'X-Account-Meta-A': '1' } }),
      await sw('PUT', '/typed'),
      await sw('POST', '/typed', { headers: { 'X-Container-Meta-A': '1' } }),
      await sw('PUT', '/typed/o', { body: 'data' }),
      await sw('POST', '/typed/o', { headers: { 'X-Object-Meta-A': '1' } }),
      await sw('DELETE', '/typed/o'),
      await sw('DELETE', '/typed'),
    ];
    expect(replies.map((r) => r.status)).toEqual([204, 202, 204, 201, 202, 204, 204]);
    for (const r of replies) expect(r.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  });
});

describe('storage policies', () => {
  it('/info advertises the default policy that containers report', async () => {
    const info = (await (await fetch(`${t.url}/object-store/info`)).json()) as Record<string, any>;
    const policies = info.swift.policies as Array<{ name: string; default?: boolean }>;
    const defaults = policies.filter((p) => p.default === true);
    expect(defaults.map((p) => p.name)).toEqual(['Policy-0']);
    expect((await sw('PUT', '/policed')).status).toBe(201);
    expect((await sw('HEAD', '/policed')).headers.get('x-storage-policy')).toBe('Policy-0');
  });

  it('reports the account usage per policy once it holds a container', async () => {
    const other = await createProjectUser(t, { userName: 'olga', role: 'member', projectName: 'policy-b' });
    const url = t.swiftUrl(other.projectId);
    const as = (method: string, path: string, body?: string) =>
      fetch(`${url}${path}`, { method, headers: { 'x-auth-token': other.token }, body });
    const fresh = await as('HEAD', '');
    expect(fresh.headers.get('x-account-storage-policy-policy-0-container-count')).toBeNull();
    expect((await as('PUT', '/c')).status).toBe(201);
    expect((await as('PUT', '/c/o', '12345')).status).toBe(201);
    for (const method of ['HEAD', 'GET']) {
      const r = await as(method, '');
      expect(r.headers.get('x-account-storage-policy-policy-0-container-count')).toBe('1');
      expect(r.headers.get('x-account-storage-policy-policy-0-object-count')).toBe('1');
      expect(r.headers.get('x-account-storage-policy-policy-0-bytes-used')).toBe('5');
    }
  });

  it('accepts the policy by name in any case on container PUT and refuses an unknown one', async () => {
    expect((await sw('PUT', '/named', { headers: { 'X-Storage-Policy': 'policy-0' } })).status).toBe(201);
    expect((await sw('HEAD', '/named')).headers.get('x-storage-policy')).toBe('Policy-0');
    const bad = await sw('PUT', '/golden', { headers: { 'X-Storage-Policy': 'gold' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
    expect(bad.text).toBe("Invalid X-Storage-Policy 'gold'");
    expect((await sw('HEAD', '/golden')).status).toBe(404);
  });
});

describe('the reseller admin', () => {
  it('exists from bootstrap and manages another project’s account', async () => {
    expect((await sw('PUT', '/resold')).status).toBe(201);
    const list = await sw('GET', '?format=json', { token: rex.token });
    expect(list.status).toBe(200);
    expect((JSON.parse(list.text) as Array<{ name: string }>).map((c) => c.name)).toContain('resold');
    expect((await sw('PUT', '/resold/by-rex', { token: rex.token, body: 'x' })).status).toBe(201);
  });

  it('alone sets and removes account quotas (Tempest’s X-Account-Meta-Quota-Bytes), which bind the owner', async () => {
    const set = await sw('POST', '', { token: rex.token, headers: { 'X-Account-Meta-Quota-Bytes': '20' } });
    expect(set.status).toBe(204);
    expect(set.headers.get('x-trans-id')).toMatch(TRANS_ID);
    for (const value of ['', '100']) {
      const denied = await sw('POST', '', { headers: { 'X-Account-Meta-Quota-Bytes': value } });
      expect(denied.status, `owner setting the quota to "${value}"`).toBe(403);
    }
    expect((await sw('PUT', '/resold/small', { body: 'within the quota' })).status).toBe(201);
    const over = await sw('PUT', '/resold/large', { body: 'this body is over twenty bytes' });
    expect(over.status).toBe(413);
    expect(over.text).toBe('Upload exceeds quota.');
    // Swift's account_quotas lets a reseller's own requests through.
    const byRex = await sw('PUT', '/resold/rex-large', { token: rex.token, body: 'also over twenty bytes' });
    expect(byRex.status).toBe(201);
    const removed = await sw('POST', '', {
      token: rex.token,
      headers: { 'X-Remove-Account-Meta-Quota-Bytes': 'x' },
    });
    expect(removed.status).toBe(204);
    expect((await sw('PUT', '/resold/large', { body: 'this body is over twenty bytes' })).status).toBe(201);
  });
});

describe('per-policy account quotas', () => {
  it('bind the owner with "Upload exceeds policy quota." and are set by the reseller only', async () => {
    expect((await sw('PUT', '/per-policy')).status).toBe(201);
    const count = Number((await sw('HEAD', '')).headers.get('x-account-object-count'));
    const header = 'X-Account-Quota-Count-Policy-Policy-0';
    expect((await sw('POST', '', { headers: { [header]: '1' } })).status).toBe(403);
    expect((await sw('POST', '', { token: rex.token, headers: { [header]: 'many' } })).status).toBe(400);
    expect((await sw('POST', '', { token: rex.token, headers: { [header]: String(count) } })).status).toBe(
      204,
    );
    expect((await sw('HEAD', '')).headers.get(header)).toBe(String(count));
    const over = await sw('PUT', '/per-policy/one-more', { body: 'x' });
    expect(over.status).toBe(413);
    expect(over.text).toBe('Upload exceeds policy quota.');
    const removed = await sw('POST', '', {
      token: rex.token,
      headers: { [`X-Remove-${header.slice(2)}`]: 'x' },
    });
    expect(removed.status).toBe(204);
    expect((await sw('PUT', '/per-policy/one-more', { body: 'x' })).status).toBe(201);
  });
});

describe('401 replies', () => {
  it('name the account as the realm of Www-Authenticate', async () => {
    const r = await sw('GET', '/resold', { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe(`Swift realm="AUTH_${alice.projectId}"`);
  });
});
