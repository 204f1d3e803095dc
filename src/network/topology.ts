// Builds the driver's desired topology from the rows, and runs the data plane's convergence one call
// at a time: every row that should have a data plane object is named here, and nothing else.
import type { FastifyBaseLogger } from 'fastify';
import type {
  NetworkDriver,
  NetworkSpec,
  PortSpec,
  RouterSpec,
  RuleSpec,
  Topology,
} from './driver/driver.js';
import { parseCidr } from './ipam.js';
import { hasUplink } from './provider.js';
import type { NetworkStore, Rec } from './network-store.js';

interface Fixed {
  subnet_id: string;
  ip_address: string;
}

const fixedOf = (p: Rec) => p.fixed_ips as Fixed[];

export function portSpec(p: Rec): PortSpec {
  return {
    id: p.id,
    networkId: String(p.network_id),
    macAddress: String(p.mac_address),
    fixedIps: fixedOf(p).map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
    deviceOwner: String(p.device_owner ?? ''),
    portSecurityEnabled: p.port_security_enabled === true,
    securityGroupIds: (p.security_groups as string[]) ?? [],
    allowedAddressPairs: (
      (p.allowed_address_pairs as { ip_address: string; mac_address: string }[]) ?? []
    ).map((a) => ({
      ipAddress: a.ip_address,
      macAddress: a.mac_address || String(p.mac_address),
    })),
    adminStateUp: p.admin_state_up !== false,
  };
}

function withPrefix(f: Fixed, subnets: Map<string, Rec>): string {
  const cidr = parseCidr(String(subnets.get(f.subnet_id)?.cidr ?? ''));
  return `${f.ip_address}/${cidr?.prefixLength ?? 32}`;
}

function ruleSpecs(rules: Rec[], membersOf: (groupId: string) => string[]): RuleSpec[] {
  return rules.map((r) => {
    const v6 = r.ethertype === 'IPv6';
    const remote =
      typeof r.remote_group_id === 'string'
        ? membersOf(r.remote_group_id).filter((ip) => ip.includes(':') === v6)
        : undefined;
    return {
      direction: r.direction as 'ingress' | 'egress',
      ethertype: r.ethertype as 'IPv4' | 'IPv6',
      protocol: (r.protocol as string | null) ?? null,
      portRangeMin: (r.port_range_min as number | null) ?? null,
      portRangeMax: (r.port_range_max as number | null) ?? null,
      remotePrefixes: remote ?? (r.remote_ip_prefix ? [String(r.remote_ip_prefix)] : []),
      matchesNothing: remote !== undefined && remote.length === 0,
    };
  });
}

function routerSpecs(routers: Rec[], ports: Rec[], fips: Rec[], subnets: Map<string, Rec>): RouterSpec[] {
  return routers.map((r) => {
    const own = ports.filter((p) => p.device_id === r.id);
    const gwPort = own.find((p) => p.device_owner === 'network:router_gateway');
    const gwInfo = r.external_gateway_info as { enable_snat?: boolean } | null;
    const gwSubnet = gwPort ? subnets.get(fixedOf(gwPort)[0]?.subnet_id ?? '') : undefined;
    return {
      id: r.id,
      adminStateUp: r.admin_state_up !== false,
      routes: ((r.routes as { destination: string; nexthop: string }[] | undefined) ?? []).map((x) => ({
        destination: x.destination,
        nexthop: x.nexthop,
      })),
      interfaces: own
        .filter((p) => p.device_owner === 'network:router_interface')
        .map((p) => ({
          portId: p.id,
          networkId: String(p.network_id),
          macAddress: String(p.mac_address),
          addresses: fixedOf(p).map((f) => withPrefix(f, subnets)),
        })),
      ...(gwPort
        ? {
            gateway: {
              portId: gwPort.id,
              networkId: String(gwPort.network_id),
              macAddress: String(gwPort.mac_address),
              addresses: fixedOf(gwPort).map((f) => withPrefix(f, subnets)),
              nexthop: (gwSubnet?.gateway_ip as string | null) ?? null,
              enableSnat: gwInfo?.enable_snat !== false,
            },
          }
        : {}),
      floatingIps: fips
        .filter((f) => f.router_id === r.id && f.fixed_ip_address)
        .map((f) => ({
          id: f.id,
          floatingIp: String(f.floating_ip_address),
          fixedIp: String(f.fixed_ip_address),
        })),
    };
  });
}

export async function buildTopology(store: NetworkStore): Promise<Topology> {
  const [nets, subnetRows, ports, groups, rules, routers, fips] = await Promise.all([
    store.list('network'),
    store.list('subnet'),
    store.list('port'),
    store.list('security_group'),
    store.list('security_group_rule'),
    store.list('router'),
    store.list('floatingip'),
  ]);
  const subnets = new Map(subnetRows.map((s) => [s.id, s]));
  const membersOf = (groupId: string) =>
    ports
      .filter((p) => (p.security_groups as string[]).includes(groupId))
      .flatMap((p) => fixedOf(p).map((f) => f.ip_address));
  const networks: NetworkSpec[] = nets.map((n) => ({
    id: n.id,
    mtu: Number(n.mtu),
    uplink: hasUplink(n),
    subnets: subnetRows
      .filter((s) => s.network_id === n.id)
      .map((s) => ({
        id: s.id,
        cidr: String(s.cidr),
        ipVersion: s.ip_version as 4 | 6,
        gatewayIp: (s.gateway_ip as string | null) ?? null,
        enableDhcp: s.enable_dhcp === true,
        dnsNameservers: (s.dns_nameservers as string[]) ?? [],
        hostRoutes: (s.host_routes as { destination: string; nexthop: string }[]) ?? [],
      })),
    ports: ports.filter((p) => p.network_id === n.id).map(portSpec),
  }));
  return {
    networks,
    securityGroups: groups.map((g) => ({
      id: g.id,
      stateful: g.stateful !== false,
      rules: ruleSpecs(
        rules.filter((r) => r.security_group_id === g.id),
        membersOf,
      ),
    })),
    routers: routerSpecs(routers, ports, fips, subnets),
  };
}

/**
 * Runs `work` one call at a time, so that every `request()` resolves only after a run that started after
 * it: requests made during a run share exactly one more run. The loop clears its "running" state in the
 * same tick as its last check for pending requests, so a request can never land between the two and be
 * lost (which left the namespaces of the last deleted routers and networks behind).
 */
export function createSerializer(work: () => Promise<void>) {
  let requested = 0;
  let completed = 0;
  let running = false;
  const waiters: { ticket: number; resolve: () => void }[] = [];
  function settle(): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.ticket > completed) continue;
      waiters.splice(i, 1);
      w.resolve();
    }
  }
  async function loop(): Promise<void> {
    while (completed < requested) {
      const target = requested;
      // A failed run still ends the requests it served: work reports its own errors.
      await work().catch(() => undefined);
      completed = target;
      settle();
    }
    running = false;
  }
  return {
    request(): Promise<void> {
      const ticket = ++requested;
      const done = new Promise<void>((resolve) => waiters.push({ ticket, resolve }));
      if (!running) {
        running = true;
        void loop();
      }
      return done;
    },
  };
}

/** Serializes data plane convergence; a request during a sync schedules exactly one more. */
export function createReconciler(
  store: NetworkStore,
  driver: NetworkDriver,
  log: () => FastifyBaseLogger | undefined,
) {
  const serializer = createSerializer(async () => {
    try {
      await driver.sync(await buildTopology(store));
    } catch (err) {
      log()?.error({ event: 'network.sync.failed', err }, 'network data plane sync failed');
    }
  });
  return {
    /** Converges now (or after the sync in flight) and resolves when the data plane matches the rows. */
    sync: (): Promise<void> => serializer.request(),
  };
}
