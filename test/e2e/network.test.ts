// Neutron end to end: the started `nuage up` binary with the linux data plane, driven by Debian's real
// `openstack` CLI; namespaces created here stand in for VMs (a veth where a tap would go, bound through
// binding:profile netns). All traffic stays inside those namespaces or on the host-only external
// range 172.24.4.0/24. Runs as root only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import {
  openstack,
  openstackJson,
  openstackOk,
  describeRun,
  type CliOptions,
  type Credentials,
} from '../support/openstack-cli.js';
import { Namespaces, dataPlaneObjects, extractBusybox, sh, teardownDataPlane } from './network-helpers.js';
import { requireRoot } from '../support/require-root.js';

const HOST_IP = '172.24.4.1';

interface PortView {
  id: string;
  fixed_ips: { ip_address: string }[];
}

let nuage: NuageServer;
let admin: CliOptions;
let ns: Namespaces;
const ids: Record<string, string> = {};
const ips: Record<string, string> = {};

async function boundPort(
  name: string,
  network: string,
  netns: string,
  extra: string[] = [],
  as: CliOptions = admin,
) {
  const port = await openstackJson<PortView>(
    [
      'port',
      'create',
      '--network',
      network,
      '--host',
      'nuage-e2e',
      '--binding-profile',
      `netns=${netns}`,
      '--device',
      `vm-${name}`,
      ...extra,
      name,
    ],
    as,
  );
  ids[name] = port.id;
  ips[name] = port.fixed_ips[0]?.ip_address ?? '';
  return port;
}

describe('network e2e (linux data plane)', () => {
  requireRoot('network e2e (linux data plane)');
  beforeAll(async () => {
    ns = new Namespaces(await extractBusybox());
    nuage = await startNuage({ env: { NUAGE_NETWORK_DRIVER: 'linux' } });
    admin = { cloudsYaml: nuage.cloudsYaml };
    for (const n of ['nt-vm1', 'nt-vm2', 'nt-vm3', 'nt-other']) await ns.add(n);
  });

  afterAll(async () => {
    await ns?.cleanup();
    await nuage?.stop();
    await teardownDataPlane();
  });

  it('builds a topology with the openstack CLI', async () => {
    ids.net = (await openstackJson<{ id: string }>(['network', 'create', 'e2e-net'], admin)).id;
    const subnet = await openstackJson<{ id: string; gateway_ip: string }>(
      ['subnet', 'create', 'e2e-sub', '--network', 'e2e-net', '--subnet-range', '10.77.0.0/24'],
      admin,
    );
    expect(subnet.gateway_ip).toBe('10.77.0.1');
    ids.router = (await openstackJson<{ id: string }>(['router', 'create', 'e2e-router'], admin)).id;
    await openstackOk(['router', 'set', '--external-gateway', 'public', 'e2e-router'], admin);
    await openstackOk(['router', 'add', 'subnet', 'e2e-router', 'e2e-sub'], admin);
    const bad = await openstack(
      ['subnet', 'create', 'bad', '--network', 'e2e-net', '--subnet-range', '10.77.0.128/25'],
      admin,
    );
    expect(bad.code, describeRun(bad)).not.toBe(0);
    expect(bad.stderr).toMatch(/overlaps/);
  });

  it('binds ports into namespaces, lists them by device id, hands out addresses by DHCP', async () => {
    await boundPort('vm1', 'e2e-net', 'nt-vm1');
    await boundPort('vm2', 'e2e-net', 'nt-vm2');
    const listed = await openstackJson<{ ID: string }[]>(['port', 'list', '--device-id', 'vm-vm1'], admin);
    expect(listed.map((p) => p.ID)).toEqual([ids.vm1]);
    expect(await ns.dhcp('nt-vm1')).toBe(ips.vm1);
    expect(await ns.dhcp('nt-vm2')).toBe(ips.vm2);
    expect(await ns.ping('nt-vm1', ips.vm2 as string)).toBe(true);
    expect(await ns.ping('nt-vm2', ips.vm1 as string)).toBe(true);
  });

  it('keeps another project off the network', async () => {
    await openstackOk(['project', 'create', 'e2e-other'], admin);
    await openstackOk(
      ['user', 'create', '--password', 'Other-Passw0rd', '--project', 'e2e-other', 'e2e-other-user'],
      admin,
    );
    await openstackOk(['role', 'add', '--user', 'e2e-other-user', '--project', 'e2e-other', 'member'], admin);
    const other: CliOptions = {
      as: {
        authUrl: nuage.authUrl,
        username: 'e2e-other-user',
        password: 'Other-Passw0rd',
        userDomainName: 'Default',
        projectName: 'e2e-other',
        projectDomainName: 'Default',
      } satisfies Credentials,
    };
    const sneaky = await openstack(['port', 'create', '--network', ids.net as string, 'sneaky'], other);
    expect(sneaky.code).not.toBe(0);
    await openstackOk(['network', 'create', 'other-net'], other);
    await openstackOk(
      ['subnet', 'create', 'other-sub', '--network', 'other-net', '--subnet-range', '10.77.0.0/24'],
      other,
    );
    const port = await openstackJson<PortView>(
      ['port', 'create', '--network', 'other-net', 'other-vm'],
      other,
    );
    await openstackOk(
      ['port', 'set', '--host', 'nuage-e2e', '--binding-profile', 'netns=nt-other', port.id],
      admin,
    );
    expect(await ns.dhcp('nt-other')).toBe(port.fixed_ips[0]?.ip_address);
    // The same CIDR on its own network: vm2's address is not reachable from there.
    expect(port.fixed_ips[0]?.ip_address).not.toBe(ips.vm2);
    expect(await ns.ping('nt-other', ips.vm2 as string)).toBe(false);
  });

  it('blocks ingress from outside the default group until a tcp/22 rule allows it', async () => {
    await openstackOk(
      ['security group', 'create', 'outsiders'].flatMap((a) => a.split(' ')),
      admin,
    );
    await boundPort('vm3', 'e2e-net', 'nt-vm3', ['--security-group', 'outsiders']);
    expect(await ns.dhcp('nt-vm3')).toBe(ips.vm3);
    ns.listen('nt-vm1', 22, 'hello-from-vm1');
    expect(await ns.ping('nt-vm3', ips.vm1 as string)).toBe(false);
    expect(await ns.connect('nt-vm3', ips.vm1 as string, 22)).toBe('');
    // The admin sees every project's `default` group, so name it by id (as with real Neutron).
    const groups = (await openstackJson<{ security_group_ids: string[] }>(['port', 'show', 'vm1'], admin))
      .security_group_ids;
    await openstackOk(
      ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', groups[0] as string],
      admin,
    );
    expect(await ns.connect('nt-vm3', ips.vm1 as string, 22)).toBe('hello-from-vm1');
  });

  it('reaches an instance from the host through a floating IP, and the outside through SNAT', async () => {
    const fip = await openstackJson<{ id: string; floating_ip_address: string }>(
      ['floating', 'ip', 'create', 'public'],
      admin,
    );
    ids.fip = fip.id;
    ips.fip = fip.floating_ip_address;
    await openstackOk(['floating', 'ip', 'set', '--port', 'vm1', fip.id], admin);
    expect(await ns.connect(undefined, fip.floating_ip_address, 22)).toBe('hello-from-vm1');
    expect(await ns.ping('nt-vm2', HOST_IP)).toBe(true);
  });

  it('cuts SNAT when the router interface is removed', async () => {
    await openstackOk(['floating', 'ip', 'unset', '--port', ids.fip as string], admin);
    await openstackOk(['router', 'remove', 'subnet', 'e2e-router', 'e2e-sub'], admin);
    expect(await ns.ping('nt-vm2', HOST_IP)).toBe(false);
    await openstackOk(['router', 'add', 'subnet', 'e2e-router', 'e2e-sub'], admin);
    // A new interface port has a new MAC: the instance's ARP entry for its gateway must re-probe.
    expect(await ns.pingEventually('nt-vm2', HOST_IP)).toBe(true);
  });

  it('survives a restart and recreates what was removed by hand', async () => {
    await nuage.kill9();
    const routerNs = (await dataPlaneObjects()).namespaces.find((n) => n.startsWith('qrouter-'));
    expect(routerNs).toBeDefined();
    expect(await ns.ping('nt-vm1', ips.vm2 as string)).toBe(true);
    await sh(['ip', 'netns', 'del', routerNs as string]);
    expect(await ns.ping('nt-vm2', HOST_IP)).toBe(false);
    // Objects no row owns, as a crashed earlier run might leave them: start-up removes them.
    await sh(['ip', 'netns', 'add', 'qrouter-0000000']);
    await sh(['ip', '-n', 'nuage-host', 'link', 'add', 'brq00000000000', 'type', 'bridge']);
    await nuage.restart();
    const after = await dataPlaneObjects();
    expect(after.namespaces).toContain(routerNs);
    expect(after.namespaces).not.toContain('qrouter-0000000');
    expect(after.hostLinks).not.toContain('brq00000000000');
    expect(await ns.pingEventually('nt-vm2', HOST_IP)).toBe(true);
    expect(await ns.ping('nt-vm1', ips.vm2 as string)).toBe(true);
    expect(await ns.dhcp('nt-vm1')).toBe(ips.vm1);
  });

  it('leaves nothing behind once everything is deleted', async () => {
    await openstackOk(['floating', 'ip', 'delete', ids.fip as string], admin);
    for (const p of ['vm1', 'vm2', 'vm3']) await openstackOk(['port', 'delete', p], admin);
    await openstackOk(['port', 'delete', 'other-vm'], admin);
    await openstackOk(['router', 'remove', 'subnet', 'e2e-router', 'e2e-sub'], admin);
    await openstackOk(['router', 'delete', 'e2e-router'], admin);
    await openstackOk(['network', 'delete', 'e2e-net'], admin);
    await openstackOk(['network', 'delete', 'other-net'], admin);
    await openstackOk(['security', 'group', 'delete', 'outsiders'], admin);
    const left = await dataPlaneObjects();
    expect(left.namespaces).toEqual(['nuage-host']);
    // Only the bootstrap external network remains: its bridge and its link to the root namespace.
    expect(left.hostLinks.filter((l) => !l.startsWith('brq') && !l.startsWith('nxb'))).toEqual([]);
    expect(left.hostLinks).toHaveLength(2);
    expect(left.dnsmasq).toBe(0);
    const rules = await sh(['ip', 'netns', 'exec', 'nuage-host', 'nft', 'list', 'table', 'inet', 'nuage_sg']);
    expect(rules.stdout).not.toMatch(/chain in_/);
  });
});
