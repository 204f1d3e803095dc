// The network data plane behind one interface. The service describes the whole desired topology (every
// network, subnet, port, security group, router and floating IP that rows say should exist) and the
// driver converges the host towards it. Drivers import neither db/ nor other drivers.

export interface SubnetSpec {
  id: string;
  cidr: string;
  ipVersion: 4 | 6;
  gatewayIp: string | null;
  enableDhcp: boolean;
  dnsNameservers: string[];
  hostRoutes: { destination: string; nexthop: string }[];
}

export interface FixedIp {
  subnetId: string;
  ipAddress: string;
}

export interface PortSpec {
  id: string;
  networkId: string;
  macAddress: string;
  fixedIps: FixedIp[];
  deviceOwner: string;
  /** False: no anti-spoofing and no security groups on this port. */
  portSecurityEnabled: boolean;
  securityGroupIds: string[];
  allowedAddressPairs: { ipAddress: string; macAddress: string }[];
  /** False: no frame enters or leaves the port (Neutron's administratively down port). */
  adminStateUp: boolean;
}

export interface NetworkSpec {
  id: string;
  mtu: number;
  /**
   * Bridged to the host's root namespace (a flat network on the physical network): the root side holds
   * the gateway address of each IPv4 subnet, so the host reaches the network.
   */
  uplink: boolean;
  subnets: SubnetSpec[];
  ports: PortSpec[];
}

export interface RuleSpec {
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  /** Source (ingress) or destination (egress) prefixes; empty means any. */
  remotePrefixes: string[];
  /** True when the rule names a remote group that currently has no addresses: it matches nothing. */
  matchesNothing: boolean;
}

export interface SecurityGroupSpec {
  id: string;
  /** False: rules are applied to every packet, replies included (no connection tracking verdicts). */
  stateful: boolean;
  rules: RuleSpec[];
}

export interface RouterInterfaceSpec {
  portId: string;
  networkId: string;
  macAddress: string;
  /** Address with prefix, e.g. 10.0.0.1/24. */
  addresses: string[];
}

export interface FloatingIpSpec {
  id: string;
  floatingIp: string;
  fixedIp: string;
}

export interface RouteSpec {
  /** CIDR, e.g. 10.2.0.0/24. */
  destination: string;
  nexthop: string;
}

export interface RouterSpec {
  id: string;
  /** False: the data plane serves nothing of this router (no namespace, no forwarding). */
  adminStateUp: boolean;
  /** Extra routes, installed in the router's namespace. */
  routes: RouteSpec[];
  interfaces: RouterInterfaceSpec[];
  gateway?: {
    portId: string;
    networkId: string;
    macAddress: string;
    addresses: string[];
    nexthop: string | null;
    enableSnat: boolean;
  };
  floatingIps: FloatingIpSpec[];
}

export interface Topology {
  networks: NetworkSpec[];
  securityGroups: SecurityGroupSpec[];
  routers: RouterSpec[];
}

/** Where a bound port's device should appear. */
export interface PlugTarget {
  /** Put one end of a veth pair into this existing namespace (tests stand in for a VM this way). */
  netns?: string;
  /** Name of the interface inside `netns` (default eth0). */
  ifname?: string;
}

export interface DriverCapabilities {
  name: 'linux' | 'user' | 'fake';
  /** What the API cannot promise with this driver (e.g. security groups under QEMU user networking). */
  notEnforced: string[];
}

export interface NetworkDriver {
  readonly capabilities: DriverCapabilities;
  /**
   * Converges the data plane to `topology`: creates what is missing, updates what differs, removes every
   * object the driver owns that the topology does not name. Idempotent; safe to call at start-up and
   * after every change. Calls are serialized by the caller. On failure it throws after doing as much as
   * it could; the next call retries from whatever state it left.
   */
  sync(topology: Topology): Promise<void>;
  /**
   * Creates the device of a port for an instance: a tap named after the port (for QEMU), or with
   * `target.netns` a veth whose far end is moved into that namespace with the port's MAC. Idempotent.
   * The port must already be part of the last synced topology for its filtering to apply.
   */
  plugPort(port: PortSpec, target?: PlugTarget): Promise<{ device: string }>;
  /**
   * Where plugPort puts an instance's tap, for the hypervisor to open: its name and namespace, or
   * undefined when this data plane makes no device (the guest then gets QEMU user networking).
   */
  portDevice(portId: string): { tapName: string; netns?: string } | undefined;
  /** Removes the port's device if present. Idempotent. */
  unplugPort(portId: string): Promise<void>;
  /** Stops supervised processes (dnsmasq); leaves the rest of the data plane in place for a restart. */
  close(): Promise<void>;
}
