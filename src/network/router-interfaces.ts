// Router interfaces: attaching a subnet (a new port holding the subnet's gateway address) or an existing
// port, and detaching them, with Neutron's checks — one port per subnet, no overlapping subnets on one
// router, and no detaching a subnet that floating IPs or extra routes still need.
import { withNetwork } from './network-policy.js';
import type { AuthContext } from '../common/http/context.js';
import { canSee, conflict, notFound, touch, visible, type NetContext } from './context.js';
import { badRequest, badResourceRequest, notFoundAs } from './errors.js';
import { cidrsOverlap, cidrContains, parseCidr, type Cidr } from './ipam.js';
import type { Rec } from './network-store.js';
import type { PortAllocator } from './port-allocator.js';

interface Fixed {
  subnet_id: string;
  ip_address: string;
}

export interface InterfaceRequest {
  subnet_id?: string;
  port_id?: string;
}

export function interfaceInfo(router: Rec, port: Rec) {
  const ips = port.fixed_ips as Fixed[];
  return {
    id: router.id,
    tenant_id: router.project_id,
    project_id: router.project_id,
    port_id: port.id,
    network_id: port.network_id,
    subnet_id: ips[0]?.subnet_id ?? '',
    subnet_ids: ips.map((i) => i.subnet_id),
  };
}

export async function routerPorts(ctx: NetContext, routerId: string): Promise<Rec[]> {
  return (await ctx.store.list('port')).filter(
    (p) => p.device_id === routerId && String(p.device_owner).startsWith('network:router_'),
  );
}

/** The subnets a router is attached to: its interfaces' subnets and every subnet of its gateway network. */
async function attachedSubnets(ctx: NetContext, routerId: string): Promise<Rec[]> {
  const ids = new Set<string>();
  for (const p of await routerPorts(ctx, routerId)) {
    if (p.device_owner === 'network:router_gateway')
      for (const s of await ctx.store.list('subnet', { parentId: String(p.network_id) })) ids.add(s.id);
    else for (const f of p.fixed_ips as Fixed[]) ids.add(f.subnet_id);
  }
  const out: Rec[] = [];
  for (const id of ids) {
    const s = await ctx.store.get('subnet', id);
    if (s) out.push(s);
  }
  return out;
}

/** Neutron's _check_for_dup_router_subnets: a second port on a subnet, or overlapping CIDRs, are refused. */
async function checkNewSubnets(ctx: NetContext, routerId: string, added: Rec[]): Promise<void> {
  const ports = await routerPorts(ctx, routerId);
  for (const s of added)
    if (ports.some((p) => (p.fixed_ips as Fixed[]).some((f) => f.subnet_id === s.id)))
      throw badResourceRequest('router', `Router already has a port on subnet ${s.id}`);
  for (const existing of await attachedSubnets(ctx, routerId)) {
    for (const s of added) {
      const a = parseCidr(String(existing.cidr)) as Cidr;
      const b = parseCidr(String(s.cidr)) as Cidr;
      if (cidrsOverlap(a, b))
        throw badResourceRequest(
          'router',
          `Cidr ${String(s.cidr)} of subnet ${s.id} overlaps with cidr ${String(existing.cidr)} of subnet ${existing.id}`,
        );
    }
  }
}

async function attachPort(ctx: NetContext, auth: AuthContext, router: Rec, portId: string) {
  const port = await visible(ctx, auth, 'port', portId, 'port');
  if (!ctx.policy.allowed(auth, 'update_port', port)) throw notFound('port', portId);
  if (port.device_owner || port.device_id)
    throw conflict(
      `Unable to complete operation on port ${port.id} for network ${String(port.network_id)}. Port already has an attached device ${String(port.device_id)}.`,
      'PortInUse',
    );
  const fixed = port.fixed_ips as Fixed[];
  if (fixed.length === 0) throw badResourceRequest('router', 'Router port must have at least one fixed IP');
  const subnets: Rec[] = [];
  for (const f of fixed) {
    const s = await ctx.store.get('subnet', f.subnet_id);
    if (s) subnets.push(s);
  }
  if (subnets.filter((s) => s.ip_version === 4).length > 1)
    throw badResourceRequest('router', 'Cannot have multiple IPv4 subnets on router port');
  await checkNewSubnets(ctx, router.id, subnets);
  Object.assign(port, {
    device_id: router.id,
    device_owner: 'network:router_interface',
    status: 'ACTIVE',
    security_groups: [],
    port_security_enabled: false,
  });
  await ctx.store.update(touch(ctx.clock, port), { deviceId: router.id });
  return port;
}

async function attachSubnet(
  ctx: NetContext,
  auth: AuthContext,
  allocator: PortAllocator,
  router: Rec,
  subnetId: string,
) {
  const subnet = await ctx.store.get('subnet', subnetId);
  const net = subnet ? await ctx.store.get('network', String(subnet.network_id)) : undefined;
  if (!subnet || !net || !canSee(ctx, auth, 'subnet', withNetwork(subnet, net)))
    throw notFound('subnet', subnetId);
  if (!subnet.gateway_ip)
    throw badResourceRequest('router', `Subnet for router interface must have a gateway IP`);
  await checkNewSubnets(ctx, router.id, [subnet]);
  return allocator.create(net, {
    projectId: router.project_id,
    deviceId: router.id,
    deviceOwner: 'network:router_interface',
    fixedIps: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip as string }],
    securityGroups: [],
    portSecurityEnabled: false,
  });
}

/** Adds an interface (callers hold the lock and checked the caller may change the router). */
export async function addInterface(
  ctx: NetContext,
  auth: AuthContext,
  allocator: PortAllocator,
  router: Rec,
  req: InterfaceRequest,
) {
  const port =
    req.port_id !== undefined
      ? await attachPort(ctx, auth, router, req.port_id)
      : await attachSubnet(ctx, auth, allocator, router, req.subnet_id as string);
  return interfaceInfo(router, port);
}

async function checkNotNeeded(ctx: NetContext, router: Rec, port: Rec): Promise<void> {
  const subnetIds = new Set((port.fixed_ips as Fixed[]).map((f) => f.subnet_id));
  const fips = (await ctx.store.list('floatingip')).filter((f) => f.router_id === router.id);
  for (const fip of fips) {
    const target = fip.port_id ? await ctx.store.get('port', String(fip.port_id)) : undefined;
    if (target && (target.fixed_ips as Fixed[]).some((f) => subnetIds.has(f.subnet_id)))
      throw conflict(
        `Router interface for subnet ${[...subnetIds][0]} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`,
        'RouterInterfaceInUseByFloatingIP',
      );
  }
  const routes = (router.routes as { nexthop: string }[] | undefined) ?? [];
  for (const id of subnetIds) {
    const subnet = await ctx.store.get('subnet', id);
    const cidr = subnet ? parseCidr(String(subnet.cidr)) : undefined;
    if (cidr && routes.some((r) => cidrContains(cidr, r.nexthop)))
      throw conflict(
        `Router interface for subnet ${id} on router ${router.id} cannot be deleted, as it is required by one or more routes.`,
        'RouterInterfaceInUseByRoute',
      );
  }
}

/** Removes an interface by port or by subnet (callers hold the lock and checked the caller's rights). */
export async function removeInterface(
  ctx: NetContext,
  allocator: PortAllocator,
  router: Rec,
  req: InterfaceRequest,
) {
  const ports = (await routerPorts(ctx, router.id)).filter(
    (p) => p.device_owner === 'network:router_interface',
  );
  const hasSubnet = (p: Rec) => (p.fixed_ips as Fixed[]).some((f) => f.subnet_id === req.subnet_id);
  const port = ports.find((p) => (req.port_id !== undefined ? p.id === req.port_id : hasSubnet(p)));
  if (!port) {
    if (req.port_id !== undefined)
      throw notFoundAs(
        `Router ${router.id} does not have an interface with id ${req.port_id}`,
        'RouterInterfaceNotFound',
      );
    throw notFoundAs(
      `Router ${router.id} has no interface on subnet ${String(req.subnet_id)}`,
      'RouterInterfaceNotFoundForSubnet',
    );
  }
  if (req.port_id !== undefined && req.subnet_id !== undefined && !hasSubnet(port))
    throw badRequest(
      `Subnet on port ${port.id} does not match the requested subnet ${req.subnet_id}.`,
      'SubnetMismatchForPort',
    );
  await checkNotNeeded(ctx, router, port);
  const out = interfaceInfo(router, port);
  await allocator.remove(port);
  return out;
}
