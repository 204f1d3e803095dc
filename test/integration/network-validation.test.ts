// Every Neutron body and query is checked against the resource's schema before a handler runs, with
// Neutron's own messages: unknown and read-only attributes, values, bulk limits and atomicity, list
// filters, sort keys and limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { caller, tenant, type Reply } from './network-helpers.js';

let t: TestApp;
let admin: ReturnType<typeof caller>;
let user: ReturnType<typeof caller>;
let projectId: string;
let groupId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = caller(t, t.adminToken);
  const u = await tenant(t, 'net-validation');
  user = caller(t, u.token);
  projectId = u.projectId;
  groupId = (await user('POST', '/network/v2.0/security-groups', { security_group: { name: 'g' } })).body
    .security_group.id;
});
afterAll(async () => {
  await t?.close();
});

const neutron = (r: Reply) => r.body.NeutronError as { type: string; message: string; detail: string };

describe('request bodies', () => {
  it('refuses unknown attributes as Neutron does', async () => {
    const r = await user('POST', '/network/v2.0/networks', { network: { name: 'a', colour: 'blue' } });
    expect(r.status).toBe(400);
    expect(neutron(r)).toEqual({
      type: 'HTTPBadRequest',
      message: "Unrecognized attribute(s) 'colour'",
      detail: '',
    });
  });

  it('refuses read-only attributes on POST and PUT', async () => {
    const post = await user('POST', '/network/v2.0/networks', { network: { status: 'DOWN' } });
    expect(neutron(post).message).toBe("Attribute 'status' not allowed in POST");
    const net = await user('POST', '/network/v2.0/networks', { network: { name: 'ro' } });
    const put = await user('PUT', `/network/v2.0/networks/${net.body.network.id}`, {
      network: { project_id: projectId },
    });
    expect(put.status).toBe(400);
    expect(neutron(put).message).toBe('Cannot update read-only attribute project_id');
  });

  it('requires the required attributes and checks each value', async () => {
    const missing = await user('POST', '/network/v2.0/subnets', {
      subnet: { cidr: '10.0.0.0/24', ip_version: 4 },
    });
    expect(neutron(missing).message).toBe(
      "Failed to parse request. Required attribute 'network_id' not specified",
    );
    const badUuid = await user('POST', '/network/v2.0/ports', { port: { network_id: 'nope' } });
    expect(neutron(badUuid)).toMatchObject({
      type: 'HTTPBadRequest',
      message: "Invalid input for network_id. Reason: 'nope' is not a valid UUID.",
    });
    const badBool = await user('POST', '/network/v2.0/networks', { network: { admin_state_up: 'maybe' } });
    expect(neutron(badBool)).toMatchObject({
      type: 'InvalidInput',
      message: "Invalid input for operation: 'maybe' cannot be converted to boolean.",
    });
    const longName = await user('POST', '/network/v2.0/networks', { network: { name: 'x'.repeat(256) } });
    expect(neutron(longName).message).toContain('exceeds maximum length of 255');
    const converted = await user('POST', '/network/v2.0/networks', { network: { admin_state_up: 'False' } });
    expect(converted.body.network.admin_state_up).toBe(false);
    expect((await user('POST', '/network/v2.0/networks', ['not', 'an', 'object'])).status).toBe(400);
    expect(neutron(await user('POST', '/network/v2.0/networks', {})).message).toBe('Resource body required');
    expect(neutron(await user('POST', '/network/v2.0/networks', { net: {} })).message).toBe(
      "Unable to find 'network' in request body",
    );
  });
});

describe('security group rules', () => {
  const rule = (extra: Record<string, unknown>) =>
    user('POST', '/network/v2.0/security-group-rules', {
      security_group_rule: { security_group_id: groupId, direction: 'ingress', ...extra },
    });

  it.each([
    [{ protocol: 'tcp', port_range_min: -16, port_range_max: 80 }, 'Invalid value for port -16'],
    [{ protocol: 'tcp', port_range_min: 80, port_range_max: 79 }, 'port_range_min must be <= port_range_max'],
    [{ protocol: 'tcp', port_range_min: 80, port_range_max: 65536 }, 'Invalid value for port 65536'],
    [
      { protocol: 'tcp', port_range_min: null, port_range_max: 6 },
      'port_range_min must be <= port_range_max',
    ],
    [{ protocol: 'icmp', port_range_min: 1, port_range_max: 256 }, 'Invalid value for ICMP code'],
    [{ protocol: 'icmp', port_range_min: null, port_range_max: 6 }, 'ICMP type (port-range-min) is missing'],
    [{ protocol: 'icmp', port_range_min: 300, port_range_max: 1 }, 'Invalid value for ICMP type'],
    [{ protocol: 'gre', port_range_min: 1, port_range_max: 2 }, 'Ports cannot be specified for protocol gre'],
    [{ protocol: 'bogus' }, 'Security group rule protocol bogus not supported'],
    [{ ethertype: 'IPv5' }, "Security group rule for ethertype 'IPv5' not supported"],
    [{ remote_ip_prefix: '10.0.0.0/99' }, 'Invalid CIDR 10.0.0.0/99 given as IP prefix.'],
  ])('refuses %j with a 400 saying %s', async (extra, message) => {
    const r = await rule(extra);
    expect(r.status).toBe(400);
    expect(neutron(r).message).toContain(message);
  });

  it('updates the description of a rule and nothing else', async () => {
    const made = await rule({ protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
    const id = made.body.security_group_rule.id;
    const refused = await user('PUT', `/network/v2.0/security-group-rules/${id}`, {
      security_group_rule: { direction: 'egress' },
    });
    expect(refused.status).toBe(400);
    expect(neutron(refused).message).toBe('Cannot update read-only attribute direction');
    const ok = await user('PUT', `/network/v2.0/security-group-rules/${id}`, {
      security_group_rule: { description: 'ssh' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.security_group_rule).toMatchObject({ description: 'ssh', direction: 'ingress' });
    expect(
      (await user('GET', `/network/v2.0/security-group-rules/${id}`)).body.security_group_rule.description,
    ).toBe('ssh');
  });

  it('turns the whole port range into no range, as Neutron does', async () => {
    const r = await rule({ protocol: 'udp', port_range_min: 1, port_range_max: 65535 });
    expect(r.body.security_group_rule).toMatchObject({ port_range_min: null, port_range_max: null });
  });
});

describe('bulk creates', () => {
  it('creates every item of a large bulk request', async () => {
    await admin('PUT', `/network/v2.0/quotas/${projectId}`, { quota: { network: 500 } });
    const networks = Array.from({ length: 150 }, (_, i) => ({ name: `bulk-${i}` }));
    const r = await user('POST', '/network/v2.0/networks', { networks });
    expect(r.status).toBe(201);
    expect(r.body.networks).toHaveLength(150);
    const listed = await user('GET', '/network/v2.0/networks?fields=name');
    expect(listed.body.networks.filter((n: { name: string }) => n.name.startsWith('bulk-'))).toHaveLength(
      150,
    );
  });

  it('creates nothing when one item fails, and refuses more than the bulk limit', async () => {
    const owned = async () =>
      (await user('GET', `/network/v2.0/networks?project_id=${projectId}`)).body.networks.length as number;
    const before = await owned();
    const bad = await user('POST', '/network/v2.0/networks', {
      networks: [{ name: 'ok-1' }, { name: 'ok-2' }, { name: 'bad', bogus: 1 }],
    });
    expect(bad.status).toBe(400);
    await admin('PUT', `/network/v2.0/quotas/${projectId}`, { quota: { network: before + 2 } });
    const over = await user('POST', '/network/v2.0/networks', {
      networks: [{ name: 'q-1' }, { name: 'q-2' }, { name: 'q-3' }],
    });
    expect(over.status).toBe(409);
    expect(neutron(over).type).toBe('OverQuota');
    expect(await owned()).toBe(before);
    const tooMany = await user('POST', '/network/v2.0/networks', {
      networks: Array.from({ length: 1001 }, () => ({})),
    });
    expect(tooMany.status).toBe(400);
  });
});

describe('list queries', () => {
  it('refuses unknown filters, sort keys and limits as Neutron does', async () => {
    const filter = await user('GET', '/network/v2.0/networks?colour=blue');
    expect(neutron(filter)).toEqual({
      type: 'HTTPBadRequest',
      message: "['colour'] is invalid attribute for filtering",
      detail: '',
    });
    const sort = await user(
      'GET',
      '/network/v2.0/networks?sort_key=mtu&sort_key=subnets&sort_dir=asc&sort_dir=asc',
    );
    expect(neutron(sort).message).toBe("['subnets'] is invalid attribute for sort_keys");
    const dirs = await user('GET', '/network/v2.0/networks?sort_key=name');
    expect(neutron(dirs).message).toBe('The number of sort_keys and sort_dirs must be same');
    const limit = await user('GET', '/network/v2.0/networks?limit=-1');
    expect(neutron(limit).message).toBe(
      "Bad limit request: Limit must be an integer 0 or greater and not '-1'.",
    );
    expect((await user('GET', `/network/v2.0/security-groups/${groupId}?verbose=1`)).status).toBe(400);
    expect((await user('DELETE', `/network/v2.0/security-groups/${groupId}?force=1`)).status).toBe(400);
  });

  it('filters by the attributes Neutron filters on', async () => {
    const r = await user('GET', '/network/v2.0/networks?name=bulk-7&admin_state_up=true');
    expect(r.status).toBe(200);
    expect(r.body.networks.map((n: { name: string }) => n.name)).toEqual(['bulk-7']);
  });
});

describe('quota and router action bodies', () => {
  it('validates quota updates and interface requests', async () => {
    const quota = await admin('PUT', `/network/v2.0/quotas/${projectId}`, { quota: { networks: 5 } });
    expect(neutron(quota).message).toBe("Unrecognized attribute(s) 'networks'");
    const negative = await admin('PUT', `/network/v2.0/quotas/${projectId}`, { quota: { port: -5 } });
    expect(negative.status).toBe(400);
    const router = (await user('POST', '/network/v2.0/routers', { router: {} })).body.router.id;
    const neither = await user('PUT', `/network/v2.0/routers/${router}/add_router_interface`, {});
    expect(neutron(neither).message).toBe(
      'Bad router request: Either subnet_id or port_id must be specified.',
    );
    const extra = await user('PUT', `/network/v2.0/routers/${router}/add_router_interface`, {
      subnet_id: '8b3a1e3c-5f1e-4b1e-9a51-1f2e3d4c5b6a',
      colour: 'x',
    });
    expect(neutron(extra).message).toBe("Unrecognized attribute(s) 'colour'");
  });
});
