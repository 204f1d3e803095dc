// Subnets: CIDR and gateway validation, allocation pools, overlap checks within a network, and the
// network's DHCP port, which takes an address on every DHCP-enabled IPv4 subnet.
import { explicitAttributes, withNetwork } from './network-policy.js';
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  badRequest,
  bool,
  callerProject,
  conflict,
  isAdmin,
  canSee,
  notFound,
  ownerFor,
  requirePolicy,
  requireWrite,
  standardAttrs,
  touch,
  type NetContext,
} from './context.js';
import { badResourceRequest } from './errors.js';
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
import type { SubnetPoolService } from './subnet-pool-service.js';

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

/** The CIDR asked for, if any: `cidr` (the API canonicalized it) or none. */
function requestedCidr(body: Record<string, unknown>): Cidr | undefined {
  if (body.cidr !== undefined && body.cidr !== null && body.prefixlen !== undefined)
    throw badResourceRequest('subnets', 'cidr and prefixlen must not be supplied together');
  if (typeof body.cidr !== 'string') return undefined;
  const cidr = parseCidr(body.cidr);
  if (!cidr)
    throw badRequest(`Invalid input for operation: '${body.cidr}' is not a valid IP subnet.`, 'InvalidInput');
  return cidr;
}

function checkCidr(cidr: Cidr, body: Record<string, unknown>): void {
  if (Number(body.ip_version ?? cidr.version) !== cidr.version)
    throw badRequest('Invalid input for operation: cidr does not match ip_version.', 'InvalidInput');
  if (cidr.version === 4 && cidr.prefixLength > 30)
    throw badRequest('Invalid input for operation: the subnet is too small.', 'InvalidInput');
}

export function createSubnetService(
  ctx: NetContext,
  quotas: QuotaService,
  networks: NetworkService,
  ports: PortAllocator,
  pools: SubnetPoolService,
) {
  async function get(auth: AuthContext, id: string): Promise<Rec> {
    const rec = await ctx.store.get('subnet', id);
    const net = rec && (await ctx.store.get('network', String(rec.network_id)));
    if (!rec || !canSee(ctx, auth, 'subnet', withNetwork(rec, net ?? undefined)))
      throw notFound('subnet', id);
    return rec;
  }

  /** The subnet's CIDR: the one asked for, or one taken from the subnet pool named. */
  async function cidrFor(auth: AuthContext, body: Record<string, unknown>, projectId: string): Promise<Cidr> {
    const asked = requestedCidr(body);
    if (typeof body.subnetpool_id !== 'string') {
      if (!asked)
        throw badResourceRequest('subnets', 'A cidr must be specified in the absence of a subnet pool');
      return asked;
    }
    const pool = await pools.get(auth, body.subnetpool_id);
    return pools.allocate(pool, {
      projectId,
      ipVersion: Number(body.ip_version) as 4 | 6,
      ...(asked ? { cidr: asked } : {}),
      ...(body.prefixlen !== undefined ? { prefixLength: Number(body.prefixlen) } : {}),
    });
  }

  async function buildRecord(
    auth: AuthContext,
    body: Record<string, unknown>,
    net: Rec,
    projectId: string,
  ): Promise<Rec> {
    const cidr = await cidrFor(auth, body, projectId);
    checkCidr(cidr, body);
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
      ...standardAttrs(ctx.clock, projectId, body.description),
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
      subnetpool_id: typeof body.subnetpool_id === 'string' ? body.subnetpool_id : null,
      service_types: [],
      segment_id: null,
      dns_publish_fixed_ip: false,
    };
  }

  /** The subnet's owner: the project the body names, else the caller's (the admin's: the network's). */
  function ownerOf(auth: AuthContext, body: Record<string, unknown>, net: Rec): string {
    if (body.project_id !== undefined || body.tenant_id !== undefined) return ownerFor(auth, body);
    return isAdmin(auth) || auth.scope.kind !== 'project' ? net.project_id : callerProject(auth);
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    if (typeof body.network_id !== 'string')
      throw badRequest(
        "Failed to parse request. Required attribute 'network_id' not specified",
        'HTTPBadRequest',
      );
    const rec = await ctx.exclusive(async () => {
      const net = await networks.get(auth, body.network_id as string);
      const projectId = ownerOf(auth, body, net);
      const target = withNetwork({ ...body, project_id: projectId, tenant_id: projectId }, net);
      requirePolicy(ctx, auth, 'create_subnet', target, explicitAttributes(body));
      const r = await buildRecord(auth, body, net, projectId);
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
    const nets = new Map((await ctx.store.list('network')).map((n) => [n.id, n]));
    return (await ctx.store.list('subnet')).filter((s) =>
      canSee(ctx, auth, 'subnet', withNetwork(s, nets.get(String(s.network_id)))),
    );
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    const rec = await ctx.exclusive(async () => {
      const r = await get(auth, id);
      const net = await ctx.store.get('network', String(r.network_id));
      requireWrite(ctx, auth, 'update_subnet', 'subnet', withNetwork(r, net), explicitAttributes(body));
      const cidr = parseCidr(r.cidr as string) as Cidr;
      if (body.gateway_ip !== undefined) r.gateway_ip = gatewayOf(cidr, body);
      if (body.allocation_pools !== undefined)
        r.allocation_pools = validatePools(cidr, body.allocation_pools, r.gateway_ip as string | null);
      assign(r, body, UPDATABLE);
      await ctx.store.update(touch(ctx.clock, r));
      if (net) await ports.ensureDhcpPort(net);
      return r;
    });
    await ctx.changed();
    return rec;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const r = await get(auth, id);
      const target = withNetwork(r, await ctx.store.get('network', String(r.network_id)));
      requireWrite(ctx, auth, 'delete_subnet', 'subnet', target);
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
