// Creates and deletes port rows with their IP allocations. Every service that needs a port (the port
// API, DHCP, router interfaces and gateways, floating IPs) goes through here; callers hold the lock.
import { createHash, randomUUID } from 'node:crypto';
import { badRequest, conflict, newMac, standardAttrs, type NetContext } from './context.js';
import { canonicalIp, cidrContains, ipVersion, nextFree, parseCidr, type Pool } from './ipam.js';
import type { Rec } from './network-store.js';

export interface FixedIpRequest {
  subnet_id?: string;
  ip_address?: string;
}

export interface NewPort {
  projectId: string;
  name?: string;
  deviceId?: string;
  deviceOwner?: string;
  macAddress?: string;
  fixedIps?: FixedIpRequest[];
  securityGroups: string[];
  portSecurityEnabled: boolean;
  allowedAddressPairs?: { ip_address: string; mac_address: string }[];
  adminStateUp?: boolean;
  description?: string;
  hostId?: string;
  profile?: Record<string, unknown>;
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

export function createPortAllocator(ctx: NetContext) {
  /** Picks the subnets a port gets by default: the first IPv4 and the first IPv6 subnet. */
  function defaultRequests(subnets: Rec[]): FixedIpRequest[] {
    const v4 = subnets.find((s) => s.ip_version === 4);
    const v6 = subnets.find((s) => s.ip_version === 6);
    return [v4, v6].filter((s): s is Rec => s !== undefined).map((s) => ({ subnet_id: s.id }));
  }

  function subnetFor(subnets: Rec[], req: FixedIpRequest): Rec {
    if (req.subnet_id !== undefined) {
      const s = subnets.find((x) => x.id === req.subnet_id);
      if (!s)
        throw badRequest(`Invalid input: subnet ${req.subnet_id} is not on this network.`, 'InvalidInput');
      if (req.ip_address !== undefined && !cidrContains(parseCidr(s.cidr as string)!, req.ip_address))
        throw badRequest(
          `IP address ${req.ip_address} is not a valid IP for the specified subnet.`,
          'InvalidIpForSubnet',
        );
      return s;
    }
    const ip = req.ip_address as string;
    const s = subnets.find((x) => cidrContains(parseCidr(x.cidr as string)!, ip));
    if (!s)
      throw badRequest(
        `IP address ${ip} is not a valid IP for any subnet on the network.`,
        'InvalidIpForNetwork',
      );
    return s;
  }

  async function allocateIps(networkId: string, requests: FixedIpRequest[] | undefined, portId: string) {
    const subnets = await ctx.store.list('subnet', { parentId: networkId });
    const wanted = requests ?? defaultRequests(subnets);
    const out: { subnet_id: string; ip_address: string }[] = [];
    for (const req of wanted) {
      if (req.subnet_id === undefined && req.ip_address === undefined) continue;
      if (req.ip_address !== undefined && !ipVersion(req.ip_address))
        throw badRequest(`Invalid input: '${req.ip_address}' is not a valid IP address.`, 'InvalidInput');
      const subnet = subnetFor(subnets, req);
      let ip = req.ip_address !== undefined ? canonicalIp(req.ip_address) : undefined;
      if (ip === undefined) {
        const taken = await ctx.store.allocatedIps(networkId);
        ip = nextFree(subnet.allocation_pools as Pool[], taken, subnet.ip_version as 4 | 6);
        if (!ip)
          throw conflict(
            `No more IP addresses available on network ${networkId}.`,
            'IpAddressGenerationFailure',
          );
      }
      await ctx.store.allocate(networkId, subnet.id, ip, portId);
      out.push({ subnet_id: subnet.id, ip_address: ip });
    }
    return out;
  }

  async function macInUse(networkId: string, mac: string): Promise<boolean> {
    const ports = await ctx.store.list('port', { parentId: networkId });
    return ports.some((p) => p.mac_address === mac);
  }

  async function create(net: Rec, spec: NewPort): Promise<Rec> {
    const id = randomUUID();
    let mac = spec.macAddress?.toLowerCase();
    if (mac !== undefined && !MAC.test(mac))
      throw badRequest(`Invalid input: '${mac}' is not a valid MAC address.`, 'InvalidInput');
    if (mac !== undefined && (await macInUse(net.id, mac)))
      throw conflict(
        `Unable to complete operation for network ${net.id}. The mac address ${mac} is in use.`,
        'MacAddressInUse',
      );
    mac ??= newMac();
    const fixedIps = await allocateIps(net.id, spec.fixedIps, id);
    const rec: Rec = {
      ...standardAttrs(ctx.clock, spec.projectId, spec.description),
      id,
      name: spec.name ?? '',
      network_id: net.id,
      mac_address: mac,
      fixed_ips: fixedIps,
      device_id: spec.deviceId ?? '',
      device_owner: spec.deviceOwner ?? '',
      admin_state_up: spec.adminStateUp ?? true,
      status: spec.deviceOwner && spec.adminStateUp !== false ? 'ACTIVE' : 'DOWN',
      security_groups: spec.securityGroups,
      port_security_enabled: spec.portSecurityEnabled,
      allowed_address_pairs: spec.allowedAddressPairs ?? [],
      extra_dhcp_opts: [],
      'binding:host_id': spec.hostId ?? '',
      'binding:vif_type': spec.hostId ? 'tap' : 'unbound',
      'binding:vnic_type': 'normal',
      'binding:profile': spec.profile ?? {},
      'binding:vif_details': {},
      ip_allocation: 'immediate',
      propagate_uplink_status: false,
    };
    await ctx.store.insert(
      'port',
      rec,
      { parentId: net.id, deviceId: rec.device_id as string },
      ctx.clock.now().toISOString(),
    );
    return rec;
  }

  async function remove(port: Rec): Promise<void> {
    await ctx.store.releasePort(port.id);
    await ctx.store.remove(port.id);
  }

  /** Replaces a port's addresses (port update with fixed_ips); keeps the unchanged ones. */
  async function reallocate(port: Rec, requests: FixedIpRequest[]): Promise<void> {
    await ctx.store.releasePort(port.id);
    port.fixed_ips = await allocateIps(port.network_id as string, requests, port.id);
  }

  /**
   * Keeps the network's DHCP port in step with its DHCP-enabled IPv4 subnets: one address on each,
   * created with the first subnet and deleted with the last.
   */
  async function ensureDhcpPort(net: Rec): Promise<void> {
    const subnets = (await ctx.store.list('subnet', { parentId: net.id })).filter(
      (s) => s.enable_dhcp === true && s.ip_version === 4,
    );
    const existing = (await ctx.store.list('port', { parentId: net.id })).find(
      (p) => p.device_owner === 'network:dhcp',
    );
    if (subnets.length === 0) {
      if (existing) await remove(existing);
      return;
    }
    const have = (existing?.fixed_ips as { subnet_id: string; ip_address: string }[] | undefined) ?? [];
    const keep = have.filter((f) => subnets.some((s) => s.id === f.subnet_id));
    const requests: FixedIpRequest[] = subnets.map(
      (s) => keep.find((f) => f.subnet_id === s.id) ?? { subnet_id: s.id },
    );
    if (existing) {
      if (keep.length === have.length && keep.length === subnets.length) return;
      await reallocate(existing, requests);
      await ctx.store.update(existing);
      return;
    }
    const deviceId = `dhcp${createHash('sha1').update(net.id).digest('hex').slice(0, 32)}-${net.id}`;
    await create(net, {
      projectId: net.project_id,
      deviceId,
      deviceOwner: 'network:dhcp',
      fixedIps: requests,
      securityGroups: [],
      portSecurityEnabled: false,
    });
  }

  return { create, remove, reallocate, ensureDhcpPort, allocateIps };
}

export type PortAllocator = ReturnType<typeof createPortAllocator>;
