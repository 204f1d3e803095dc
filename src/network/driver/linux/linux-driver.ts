// The linux data plane, after Neutron's linuxbridge, DHCP and L3 agents, entirely inside namespaces:
// `nuage-host` holds one bridge per network and every port's bridge-side device, with the security
// group ruleset; `qdhcp-*` holds a network's DHCP port and its dnsmasq; `qrouter-*` holds a router's
// interfaces, gateway and NAT. The root namespace only gets, per external network, one veth end with
// the external subnet's gateway address, so the host reaches floating IPs. Runs as root.
import type { NetworkDriver, NetworkSpec, PlugTarget, PortSpec, Topology } from '../driver.js';
import { createDnsmasqSupervisor, type DhcpInstance } from './dnsmasq.js';
import {
  applyNft,
  deleteLink,
  deleteNamespace,
  ensureBridge,
  ensureNamespace,
  ensureVeth,
  sysctl,
} from './devices.js';
import { links, namespaces, run, tryRun, type LinkState } from './exec.js';
import { HOST_NS, isOwnedNs, names } from './names.js';
import { acquireHostLock, releaseHostLock } from './host-lock.js';
import { createMetadataProxySupervisor } from './metadata-proxy.js';
import { createPlugRegistry } from './plug-registry.js';
import { syncRouters } from './routers.js';
import { SG_TABLE, securityGroupRuleset } from './sg-rules.js';

export interface LinuxDriverOptions {
  stateDir: string;
  metadataPort: number;
  /**
   * The metadata server's unix socket (`<dataDir>/compute/metadata.sock`). With it (and a metadata
   * port), every router with interfaces runs a metadata forwarder; without it, none does.
   */
  metadataSocketPath?: string;
  log: (event: string, detail: Record<string, unknown>) => void;
}

type LinkCache = Map<string, Map<string, LinkState>>;

function dhcpInstances(topology: Topology): DhcpInstance[] {
  const out: DhcpInstance[] = [];
  for (const net of topology.networks) {
    const port = net.ports.find((p) => p.deviceOwner === 'network:dhcp');
    const hasDhcp = net.subnets.some((s) => s.ipVersion === 4 && s.enableDhcp);
    if (port && hasDhcp)
      out.push({ network: net, dhcpPort: port, netns: names.dhcpNs(net.id), device: names.dhcpDev(port.id) });
  }
  return out;
}

function prefixed(net: NetworkSpec, port: PortSpec): string[] {
  return port.fixedIps.map((f) => {
    const cidr = net.subnets.find((s) => s.id === f.subnetId)?.cidr ?? '/32';
    return `${f.ipAddress}/${cidr.split('/')[1]}`;
  });
}

/** Removes namespaces and host/root links that no row owns. */
async function removeUnowned(topology: Topology, existingNs: Set<string>): Promise<void> {
  const wantedNs = new Set([
    HOST_NS,
    ...dhcpInstances(topology).map((d) => d.netns),
    ...topology.routers.map((r) => names.routerNs(r.id)),
  ]);
  for (const ns of [...existingNs]) {
    if (!isOwnedNs(ns) || wantedNs.has(ns)) continue;
    await deleteNamespace(ns);
    existingNs.delete(ns);
  }
  const portKeys = new Set(topology.networks.flatMap((n) => n.ports.map((p) => names.portKey(p.id))));
  const bridges = new Set(topology.networks.map((n) => names.bridge(n.id)));
  const external = topology.networks.filter((n) => n.uplink);
  const extBridgeSide = new Set(external.map((n) => names.externalBridgeSide(n.id)));
  if (existingNs.has(HOST_NS)) {
    for (const l of (await links(HOST_NS)).values()) {
      const stale =
        (l.ifname.startsWith('brq') && !bridges.has(l.ifname)) ||
        (l.ifname.startsWith('tap') && !portKeys.has(l.ifname.slice(3))) ||
        (l.ifname.startsWith('nxb') && !extBridgeSide.has(l.ifname));
      if (stale) await deleteLink(HOST_NS, l.ifname);
    }
  }
  const extRoot = new Set(external.map((n) => names.externalRootSide(n.id)));
  for (const l of (await links(undefined)).values())
    if (l.ifname.startsWith('nxr') && !extRoot.has(l.ifname)) await deleteLink(undefined, l.ifname);
}

async function syncNetworks(topology: Topology, cache: LinkCache): Promise<void> {
  const host = await links(HOST_NS);
  cache.set(HOST_NS, host);
  for (const net of topology.networks) await ensureBridge(HOST_NS, names.bridge(net.id), net.mtu, host);
  cache.set(HOST_NS, await links(HOST_NS));
  for (const net of topology.networks.filter((n) => n.uplink)) {
    const gateways = net.subnets
      .filter((s) => s.ipVersion === 4 && s.gatewayIp)
      .map((s) => `${s.gatewayIp}/${s.cidr.split('/')[1]}`);
    await ensureVeth(
      {
        bridgeSide: { netns: HOST_NS, name: names.externalBridgeSide(net.id) },
        bridge: names.bridge(net.id),
        far: { netns: undefined, name: names.externalRootSide(net.id) },
        mtu: net.mtu,
        addresses: gateways,
      },
      cache,
    );
  }
}

async function syncDhcp(
  topology: Topology,
  existingNs: Set<string>,
  cache: LinkCache,
): Promise<DhcpInstance[]> {
  const wanted = dhcpInstances(topology);
  for (const d of wanted) {
    await ensureNamespace(d.netns, existingNs);
    await ensureVeth(
      {
        bridgeSide: { netns: HOST_NS, name: names.tap(d.dhcpPort.id) },
        bridge: names.bridge(d.network.id),
        far: { netns: d.netns, name: d.device },
        farMac: d.dhcpPort.macAddress,
        mtu: d.network.mtu,
        addresses: prefixed(d.network, d.dhcpPort),
      },
      cache,
    );
  }
  return wanted;
}

export function createLinuxNetworkDriver(options: LinuxDriverOptions): NetworkDriver {
  const dnsmasq = createDnsmasqSupervisor(options.stateDir, options.log);
  const plugs = createPlugRegistry(options.stateDir);
  const metadataProxies =
    options.metadataPort > 0 && options.metadataSocketPath !== undefined
      ? createMetadataProxySupervisor({
          socketPath: options.metadataSocketPath,
          port: options.metadataPort,
          log: options.log,
        })
      : undefined;
  let last: Topology | undefined;

  async function sync(wanted: Topology): Promise<void> {
    acquireHostLock();
    // A router that is administratively down is not served at all, as Neutron's L3 agent drops it.
    const topology = { ...wanted, routers: wanted.routers.filter((r) => r.adminStateUp) };
    last = topology;
    const existingNs = await namespaces();
    await ensureNamespace(HOST_NS, existingNs);
    await sysctl(HOST_NS, 'net.bridge.bridge-nf-call-iptables', '1');
    await sysctl(HOST_NS, 'net.bridge.bridge-nf-call-ip6tables', '1');
    await removeUnowned(topology, existingNs);
    const cache: LinkCache = new Map();
    await syncNetworks(topology, cache);
    const dhcp = await syncDhcp(topology, existingNs, cache);
    await syncRouters(topology, existingNs, cache, options.metadataPort);
    await plugs.restore(topology, plugOne);
    const ports = topology.networks.flatMap((n) => n.ports);
    await applyNft(HOST_NS, securityGroupRuleset(ports, topology.securityGroups));
    dnsmasq.ensure(dhcp);
    await metadataProxies?.ensure(
      topology.routers
        .filter((r) => r.interfaces.length > 0)
        .map((r) => ({ routerId: r.id, netns: names.routerNs(r.id) })),
    );
  }

  async function plugOne(port: PortSpec, target: PlugTarget | undefined): Promise<string> {
    const net = last?.networks.find((n) => n.id === port.networkId);
    const mtu = net?.mtu ?? 1500;
    const dev = names.tap(port.id);
    const bridge = names.bridge(port.networkId);
    if (target?.netns) {
      const cache: LinkCache = new Map();
      await ensureVeth(
        {
          bridgeSide: { netns: HOST_NS, name: dev },
          bridge,
          far: { netns: target.netns, name: target.ifname ?? 'eth0' },
          farMac: port.macAddress,
          mtu,
        },
        cache,
      );
      return dev;
    }
    const have = await links(HOST_NS);
    if (!have.has(dev)) await run(['ip', '-n', HOST_NS, 'tuntap', 'add', 'dev', dev, 'mode', 'tap']);
    await run(['ip', '-n', HOST_NS, 'link', 'set', dev, 'master', bridge, 'mtu', String(mtu), 'up']);
    return dev;
  }

  return {
    capabilities: {
      name: 'linux',
      notEnforced: ['IPv6 addresses are not served by DHCPv6 or router advertisements'],
    },
    sync,
    portDevice: (portId: string) => ({ tapName: names.tap(portId), netns: HOST_NS }),
    async plugPort(port: PortSpec, target?: PlugTarget) {
      plugs.remember(port.id, target);
      return { device: await plugOne(port, target) };
    },
    async unplugPort(portId: string) {
      plugs.forget(portId);
      await deleteLink(HOST_NS, names.tap(portId));
    },
    async close() {
      dnsmasq.stopAll();
      await metadataProxies?.stopAll();
      releaseHostLock();
    },
  };
}

/** Removes everything the driver owns (tests, and `nuage` uninstall). */
export async function teardownLinuxDataPlane(): Promise<void> {
  for (const ns of await namespaces()) if (isOwnedNs(ns)) await deleteNamespace(ns);
  for (const l of (await links(undefined)).values())
    if (l.ifname.startsWith('nxr')) await deleteLink(undefined, l.ifname);
  await tryRun(['nft', 'delete', 'table', 'inet', SG_TABLE]);
}
