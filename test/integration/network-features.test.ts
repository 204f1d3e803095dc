// Neutron behaviours behind the interop list: the version document, external subnets hidden from
// projects, extra routes (down to the data plane), overlapping router subnets, subnet pools, provider
// segments, and administratively down ports and routers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeNetworkDriver } from '../../src/network/driver/fake/fake-driver.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { caller, tenant, type Reply } from './network-helpers.js';

let t: TestApp;
let admin: ReturnType<typeof caller>;
let user: ReturnType<typeof caller>;
let projectId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = caller(t, t.adminToken);
  const u = await tenant(t, 'net-features');
  user = caller(t, u.token);
  projectId = u.projectId;
});
afterAll(async () => {
  await t?.close();
});

const neutron = (r: Reply) => r.body.NeutronError as { type: string; message: string };
const topology = () => (t.network.driver as FakeNetworkDriver).lastTopology();

async function networkWithSubnet(cidr: string) {
  const net = await user('POST', '/network/v2.0/networks', { network: { name: cidr } });
  const subnet = await user('POST', '/network/v2.0/subnets', {
    subnet: { network_id: net.body.network.id, cidr, ip_version: 4 },
  });
  return { networkId: net.body.network.id as string, subnetId: subnet.body.subnet.id as string };
}

describe('discovery and visibility', () => {
  it('answers a version document holding only versions', async () => {
    const doc = (await (await fetch(`${t.url}/network/`)).json()) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['versions']);
    expect(doc.versions).toEqual([expect.objectContaining({ id: 'v2.0', status: 'CURRENT' })]);
  });

  it("hides the external network's subnets from projects, not from the admin", async () => {
    const pub = (await user('GET', '/network/v2.0/networks?router:external=true')).body.networks[0];
    expect(pub.shared).toBe(false);
    expect((await user('GET', `/network/v2.0/subnets?network_id=${pub.id}`)).body.subnets).toEqual([]);
    const subnetId = pub.subnets[0];
    expect((await user('GET', `/network/v2.0/subnets/${subnetId}`)).status).toBe(404);
    expect((await admin('GET', `/network/v2.0/subnets?network_id=${pub.id}`)).body.subnets).toHaveLength(1);
  });
});

describe('router interfaces and extra routes', () => {
  it('refuses a second subnet that overlaps one the router has', async () => {
    const a = await networkWithSubnet('10.50.0.0/24');
    const b = await networkWithSubnet('10.50.0.0/25');
    const router = (await user('POST', '/network/v2.0/routers', { router: {} })).body.router.id;
    expect(
      (await user('PUT', `/network/v2.0/routers/${router}/add_router_interface`, { subnet_id: a.subnetId }))
        .status,
    ).toBe(200);
    const overlap = await user('PUT', `/network/v2.0/routers/${router}/add_router_interface`, {
      subnet_id: b.subnetId,
    });
    expect(overlap.status).toBe(400);
    expect(neutron(overlap)).toEqual({
      type: 'BadRequest',
      message: `Bad router request: Cidr 10.50.0.0/25 of subnet ${b.subnetId} overlaps with cidr 10.50.0.0/24 of subnet ${a.subnetId}.`,
      detail: '',
    });
    const ports = await user(
      'GET',
      `/network/v2.0/ports?network_id=${b.networkId}&device_owner=network:router_interface`,
    );
    expect(ports.body.ports).toEqual([]);
  });

  it('sets extra routes, programs them, refuses bad ones and keeps the interface they need', async () => {
    const a = await networkWithSubnet('10.60.0.0/24');
    const router = (await user('POST', '/network/v2.0/routers', { router: {} })).body.router.id;
    await user('PUT', `/network/v2.0/routers/${router}/add_router_interface`, { subnet_id: a.subnetId });
    const routes = [{ destination: '192.168.9.0/24', nexthop: '10.60.0.20' }];
    const set = await user('PUT', `/network/v2.0/routers/${router}`, { router: { routes } });
    expect(set.status).toBe(200);
    expect(set.body.router.routes).toEqual(routes);
    expect(topology()?.routers.find((r) => r.id === router)?.routes).toEqual(routes);
    const unreachable = await user('PUT', `/network/v2.0/routers/${router}`, {
      router: { routes: [{ destination: '192.168.8.0/24', nexthop: '10.61.0.1' }] },
    });
    expect(neutron(unreachable).type).toBe('InvalidRoutes');
    expect(neutron(unreachable).message).toContain('the nexthop is not connected with router');
    const own = await user('PUT', `/network/v2.0/routers/${router}`, {
      router: { routes: [{ destination: '192.168.8.0/24', nexthop: '10.60.0.1' }] },
    });
    expect(neutron(own).message).toContain('the nexthop is used by router');
    const many = Array.from({ length: 31 }, (_, i) => ({
      destination: `172.30.${i}.0/24`,
      nexthop: '10.60.0.20',
    }));
    expect(
      neutron(await user('PUT', `/network/v2.0/routers/${router}`, { router: { routes: many } })).type,
    ).toBe('RoutesExhausted');
    const inUse = await user('PUT', `/network/v2.0/routers/${router}/remove_router_interface`, {
      subnet_id: a.subnetId,
    });
    expect(inUse.status).toBe(409);
    expect(neutron(inUse).type).toBe('RouterInterfaceInUseByRoute');
    const cleared = await user('PUT', `/network/v2.0/routers/${router}`, { router: { routes: null } });
    expect(cleared.body.router.routes).toEqual([]);
    expect(topology()?.routers.find((r) => r.id === router)?.routes).toEqual([]);
    const removed = await user('PUT', `/network/v2.0/routers/${router}/remove_router_interface`, {
      subnet_id: a.subnetId,
    });
    expect(removed.status).toBe(200);
    const bad = await user('POST', '/network/v2.0/routers', { router: { routes } });
    expect(neutron(bad).message).toBe("Attribute 'routes' not allowed in POST");
  });
});

describe('subnet pools', () => {
  it('creates, shows, updates and deletes a pool, and allocates subnets from it', async () => {
    const made = await user('POST', '/network/v2.0/subnetpools', {
      subnetpool: { name: 'pool', prefixes: ['10.70.0.0/16'], default_prefixlen: 24 },
    });
    expect(made.status).toBe(201);
    expect(made.body.subnetpool).toMatchObject({
      name: 'pool',
      prefixes: ['10.70.0.0/16'],
      ip_version: 4,
      min_prefixlen: 8,
      max_prefixlen: 32,
      default_prefixlen: 24,
      project_id: projectId,
    });
    const pool = made.body.subnetpool.id;
    const net = (await user('POST', '/network/v2.0/networks', { network: {} })).body.network.id;
    const first = await user('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net, subnetpool_id: pool, ip_version: 4 },
    });
    expect(first.body.subnet).toMatchObject({
      cidr: '10.70.0.0/24',
      subnetpool_id: pool,
      gateway_ip: '10.70.0.1',
    });
    const net2 = (await user('POST', '/network/v2.0/networks', { network: {} })).body.network.id;
    const second = await user('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net2, subnetpool_id: pool, ip_version: 4, prefixlen: 26 },
    });
    expect(second.body.subnet.cidr).toBe('10.70.1.0/26');
    const taken = await user('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net2, subnetpool_id: pool, ip_version: 4, cidr: '10.70.0.128/25' },
    });
    expect(neutron(taken).type).toBe('SubnetAllocationError');
    const outside = await user('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net2, subnetpool_id: pool, ip_version: 4, cidr: '10.99.0.0/24' },
    });
    expect(outside.status).toBe(409);
    const both = await user('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net2, subnetpool_id: pool, ip_version: 4, cidr: '10.70.9.0/24', prefixlen: 24 },
    });
    expect(neutron(both).message).toBe(
      'Bad subnets request: cidr and prefixlen must not be supplied together.',
    );
    const noCidr = await user('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net2, ip_version: 4 },
    });
    expect(neutron(noCidr).message).toBe(
      'Bad subnets request: A cidr must be specified in the absence of a subnet pool.',
    );
    const shrink = await user('PUT', `/network/v2.0/subnetpools/${pool}`, {
      subnetpool: { prefixes: ['10.70.0.0/17'] },
    });
    expect(neutron(shrink).type).toBe('IllegalSubnetPoolPrefixUpdate');
    const grown = await user('PUT', `/network/v2.0/subnetpools/${pool}`, {
      subnetpool: { name: 'pool2', prefixes: ['10.70.0.0/16', '10.71.0.0/16'] },
    });
    expect(grown.body.subnetpool).toMatchObject({ name: 'pool2', prefixes: ['10.70.0.0/15'] });
    const busy = await user('DELETE', `/network/v2.0/subnetpools/${pool}`);
    expect(neutron(busy).type).toBe('SubnetPoolDeleteError');
    await user('DELETE', `/network/v2.0/networks/${net}`);
    await user('DELETE', `/network/v2.0/networks/${net2}`);
    expect((await user('DELETE', `/network/v2.0/subnetpools/${pool}`)).status).toBe(204);
    expect((await user('GET', `/network/v2.0/subnetpools/${pool}`)).status).toBe(404);
  });

  it('checks prefixes and bounds', async () => {
    const mixed = await user('POST', '/network/v2.0/subnetpools', {
      subnetpool: { name: 'm', prefixes: ['10.0.0.0/8', 'fd00::/48'] },
    });
    expect(neutron(mixed).type).toBe('PrefixVersionMismatch');
    const bounds = await user('POST', '/network/v2.0/subnetpools', {
      subnetpool: { name: 'b', prefixes: ['10.0.0.0/8'], min_prefixlen: 24, max_prefixlen: 16 },
    });
    expect(neutron(bounds).type).toBe('IllegalSubnetPoolPrefixBounds');
    const shared = await user('POST', '/network/v2.0/subnetpools', {
      subnetpool: { name: 's', prefixes: ['10.0.0.0/8'], shared: true },
    });
    expect(shared.status).toBe(403);
    expect(
      neutron(await user('POST', '/network/v2.0/subnetpools', { subnetpool: { prefixes: [] } })).message,
    ).toBe("Failed to parse request. Required attribute 'name' not specified");
  });
});

describe('provider segments', () => {
  it('gives project networks a vxlan segment, shown to the admin only', async () => {
    const net = await user('POST', '/network/v2.0/networks', { network: { name: 'seg' } });
    expect(net.body.network).not.toHaveProperty('provider:network_type');
    await user('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net.body.network.id, cidr: '10.90.0.0/24', ip_version: 4 },
    });
    const seen = await admin('GET', `/network/v2.0/networks/${net.body.network.id}`);
    expect(seen.body.network['provider:network_type']).toBe('vxlan');
    expect(seen.body.network['provider:segmentation_id']).toBeGreaterThan(0);
    expect(topology()?.networks.find((n) => n.id === net.body.network.id)?.uplink).toBe(false);
    const pub = (await admin('GET', '/network/v2.0/networks?name=public')).body.networks[0];
    expect(pub).toMatchObject({ 'provider:network_type': 'flat', 'provider:physical_network': 'public' });
    expect(topology()?.networks.find((n) => n.id === pub.id)?.uplink).toBe(true);
  });

  it("lets the admin choose a segment, within ML2's rules", async () => {
    const vxlan = await admin('POST', '/network/v2.0/networks', {
      network: { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 4242 },
    });
    expect(vxlan.body.network['provider:segmentation_id']).toBe(4242);
    const again = await admin('POST', '/network/v2.0/networks', {
      network: { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 4242 },
    });
    expect(neutron(again).type).toBe('TunnelIdInUse');
    const flatInUse = await admin('POST', '/network/v2.0/networks', {
      network: { 'provider:network_type': 'flat', 'provider:physical_network': 'public' },
    });
    expect(neutron(flatInUse).type).toBe('FlatNetworkInUse');
    const unknown = await admin('POST', '/network/v2.0/networks', {
      network: { 'provider:network_type': 'flat', 'provider:physical_network': 'physnet9' },
    });
    expect(neutron(unknown).message).toBe(
      "Invalid input for operation: physical_network 'physnet9' unknown for flat provider network.",
    );
    const vlan = await admin('POST', '/network/v2.0/networks', {
      network: { 'provider:network_type': 'vlan' },
    });
    expect(vlan.status).toBe(400);
    const change = await admin('PUT', `/network/v2.0/networks/${vxlan.body.network.id}`, {
      network: { 'provider:segmentation_id': 4243 },
    });
    expect(neutron(change).message).toBe(
      'Invalid input for operation: Only VLAN type networks can be updated.',
    );
    const byProject = await user('POST', '/network/v2.0/networks', {
      network: { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 7 },
    });
    expect(neutron(byProject).message).toBe(
      '(rule:create_network and rule:create_network:provider:network_type and rule:create_network:provider:segmentation_id) is disallowed by policy',
    );
  });
});

describe('admin_state_up', () => {
  it('takes a port down in its status and in the data plane', async () => {
    const { networkId } = await networkWithSubnet('10.80.0.0/24');
    const port = await user('POST', '/network/v2.0/ports', {
      port: { network_id: networkId, device_owner: 'compute:nova', admin_state_up: false },
    });
    expect(port.body.port).toMatchObject({ admin_state_up: false, status: 'DOWN' });
    const spec = () =>
      topology()
        ?.networks.find((n) => n.id === networkId)
        ?.ports.find((p) => p.id === port.body.port.id);
    expect(spec()?.adminStateUp).toBe(false);
    const up = await user('PUT', `/network/v2.0/ports/${port.body.port.id}`, {
      port: { admin_state_up: true },
    });
    expect(up.body.port.status).toBe('ACTIVE');
    expect(spec()?.adminStateUp).toBe(true);
  });

  it('takes a router down in the data plane', async () => {
    const router = await user('POST', '/network/v2.0/routers', { router: { admin_state_up: false } });
    const id = router.body.router.id;
    expect(topology()?.routers.find((r) => r.id === id)?.adminStateUp).toBe(false);
    await user('PUT', `/network/v2.0/routers/${id}`, { router: { admin_state_up: true } });
    expect(topology()?.routers.find((r) => r.id === id)?.adminStateUp).toBe(true);
  });

  it('applies stateless security groups as such and refuses mixing them with stateful ones', async () => {
    const stateless = await user('POST', '/network/v2.0/security-groups', {
      security_group: { name: 'sl', stateful: false },
    });
    expect(stateless.body.security_group.stateful).toBe(false);
    const stateful = await user('POST', '/network/v2.0/security-groups', { security_group: { name: 'sf' } });
    const { networkId } = await networkWithSubnet('10.81.0.0/24');
    const mixed = await user('POST', '/network/v2.0/ports', {
      port: {
        network_id: networkId,
        security_groups: [stateless.body.security_group.id, stateful.body.security_group.id],
      },
    });
    expect(mixed.status).toBe(409);
    await user('POST', '/network/v2.0/ports', {
      port: { network_id: networkId, security_groups: [stateless.body.security_group.id] },
    });
    expect(topology()?.securityGroups.find((g) => g.id === stateless.body.security_group.id)?.stateful).toBe(
      false,
    );
    const flip = await user('PUT', `/network/v2.0/security-groups/${stateless.body.security_group.id}`, {
      security_group: { stateful: true },
    });
    expect(neutron(flip).type).toBe('SecurityGroupInUse');
  });
});
