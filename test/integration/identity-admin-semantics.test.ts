// Who is a cloud admin (docs/admin-semantics.md): with identity.adminProjectName set, only admins of
// that project and system-scoped admins; with it empty, the admin of any project (Keystone without an
// admin project). A system-scoped admin token works as a cloud admin in every service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, passwordAuth, startTestApp, type TestApp } from '../support/app.js';
import { caller } from './network-helpers.js';

const PASSWORD = 'Passw0rd-secret';

/** Creates project `name` and a user holding `role` on it; returns the user's project token. */
async function userWithRole(t: TestApp, name: string, role: string) {
  const admin = caller(t, t.adminToken);
  const project = await admin('POST', '/identity/v3/projects', { project: { name, domain_id: 'default' } });
  const user = await admin('POST', '/identity/v3/users', {
    user: { name: `${name}-user`, password: PASSWORD, domain_id: 'default' },
  });
  const roles = await admin('GET', `/identity/v3/roles?name=${role}`);
  await admin(
    'PUT',
    `/identity/v3/projects/${project.body.project.id}/users/${user.body.user.id}/roles/${roles.body.roles[0].id}`,
  );
  const token = await issueToken(t.identityUrl, passwordAuth(`${name}-user`, PASSWORD, name));
  return { token, projectId: project.body.project.id as string, userId: user.body.user.id as string };
}

async function tokenBody(t: TestApp, token: string) {
  const res = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
    headers: { 'x-auth-token': token, 'x-subject-token': token },
  });
  return ((await res.json()) as { token: Record<string, unknown> }).token;
}

/** What only a cloud admin may do, one request per service; each answers 2xx for an admin, 403 otherwise. */
async function adminOnlyStatuses(t: TestApp, token: string, projectId: string) {
  const as = caller(t, token);
  return {
    identityUsers: (await as('GET', '/identity/v3/users')).status,
    networkShared: (await as('POST', '/network/v2.0/networks', { network: { name: 'sh', shared: true } }))
      .status,
    computeHypervisors: (await as('GET', '/compute/v2.1/os-hypervisors')).status,
    volumeType: (
      await as('POST', `/volume/v3/${projectId}/types`, { volume_type: { name: `t-${Date.now()}` } })
    ).status,
    publicImage: (
      await as('POST', '/image/v2/images', {
        name: 'pub',
        visibility: 'public',
        disk_format: 'raw',
        container_format: 'bare',
        owner: projectId,
      })
    ).status,
  };
}

describe('identity.adminProjectName = admin (the default)', () => {
  let t: TestApp;
  let opsAdmin: Awaited<ReturnType<typeof userWithRole>>;
  beforeAll(async () => {
    t = await startTestApp();
    opsAdmin = await userWithRole(t, 'ops', 'admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says is_admin_project true only for the admin project', async () => {
    expect((await tokenBody(t, t.adminToken)).is_admin_project).toBe(true);
    expect((await tokenBody(t, opsAdmin.token)).is_admin_project).toBe(false);
  });

  it('makes the admin of another project no cloud admin anywhere', async () => {
    const statuses = await adminOnlyStatuses(t, opsAdmin.token, opsAdmin.projectId);
    expect(statuses).toEqual({
      identityUsers: 403,
      networkShared: 403,
      computeHypervisors: 403,
      volumeType: 403,
      publicImage: 403,
    });
  });

  it('makes the admin project admin a cloud admin everywhere', async () => {
    const statuses = await adminOnlyStatuses(t, t.adminToken, opsAdmin.projectId);
    for (const status of Object.values(statuses)) expect(status).toBeLessThan(300);
  });

  it('issues system-scoped tokens that are cloud admin in every service', async () => {
    const system = await issueToken(t.identityUrl, {
      ...passwordAuth('admin', t.adminPassword),
      scope: { system: { all: true } },
    });
    const body = await tokenBody(t, system);
    expect(body.system).toEqual({ all: true });
    expect(body.is_admin_project).toBeUndefined();
    const statuses = await adminOnlyStatuses(t, system, opsAdmin.projectId);
    expect(statuses.identityUsers).toBe(200);
    expect(statuses.computeHypervisors).toBe(200);
    expect(statuses.volumeType).toBeLessThan(300);
    expect(statuses.publicImage).toBe(201);
    // Neutron needs an owner for what a token without a project creates.
    expect(statuses.networkShared).toBe(400);
    const as = caller(t, system);
    const made = await as('POST', '/network/v2.0/networks', {
      network: { name: 'for-ops', shared: true, project_id: opsAdmin.projectId },
    });
    expect(made.status).toBe(201);
    const all = await as('GET', '/network/v2.0/networks');
    expect(all.body.networks.map((n: { id: string }) => n.id)).toContain(made.body.network.id);
    expect(all.body.networks[0]).toHaveProperty('provider:network_type');
  });
});

describe('identity.adminProjectName = "" (no admin project)', () => {
  let t: TestApp;
  let opsAdmin: Awaited<ReturnType<typeof userWithRole>>;
  let member: Awaited<ReturnType<typeof userWithRole>>;
  beforeAll(async () => {
    t = await startTestApp({ identity: { adminProjectName: '' } });
    opsAdmin = await userWithRole(t, 'ops', 'admin');
    member = await userWithRole(t, 'dev', 'member');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves is_admin_project out of token bodies', async () => {
    expect(await tokenBody(t, opsAdmin.token)).not.toHaveProperty('is_admin_project');
    expect(await tokenBody(t, t.adminToken)).not.toHaveProperty('is_admin_project');
  });

  it('makes the admin of any project a cloud admin everywhere', async () => {
    const statuses = await adminOnlyStatuses(t, opsAdmin.token, opsAdmin.projectId);
    for (const status of Object.values(statuses)) expect(status).toBeLessThan(300);
    const nets = await caller(t, opsAdmin.token)('GET', '/network/v2.0/networks');
    expect(nets.body.networks[0]).toHaveProperty('provider:network_type');
  });

  it('keeps members of a project ordinary users', async () => {
    const secret = await caller(t, opsAdmin.token)('POST', '/network/v2.0/networks', {
      network: { name: 'ops-only' },
    });
    const seen = await caller(t, member.token)('GET', '/network/v2.0/networks');
    expect(seen.body.networks.map((n: { id: string }) => n.id)).not.toContain(secret.body.network.id);
    const statuses = await adminOnlyStatuses(t, member.token, member.projectId);
    expect(statuses).toEqual({
      identityUsers: 403,
      networkShared: 403,
      computeHypervisors: 403,
      volumeType: 403,
      publicImage: 403,
    });
  });
});
