// What real clients send that the openstack CLI does not: Tempest's role grants carry
// `Content-Type: application/json` with an empty body, keystoneauth adds `; charset=UTF-8`. An empty
// JSON body is "no body"; a route that needs a body still refuses it in its own family's error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { 'x-auth-token': t.adminToken, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as any) : undefined };
}

async function ids() {
  const me = await send('GET', '/identity/v3/auth/tokens', { 'x-subject-token': t.adminToken });
  const roles = await send('GET', '/identity/v3/roles?name=reader', {});
  return {
    projectId: me.json.token.project.id as string,
    userId: me.json.token.user.id as string,
    readerId: roles.json.roles[0].id as string,
  };
}

describe('empty JSON bodies', () => {
  it('grants a role with Content-Type: application/json and no body (Tempest)', async () => {
    const { projectId, userId, readerId } = await ids();
    const path = `/identity/v3/projects/${projectId}/users/${userId}/roles/${readerId}`;
    for (const contentType of ['application/json', 'application/json; charset=UTF-8']) {
      const r = await send('PUT', path, { 'content-type': contentType }, '');
      expect(r.status).toBe(204);
    }
    const check = await send('HEAD', path, { 'content-type': 'application/json' });
    expect(check.status).toBe(204);
    const revoke = await send('DELETE', path, { 'content-type': 'application/json' }, '');
    expect(revoke.status).toBe(204);
  });

  it('still refuses an empty body where one is required, in the family shape', async () => {
    const keystone = await send('POST', '/identity/v3/projects', { 'content-type': 'application/json' }, '');
    expect(keystone.status).toBe(400);
    expect(keystone.json.error.code).toBe(400);
    const nova = await send('POST', '/compute/v2.1/servers', { 'content-type': 'application/json' }, '');
    expect(nova.status).toBe(400);
    expect(nova.json.badRequest.code).toBe(400);
    const neutron = await send('POST', '/network/v2.0/networks', { 'content-type': 'application/json' }, ' ');
    expect(neutron.status).toBe(400);
    expect(neutron.json.NeutronError.type).toBeTypeOf('string');
  });

  it('still refuses malformed JSON', async () => {
    const r = await send(
      'POST',
      '/identity/v3/projects',
      { 'content-type': 'application/json' },
      '{"project":',
    );
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(400);
  });
});
