// Subnets: CIDR and gateway validation, allocation pools, overlap checks within a network, and the
// network's DHCP port, which takes an address on every DHCP-enabled IPv4 subnet.
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import {
  assign,
  badRequest,
  bool,
  callerProject,
  conflict,
  isAdmin,
  notFound,
  standardAttrs,
  touch,
  type NetContext,
} from './context.js';
import {
  bigIntToIp,
  canonicalIp,
  cidrContains,
  cidrText,
  cidrsOverlap,
  defaultPools,
  ipToBigInt,
  ipVersion,
  parseCidr,
  type Cidr,
  type Pool,
} from './ipam.js';
import type { Rec } from './network-store.js';
import type { NetworkService } from './network-service.js';
import type { PortAllocator } from './port-allocator.js';
import type { QuotaService } from './quota-service.js';

const UPDATABLE = ['name', 'description', 'dns_nameservers', 'host_routes', 'enable_dhcp'];

function validatePools(cidr: Cidr, pools: unknown, gateway: string | null): Pool[] {
  if (!Array.isArray(pools)) throw badRequest('Invalid input: allocation_pools must be a list.');
  const parsed = pools.map((p: { start?: unknown; end?: unknown }) => {
    if (typeof p.start !== 'string' || typeof p.end !== 'string')
      throw badRequest('Invalid allocation pool.');
    if (!cidrContains(cidr, p.start) || !cidrContains(cidr, p.end) || ipToBigInt(p.start) > ipToBigInt(p.end))
      throw badRequest(
        `The allocation pool ${p.start}-${p.end} spans beyond the subnet cidr ${cidrText(cidr)}.`,
        'OutOfBoundsAllocationPool',
      );
    return { start: canonicalIp(p.start), end: canonicalIp(p.end) };
  });
  const sorted = [...parsed].sort((a, b) => (ipToBigInt(a.start) < ipToBigInt(b.start) ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as Pool;
    const cur = sorted[i] as Pool;
    if (ipToBigInt(cur.start) <= ipToBigInt(prev.end))
      throw badRequest('Found overlapping allocation pools.', 'OverlappingAllocationPools');
  }
  if (gateway) {
    const g = ipToBigInt(gateway);
    if (parsed.some((p) => g >= ipToBigInt(p.start) && g <= ipToBigInt(p.end)))
      throw conflict(
        `Gateway ip ${gateway} conflicts with allocation pool.`,
        'GatewayConflictWithAllocationPools',
      );
  }
  return parsed;
}

function gatewayOf(cidr: Cidr, body: Record<string, unknown>): string | null {
  if (body.gateway_ip === null) return null;
  if (body.gateway_ip === undefined) return bigIntToIp(cidr.network + 1n, cidr.version);
  const gw = String(body.gateway_ip);
  if (ipVersion(gw) !== cidr.version || !cidrContains(cidr, gw))
    throw badRequest(`Gateway is not valid on subnet: ${gw}`, 'InvalidInput');
  return canonicalIp(gw);
}

function parseSubnetCidr(body: Record<string, unknown>): Cidr {
  if (typeof body.cidr !== 'string')
    throw badRequest("Invalid input for operation: 'cidr' is required.", 'InvalidInput');
  const cidr = parseCidr(body.cidr);
  if (!cidr)
    throw badRequest(`Invalid input for operation: '${body.cidr}' is not a valid IP subnet.`, 'InvalidInput');
  const version = body.ip_version === undefined ? cidr.version : Number(body.ip_version);
  if (version !== cidr.version)
    throw badRequest('Invalid input: cidr does not match ip_version.', 'InvalidInput');
  if (cidr.version === 4 && cidr.prefixLength > 30)
    throw badRequest('Invalid input: the subnet is too small.', 'InvalidInput');
  return cidr;
}

export function createSubnetService(
  ctx: NetContext,
  quotas: QuotaService,
  networks: NetworkService,
  ports: PortAllocator,
) {
  async function get(auth: AuthContext, id: string): Promise<Rec> {
    const rec = await ctx.store.get('subnet', id);
    if (!rec) throw notFound('subnet', id);
    await networks.get(auth, rec.network_id as string).catch(() => {
      throw notFound('subnet', id);
    });
    return rec;
  }

  async function buildRecord(auth: AuthContext, body: Record<string, unknown>, net: Rec): Promise<Rec> {
    const cidr = parseSubnetCidr(body);
    for (const other of await ctx.store.list('subnet', { parentId: net.id })) {
      const o = parseCidr(other.cidr as string);
      if (o && cidrsOverlap(o, cidr))
        throw badRequest(
          `Invalid input for operation: Requested subnet with cidr: ${cidrText(cidr)} for network: ${net.id} overlaps with another subnet.`,
          'InvalidInput',
        );
    }
    const gateway = gatewayOf(cidr, body);
    const pools =
      body.allocation_pools === undefined
        ? defaultPools(cidr, gateway)
        : validatePools(cidr, body.allocation_pools, gateway);
    const v6 = cidr.version === 6;
    return {
      ...standardAttrs(
        ctx.clock,
        net.project_id === '' || isAdmin(auth) ? net.project_id : callerProject(auth),
        body.description,
      ),
      name: typeof body.name === 'string' ? body.name : '',
      network_id: net.id,
      cidr: cidrText(cidr),
      ip_version: cidr.version,
      gateway_ip: gateway,
      allocation_pools: pools,
      enable_dhcp: bool(body.enable_dhcp, true),
      dns_nameservers: Array.isArray(body.dns_nameservers) ? body.dns_nameservers : [],
      host_routes: Array.isArray(body.host_routes) ? body.host_routes : [],
      ipv6_ra_mode: v6 ? (body.ipv6_ra_mode ?? null) : null,
      ipv6_address_mode: v6 ? (body.ipv6_address_mode ?? null) : null,
      subnetpool_id: null,
      service_types: [],
      segment_id: null,
      dns_publish_fixed_ip: false,
    };
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    if (typeof body.network_id !== 'string')
      throw badRequest("Invalid input: 'network_id' is required.", 'InvalidInput');
    const rec = await ctx.exclusive(async () => {
      const net = await networks.get(auth, body.network_id as string);
      if (!isAdmin(auth) && net.project_id !== callerProject(auth))
        throw errors.forbidden('You may not create a subnet on a network you do not own.');
      const r = await buildRecord(auth, body, net);
      await quotas.check(r.project_id, 'subnet');
      await ctx.store.insert('subnet', r, { parentId: net.id }, ctx.clock.now().toISOString());
      net.subnets = [...(net.subnets as string[]), r.id];
      await ctx.store.update(touch(ctx.clock, net));
      await ports.ensureDhcpPort(net);
      return r;
    });
    await ctx.changed();
    return rec;
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    const visibleNets = new Set((await networks.list(auth)).map((n) => n.id));
    return (await ctx.store.list('subnet')).filter((s) => visibleNets.has(s.network_id as string));
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    const rec = await ctx.exclusive(async () => {
      const r = await get(auth, id);
      if (!isAdmin(auth) && r.project_id !== callerProject(auth)) throw errors.forbidden();
      const cidr = parseCidr(r.cidr as string) as Cidr;
      if (body.gateway_ip !== undefined) r.gateway_ip = gatewayOf(cidr, body);
      if (body.allocation_pools !== undefined)
        r.allocation_pools = validatePools(cidr, body.allocation_pools, r.gateway_ip as string | null);
      assign(r, body, UPDATABLE);
      await ctx.store.update(touch(ctx.clock, r));
      const net = await ctx.store.get('network', r.network_id as string);
      if (net) await ports.ensureDhcpPort(net);
      return r;
    });
    await ctx.changed();
    return rec;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const r = await get(auth, id);
      if (!isAdmin(auth) && r.project_id !== callerProject(auth)) throw notFound('subnet', id);
      const users = await ctx.store.subnetInUse(id);
      for (const portId of users) {
        const port = await ctx.store.get('port', portId);
        if (port && port.device_owner !== 'network:dhcp')
          throw conflict(
            `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
            'SubnetInUse',
          );
      }
      await ctx.store.remove(id);
      const net = await ctx.store.get('network', r.network_id as string);
      if (net) {
        net.subnets = (net.subnets as string[]).filter((s) => s !== id);
        await ctx.store.update(touch(ctx.clock, net));
        await ports.ensureDhcpPort(net);
      }
    });
    await ctx.changed();
  }

  return { get, create, list, update, remove };
}

export type SubnetService = ReturnType<typeof createSubnetService>;
