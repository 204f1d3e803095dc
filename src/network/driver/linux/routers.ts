// Routers: one qrouter namespace each, with a qr- device per interface on the interface's network
// bridge, a qg- device on the external bridge holding the gateway and floating addresses, the default
// route via the external subnet's gateway, the extra routes, forwarding on, and the NAT table.
import type { RouterSpec, Topology } from '../driver.js';
import { applyNft, ensureNamespace, ensureVeth, sysctl } from './devices.js';
import { run, tryRun, type LinkState } from './exec.js';
import { HOST_NS, names } from './names.js';
import { routerRuleset } from './router-nat.js';
import { syncRoutes } from './router-routes.js';

type LinkCache = Map<string, Map<string, LinkState>>;

async function syncRouter(
  router: RouterSpec,
  topology: Topology,
  existingNs: Set<string>,
  cache: LinkCache,
  metadataPort: number,
) {
  const ns = names.routerNs(router.id);
  await ensureNamespace(ns, existingNs);
  await sysctl(ns, 'net.ipv4.ip_forward', '1');
  await sysctl(ns, 'net.ipv6.conf.all.forwarding', '1');
  // Gratuitous ARP when a device comes up: a re-created interface (new port, new MAC) updates the
  // instances' ARP entries for their gateway at once, as Neutron's L3 agent does with arping.
  await sysctl(ns, 'net.ipv4.conf.default.arp_notify', '1');
  await sysctl(ns, 'net.ipv4.conf.all.arp_notify', '1');
  const mtuOf = (networkId: string) => topology.networks.find((n) => n.id === networkId)?.mtu ?? 1500;
  const wanted = new Set<string>(['lo']);
  for (const itf of router.interfaces) {
    const dev = names.routerInterface(itf.portId);
    wanted.add(dev);
    await ensureVeth(
      {
        bridgeSide: { netns: HOST_NS, name: names.tap(itf.portId) },
        bridge: names.bridge(itf.networkId),
        far: { netns: ns, name: dev },
        farMac: itf.macAddress,
        mtu: mtuOf(itf.networkId),
        addresses: itf.addresses,
      },
      cache,
    );
  }
  const gw = router.gateway;
  if (gw) {
    const dev = names.routerGateway(gw.portId);
    wanted.add(dev);
    const fips = router.floatingIps.map((f) => `${f.floatingIp}/32`);
    await ensureVeth(
      {
        bridgeSide: { netns: HOST_NS, name: names.tap(gw.portId) },
        bridge: names.bridge(gw.networkId),
        far: { netns: ns, name: dev },
        farMac: gw.macAddress,
        mtu: mtuOf(gw.networkId),
        addresses: [...gw.addresses, ...fips],
      },
      cache,
    );
    if (gw.nexthop) await run(['ip', '-n', ns, 'route', 'replace', 'default', 'via', gw.nexthop, 'dev', dev]);
  } else await tryRun(['ip', '-n', ns, 'route', 'del', 'default']);
  await syncRoutes(ns, router.routes);
  // Devices of interfaces removed since the last sync: their host-side ends were already deleted
  // (which removes the pair), so anything left here is stale.
  const current = cache.get(ns) ?? new Map<string, LinkState>();
  for (const name of current.keys())
    if (!wanted.has(name)) await tryRun(['ip', '-n', ns, 'link', 'del', name]);
  await applyNft(ns, routerRuleset(router, metadataPort));
}

export async function syncRouters(
  topology: Topology,
  existingNs: Set<string>,
  cache: LinkCache,
  metadataPort: number,
): Promise<void> {
  for (const router of topology.routers) await syncRouter(router, topology, existingNs, cache, metadataPort);
}
