// The Neutron API over HTTP with the fake data plane: networks, subnets, ports, security groups,
// routers, floating IPs, quotas; Neutron's error bodies, filters, fields, sorting and paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { caller, tenant, type Reply } from './network-helpers.js';

let t: TestApp;
let admin: ReturnType<typeof caller>;
let alice: ReturnType<typeof caller>;
let bob: ReturnType<typeof caller>;
let aliceProject: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = caller(t, t.adminToken);
  const a = await tenant(t, 'net-alice');
  const b = await tenant(t, 'net-bob');
  alice = caller(t, a.token);
  bob = caller(t, b.token);
  aliceProject = a.projectId;
});
afterAll(async () => {
  await t?.close();
});

const errorType = (r: Reply) => r.body.NeutronError?.type as string | undefined;

describe('discovery', () => {
  it('lists versions, resources and extensions', async () => {
    const versions = (await fetch(`${t.url}/network/`).then((r) => r.json())) as Reply['body'];
    expect(versions.versions[0].id).toBe('v2.0');
    const resources = (await fetch(`${t.url}/network/v2.0/`).then((r) => r.json())) as Reply['body'];
    expect(resources.resources.map((r: { collection: string }) => r.collection)).toContain('floatingips');
    const ext = await alice('GET', '/network/v2.0/extensions');
    expect(ext.body.extensions.map((e: { alias: string }) => e.alias)).toContain('router');
    expect((await fetch(`${t.url}/network/v2.0/networks`)).status).toBe(401);
  });

  it('bootstraps the external network public, visible to all', async () => {
    const nets = await alice('GET', '/network/v2.0/networks?router:external=true');
    const pub = nets.body.networks.find((n: { name: string }) => n.name === 'public');
    expect(pub).toMatchObject({ 'router:external': true, shared: false });
    const subnets = await admin('GET', `/network/v2.0/subnets?network_id=${pub.id}`);
    expect(subnets.body.subnets[0]).toMatchObject({ cidr: '172.24.4.0/24', gateway_ip: '172.24.4.1' });
  });
});

describe('networks and subnets', () => {
  it('creates a network with IPv4 and IPv6 subnets and rejects bad input with NeutronError', async () => {
    const net = await alice('POST', '/network/v2.0/networks', { network: { name: 'n1' } });
    expect(net.status).toBe(201);
    expect(net.body.network).toMatchObject({
      name: 'n1',
      status: 'ACTIVE',
      mtu: 1500,
      shared: false,
      project_id: aliceProject,
    });
    const id = net.body.network.id;
    const s4 = await alice('POST', '/network/v2.0/subnets', {
      subnet: { network_id: id, cidr: '10.1.0.0/24', ip_version: 4 },
    });
    expect(s4.status).toBe(201);
    expect(s4.body.subnet).toMatchObject({
      gateway_ip: '10.1.0.1',
      allocation_pools: [{ start: '10.1.0.2', end: '10.1.0.254' }],
    });
    const s6 = await alice('POST', '/network/v2.0/subnets', {
      subnet: { network_id: id, cidr: 'fd00:1::/64', ip_version: 6 },
    });
    expect(s6.status).toBe(201);
    expect(s6.body.subnet.gateway_ip).toBe('fd00:1::1');
    const overlap = await alice('POST', '/network/v2.0/subnets', {
      subnet: { network_id: id, cidr: '10.1.0.128/25', ip_version: 4 },
    });
    expect(overlap.status).toBe(400);
    expect(errorType(overlap)).toBe('InvalidInput');
    const badGw = await alice('POST', '/network/v2.0/subnets', {
      subnet: { network_id: id, cidr: '10.2.0.0/24', ip_version: 4, gateway_ip: '10.9.0.1' },
    });
    expect(badGw.status).toBe(400);
    const badCidr = await alice('POST', '/network/v2.0/subnets', {
      subnet: { network_id: id, cidr: '10.2.0.0/33', ip_version: 4 },
    });
    expect(badCidr.status).toBe(400);
    const shown = await alice('GET', `/network/v2.0/networks/${id}`);
    expect(shown.body.network.subnets).toHaveLength(2);
    const dhcp = await alice('GET', `/network/v2.0/ports?network_id=${id}&device_owner=network:dhcp`);
    expect(dhcp.body.ports[0].fixed_ips[0].ip_address).toBe('10.1.0.2');
  });

  it('hides other projects networks with a NetworkNotFound 404', async () => {
    const net = await alice('POST', '/network/v2.0/networks', { network: { name: 'private' } });
    const r = await bob('GET', `/network/v2.0/networks/${net.body.network.id}`);
    expect(r.status).toBe(404);
    expect(r.body.NeutronError).toMatchObject({ type: 'NetworkNotFound', detail: '' });
    const port = await bob('POST', '/network/v2.0/ports', { port: { network_id: net.body.network.id } });
    expect(port.status).toBe(404);
    const list = await bob('GET', '/network/v2.0/networks');
    expect(list.body.networks.map((n: { id: string }) => n.id)).not.toContain(net.body.network.id);
  });
});

describe('ports', () => {
  it('allocates fixed IPs and MACs, filters by device_id, 409 on taken IPs, fields and paging', async () => {
    const net = await alice('POST', '/network/v2.0/networks', { network: { name: 'ports-net' } });
    const nid = net.body.network.id;
    await alice('POST', '/network/v2.0/subnets', {
      subnet: { network_id: nid, cidr: '10.3.0.0/24', ip_version: 4, enable_dhcp: false },
    });
    const p1 = await alice('POST', '/network/v2.0/ports', {
      port: { network_id: nid, device_id: 'vm-1', name: 'a' },
    });
    expect(p1.status).toBe(201);
    expect(p1.body.port.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(p1.body.port.fixed_ips[0].ip_address).toBe('10.3.0.2');
    expect(p1.body.port.security_groups).toHaveLength(1);
    const taken = await alice('POST', '/network/v2.0/ports', {
      port: { network_id: nid, fixed_ips: [{ ip_address: '10.3.0.2' }] },
    });
    expect(taken.status).toBe(409);
    expect(errorType(taken)).toBe('IpAddressAlreadyAllocated');
    const outside = await alice('POST', '/network/v2.0/ports', {
      port: { network_id: nid, fixed_ips: [{ ip_address: '10.99.0.2' }] },
    });
    expect(outside.status).toBe(400);
    await alice('POST', '/network/v2.0/ports', { port: { network_id: nid, device_id: 'vm-2', name: 'b' } });
    await alice('POST', '/network/v2.0/ports', { port: { network_id: nid, device_id: 'vm-3', name: 'c' } });
    const byDevice = await alice('GET', '/network/v2.0/ports?device_id=vm-1&device_id=vm-3');
    expect(byDevice.body.ports.map((p: { name: string }) => p.name).sort()).toEqual(['a', 'c']);
    const fields = await alice(
      'GET',
      `/network/v2.0/ports?network_id=${nid}&fields=id&fields=name&sort_key=name&sort_dir=desc`,
    );
    expect(fields.body.ports[0]).toEqual({ id: expect.any(String), name: 'c' });
    const page = await alice(
      'GET',
      `/network/v2.0/ports?network_id=${nid}&limit=2&sort_key=name&sort_dir=asc`,
    );
    expect(page.body.ports).toHaveLength(2);
    expect(page.body.ports_links[0].rel).toBe('next');
    const byIp = await alice('GET', '/network/v2.0/ports?fixed_ips=ip_address%3D10.3.0.2');
    expect(byIp.body.ports).toHaveLength(1);
    const inUse = await alice('DELETE', `/network/v2.0/networks/${nid}`);
    expect(inUse.status).toBe(409);
    expect(errorType(inUse)).toBe('NetworkInUse');
  });
});

describe('security groups', () => {
  it('creates the default group on first use, validates rules, 409 on duplicates', async () => {
    const list = await alice('GET', '/network/v2.0/security-groups');
    const def = list.body.security_groups.find((g: { name: string }) => g.name === 'default');
    expect(def.security_group_rules).toHaveLength(4);
    const rule = {
      security_group_id: def.id,
      direction: 'ingress',
      protocol: 'tcp',
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: '0.0.0.0/0',
    };
    const made = await alice('POST', '/network/v2.0/security-group-rules', { security_group_rule: rule });
    expect(made.status).toBe(201);
    expect(made.body.security_group_rule).toMatchObject({
      ethertype: 'IPv4',
      protocol: 'tcp',
      port_range_min: 22,
    });
    const dup = await alice('POST', '/network/v2.0/security-group-rules', { security_group_rule: rule });
    expect(dup.status).toBe(409);
    const bad = await alice('POST', '/network/v2.0/security-group-rules', {
      security_group_rule: { ...rule, port_range_min: 30, port_range_max: 20 },
    });
    expect(bad.status).toBe(400);
    const mismatch = await alice('POST', '/network/v2.0/security-group-rules', {
      security_group_rule: { ...rule, remote_ip_prefix: '::/0' },
    });
    expect(mismatch.status).toBe(400);
    const other = await bob('GET', `/network/v2.0/security-groups/${def.id}`);
    expect(other.status).toBe(404);
  });
});

describe('routers and floating IPs', () => {
  it('sets a gateway, adds an interface, associates a floating IP', async () => {
    const pub = (await alice('GET', '/network/v2.0/networks?name=public')).body.networks[0];
    const net = await alice('POST', '/network/v2.0/networks', { network: { name: 'r-net' } });
    const subnet = await alice('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net.body.network.id, cidr: '10.4.0.0/24', ip_version: 4 },
    });
    const router = await alice('POST', '/network/v2.0/routers', { router: { name: 'r1' } });
    expect(router.status).toBe(201);
    const rid = router.body.router.id;
    const gw = await alice('PUT', `/network/v2.0/routers/${rid}`, {
      router: { external_gateway_info: { network_id: pub.id } },
    });
    expect(gw.body.router.external_gateway_info).toMatchObject({ network_id: pub.id, enable_snat: true });
    const notExternal = await alice('PUT', `/network/v2.0/routers/${rid}`, {
      router: { external_gateway_info: { network_id: net.body.network.id } },
    });
    expect(notExternal.status).toBe(400);
    const itf = await alice('PUT', `/network/v2.0/routers/${rid}/add_router_interface`, {
      subnet_id: subnet.body.subnet.id,
    });
    expect(itf.status).toBe(200);
    expect(itf.body.subnet_id).toBe(subnet.body.subnet.id);
    const port = await alice('POST', '/network/v2.0/ports', { port: { network_id: net.body.network.id } });
    const fip = await alice('POST', '/network/v2.0/floatingips', {
      floatingip: { floating_network_id: pub.id },
    });
    expect(fip.status).toBe(201);
    expect(fip.body.floatingip.floating_ip_address).toMatch(/^172\.24\.4\./);
    const assoc = await alice('PUT', `/network/v2.0/floatingips/${fip.body.floatingip.id}`, {
      floatingip: { port_id: port.body.port.id },
    });
    expect(assoc.body.floatingip).toMatchObject({
      router_id: rid,
      status: 'ACTIVE',
      fixed_ip_address: port.body.port.fixed_ips[0].ip_address,
    });
    const topo = (
      t.network.driver as unknown as { lastTopology(): { routers: { id: string; floatingIps: unknown[] }[] } }
    ).lastTopology();
    expect(topo.routers.find((r) => r.id === rid)?.floatingIps).toHaveLength(1);
    const busy = await alice('DELETE', `/network/v2.0/routers/${rid}`);
    expect(busy.status).toBe(409);
    const cut = await alice('PUT', `/network/v2.0/routers/${rid}/remove_router_interface`, {
      subnet_id: subnet.body.subnet.id,
    });
    expect(cut.status).toBe(409);
    expect((await alice('DELETE', `/network/v2.0/floatingips/${fip.body.floatingip.id}`)).status).toBe(204);
    expect(
      (
        await alice('PUT', `/network/v2.0/routers/${rid}/remove_router_interface`, {
          subnet_id: subnet.body.subnet.id,
        })
      ).status,
    ).toBe(200);
    expect((await alice('DELETE', `/network/v2.0/routers/${rid}`)).status).toBe(204);
  });
});

describe('quotas and auto-allocation', () => {
  it('shows and updates quotas, enforces them', async () => {
    const shown = await alice('GET', `/network/v2.0/quotas/${aliceProject}`);
    expect(shown.body.quota.network).toBe(100);
    expect(
      (await alice('PUT', `/network/v2.0/quotas/${aliceProject}`, { quota: { router: 0 } })).status,
    ).toBe(403);
    const set = await admin('PUT', `/network/v2.0/quotas/${aliceProject}`, { quota: { router: 0 } });
    expect(set.body.quota.router).toBe(0);
    const over = await alice('POST', '/network/v2.0/routers', { router: { name: 'too-many' } });
    expect(over.status).toBe(409);
    expect(errorType(over)).toBe('OverQuota');
    await admin('DELETE', `/network/v2.0/quotas/${aliceProject}`);
  });

  it('auto-allocates a topology once', async () => {
    const b = await tenant(t, 'net-auto');
    const carol = caller(t, b.token);
    const first = await carol('GET', `/network/v2.0/auto-allocated-topology/${b.projectId}`);
    expect(first.status).toBe(200);
    const again = await carol('GET', `/network/v2.0/auto-allocated-topology/${b.projectId}`);
    expect(again.body.auto_allocated_topology.id).toBe(first.body.auto_allocated_topology.id);
  });
});
