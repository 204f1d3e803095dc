// The Nova v2.1 API through the real app (SQLite, or PG with TEST_PG_URL), with the fake compute driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

let t: TestApp;
let user: string;

async function nova(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.url}/compute${path}`, {
    method,
    headers: {
      'x-auth-token': token,
      'openstack-api-version': 'compute 2.79',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
}

beforeAll(async () => {
  t = await startTestApp();
  user = (await tenant(t, 'compute-user')).token;
});
afterAll(async () => {
  await t?.close();
});

describe('compute API', () => {
  it('discovers v2.1 and renders Nova faults', async () => {
    const version = await nova(user, 'GET', '/v2.1');
    expect(version.body.version).toMatchObject({ id: 'v2.1', min_version: '2.1' });
    const missing = await nova(user, 'GET', '/v2.1/servers/00000000-0000-4000-8000-000000000000');
    expect(missing.body).toEqual({ itemNotFound: { code: 404, message: expect.any(String) } });
  });

  it('lets the admin manage flavors and a member generate a key pair', async () => {
    const flavor = await nova(t.adminToken, 'POST', '/v2.1/flavors', {
      flavor: { name: 'it.tiny', vcpus: 1, ram: 128, disk: 1 },
    });
    expect(flavor.status).toBe(200);
    expect((await nova(user, 'DELETE', `/v2.1/flavors/${flavor.body.flavor.id}`)).status).toBe(403);
    const key = await nova(user, 'POST', '/v2.1/os-keypairs', { keypair: { name: 'it-key' } });
    expect(key.status).toBe(201);
    expect(key.body.keypair.public_key).toMatch(/^ssh-ed25519 /);
  });
});
