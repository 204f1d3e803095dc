// Neutron's secure-RBAC defaults per project role: a reader reads and nothing else, a member creates,
// updates and deletes the project's resources, the project's admin is a member there and no cloud
// admin; other projects get 404s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, passwordAuth, startTestApp, type TestApp } from '../support/app.js';
import { caller, tenant, type Reply } from './network-helpers.js';

let t: TestApp;
let projectId: string;
let reader: ReturnType<typeof caller>;
let member: ReturnType<typeof caller>;
let projectAdmin: ReturnType<typeof caller>;
let outsider: ReturnType<typeof caller>;
const ids: Record<string, string> = {};

/** Adds a user with `role` to the project and returns a caller with that user's project token. */
async function userOn(project: { id: string; name: string }, name: string, role: string) {
  const admin = caller(t, t.adminToken);
  const user = await admin('POST', '/identity/v3/users', {
    user: { name, password: 'Passw0rd-secret', domain_id: 'default' },
  });
  const roles = await admin('GET', `/identity/v3/roles?name=${role}`);
  await admin(
    'PUT',
    `/identity/v3/projects/${project.id}/users/${user.body.user.id}/roles/${roles.body.roles[0].id}`,
  );
  return caller(t, await issueToken(t.identityUrl, passwordAuth(name, 'Passw0rd-secret', project.name)));
}

const denied = (r: Reply, action: string) => {
  expect(r.status).toBe(403);
  expect(r.body.NeutronError).toEqual({
    type: 'PolicyNotAuthorized',
    message: `rule:${action} is disallowed by policy`,
    detail: '',
  });
};

beforeAll(async () => {
  t = await startTestApp();
  const owner = await tenant(t, 'rbac');
  projectId = owner.projectId;
  member = caller(t, owner.token);
  const project = { id: projectId, name: 'rbac' };
  reader = await userOn(project, 'rbac-reader', 'reader');
  projectAdmin = await userOn(project, 'rbac-admin', 'admin');
  outsider = caller(t, (await tenant(t, 'rbac-other')).token);
  const net = await member('POST', '/network/v2.0/networks', { network: { name: 'n' } });
  ids.network = net.body.network.id;
  const subnet = await member('POST', '/network/v2.0/subnets', {
    subnet: { network_id: ids.network, cidr: '10.20.0.0/24', ip_version: 4 },
  });
  ids.subnet = subnet.body.subnet.id;
  ids.port = (
    await member('POST', '/network/v2.0/ports', { port: { network_id: ids.network } })
  ).body.port.id;
  ids.router = (await member('POST', '/network/v2.0/routers', { router: { name: 'r' } })).body.router.id;
  const group = await member('POST', '/network/v2.0/security-groups', { security_group: { name: 'g' } });
  ids.group = group.body.security_group.id;
  ids.rule = group.body.security_group.security_group_rules[0].id;
});
afterAll(async () => {
  await t?.close();
});

describe('reader', () => {
  it('reads every resource of the project', async () => {
    for (const [path, key] of [
      ['networks', 'network'],
      ['subnets', 'subnet'],
      ['ports', 'port'],
      ['routers', 'router'],
      ['security-groups', 'group'],
      ['security-group-rules', 'rule'],
    ] as const) {
      const r = await reader('GET', `/network/v2.0/${path}/${ids[key]}`);
      expect(r.status, path).toBe(200);
    }
    const list = await reader('GET', '/network/v2.0/ports');
    expect(list.body.ports.map((p: { id: string }) => p.id)).toContain(ids.port);
  });

  it('creates nothing', async () => {
    denied(await reader('POST', '/network/v2.0/networks', { network: { name: 'x' } }), 'create_network');
    denied(await reader('POST', '/network/v2.0/ports', { port: { network_id: ids.network } }), 'create_port');
    denied(await reader('POST', '/network/v2.0/routers', { router: { name: 'x' } }), 'create_router');
    denied(
      await reader('POST', '/network/v2.0/security-groups', { security_group: { name: 'x' } }),
      'create_security_group',
    );
    denied(
      await reader('POST', '/network/v2.0/security-group-rules', {
        security_group_rule: { security_group_id: ids.group, direction: 'ingress', protocol: 'tcp' },
      }),
      'create_security_group_rule',
    );
    denied(
      await reader('POST', '/network/v2.0/subnets', {
        subnet: { network_id: ids.network, cidr: '10.21.0.0/24', ip_version: 4 },
      }),
      'create_subnet',
    );
  });

  it('updates and deletes nothing', async () => {
    denied(
      await reader('PUT', `/network/v2.0/networks/${ids.network}`, { network: { name: 'y' } }),
      'update_network',
    );
    denied(await reader('PUT', `/network/v2.0/ports/${ids.port}`, { port: { name: 'y' } }), 'update_port');
    denied(
      await reader('PUT', `/network/v2.0/routers/${ids.router}`, { router: { name: 'y' } }),
      'update_router',
    );
    denied(
      await reader('PUT', `/network/v2.0/routers/${ids.router}/add_router_interface`, {
        subnet_id: ids.subnet,
      }),
      'add_router_interface',
    );
    denied(
      await reader('DELETE', `/network/v2.0/security-group-rules/${ids.rule}`),
      'delete_security_group_rule',
    );
    denied(await reader('DELETE', `/network/v2.0/ports/${ids.port}`), 'delete_port');
    denied(await reader('DELETE', `/network/v2.0/routers/${ids.router}`), 'delete_router');
    denied(await reader('DELETE', `/network/v2.0/subnets/${ids.subnet}`), 'delete_subnet');
    denied(await reader('DELETE', `/network/v2.0/networks/${ids.network}`), 'delete_network');
    expect((await member('GET', `/network/v2.0/networks/${ids.network}`)).body.network.name).toBe('n');
  });
});

describe('member', () => {
  it('creates, updates and deletes the project resources', async () => {
    const net = await member('POST', '/network/v2.0/networks', { network: { name: 'm' } });
    expect(net.status).toBe(201);
    const renamed = await member('PUT', `/network/v2.0/networks/${net.body.network.id}`, {
      network: { name: 'm2' },
    });
    expect(renamed.body.network.name).toBe('m2');
    const rule = await member('POST', '/network/v2.0/security-group-rules', {
      security_group_rule: { security_group_id: ids.group, direction: 'ingress', protocol: 'tcp' },
    });
    expect(rule.status).toBe(201);
    expect(
      (await member('DELETE', `/network/v2.0/security-group-rules/${rule.body.security_group_rule.id}`))
        .status,
    ).toBe(204);
    expect((await member('DELETE', `/network/v2.0/networks/${net.body.network.id}`)).status).toBe(204);
  });

  it('may not use the admin-only attributes nor act for another project', async () => {
    const shared = await member('POST', '/network/v2.0/networks', { network: { shared: true } });
    expect(shared.status).toBe(403);
    expect(shared.body.NeutronError.message).toBe(
      '(rule:create_network and rule:create_network:shared) is disallowed by policy',
    );
    const provider = await member('POST', '/network/v2.0/networks', {
      network: { 'provider:network_type': 'vxlan' },
    });
    expect(provider.status).toBe(403);
    const other = await member('POST', '/network/v2.0/networks', { network: { project_id: 'someone-else' } });
    expect(other.status).toBe(400);
    expect(other.body.NeutronError.type).toBe('HTTPBadRequest');
  });
});

describe("the project's admin", () => {
  it('manages the project as a member does, and no more', async () => {
    const net = await projectAdmin('POST', '/network/v2.0/networks', { network: { name: 'pa' } });
    expect(net.status).toBe(201);
    expect(net.body.network).not.toHaveProperty('provider:network_type');
    expect((await projectAdmin('DELETE', `/network/v2.0/networks/${net.body.network.id}`)).status).toBe(204);
    expect((await projectAdmin('POST', '/network/v2.0/networks', { network: { shared: true } })).status).toBe(
      403,
    );
    const foreign = await outsider('POST', '/network/v2.0/networks', { network: { name: 'theirs' } });
    expect((await projectAdmin('GET', `/network/v2.0/networks/${foreign.body.network.id}`)).status).toBe(404);
  });
});

describe('another project', () => {
  it('gets 404 for the project resources, reading or writing', async () => {
    const get = await outsider('GET', `/network/v2.0/ports/${ids.port}`);
    expect(get.status).toBe(404);
    expect(get.body.NeutronError.type).toBe('PortNotFound');
    expect((await outsider('DELETE', `/network/v2.0/routers/${ids.router}`)).status).toBe(404);
    expect(
      (await outsider('PUT', `/network/v2.0/networks/${ids.network}`, { network: { name: 'z' } })).status,
    ).toBe(404);
  });
});
