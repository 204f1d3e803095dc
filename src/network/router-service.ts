// Routers: the external gateway (a port on an external network, with SNAT on or off) and interfaces
// on subnets (a port holding the subnet's gateway address).
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  badRequest,
  bool,
  canSee,
  conflict,
  notFound,
  ownerFor,
  standardAttrs,
  touch,
  visible,
  type NetContext,
} from './context.js';
import type { Rec } from './network-store.js';
import type { NetworkService } from './network-service.js';
import type { PortAllocator } from './port-allocator.js';
import type { QuotaService } from './quota-service.js';

interface GatewayInfo {
  network_id?: string;
  enable_snat?: boolean;
  external_fixed_ips?: { subnet_id?: string; ip_address?: string }[];
}

function interfaceInfo(router: Rec, port: Rec) {
  const ips = port.fixed_ips as { subnet_id: string }[];
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

export function createRouterService(
  ctx: NetContext,
  quotas: QuotaService,
  networks: NetworkService,
  allocator: PortAllocator,
) {
  async function routerPorts(routerId: string): Promise<Rec[]> {
    return (await ctx.store.list('port')).filter(
      (p) => p.device_id === routerId && String(p.device_owner).startsWith('network:router_'),
    );
  }

  async function clearGateway(router: Rec): Promise<void> {
    const fips = (await ctx.store.list('floatingip')).filter((f) => f.router_id === router.id);
    if (fips.length > 0)
      throw conflict(
        `Gateway cannot be updated for router ${router.id}, since a gateway to external network is required by one or more floating IPs.`,
        'RouterExternalGatewayInUseByFloatingIp',
      );
    for (const p of await routerPorts(router.id))
      if (p.device_owner === 'network:router_gateway') await allocator.remove(p);
    router.external_gateway_info = null;
  }

  async function setGateway(auth: AuthContext, router: Rec, info: GatewayInfo | null): Promise<void> {
    const current = router.external_gateway_info as { network_id: string } | null;
    if (!info || !info.network_id) {
      if (current) await clearGateway(router);
      return;
    }
    const net = await networks.get(auth, info.network_id);
    if (net['router:external'] !== true)
      throw badRequest(`Bad router request: Network ${net.id} is not an external network.`, 'BadRequest');
    const enableSnat = bool(info.enable_snat, true);
    if (current && current.network_id === net.id) {
      router.external_gateway_info = { ...(router.external_gateway_info as object), enable_snat: enableSnat };
      return;
    }
    if (current) await clearGateway(router);
    const port = await allocator.create(net, {
      projectId: '',
      deviceId: router.id,
      deviceOwner: 'network:router_gateway',
      ...(info.external_fixed_ips ? { fixedIps: info.external_fixed_ips } : {}),
      securityGroups: [],
      portSecurityEnabled: false,
    });
    router.external_gateway_info = {
      network_id: net.id,
      enable_snat: enableSnat,
      external_fixed_ips: port.fixed_ips,
    };
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const projectId = ownerFor(auth, body);
    const router = await ctx.exclusive(async () => {
      await quotas.check(projectId, 'router');
      const rec: Rec = {
        ...standardAttrs(ctx.clock, projectId, body.description),
        name: typeof body.name === 'string' ? body.name : '',
        status: 'ACTIVE',
        admin_state_up: bool(body.admin_state_up, true),
        external_gateway_info: null,
        routes: [],
        distributed: false,
        ha: false,
        availability_zone_hints: [],
        availability_zones: ['nova'],
        flavor_id: null,
      };
      await setGateway(auth, rec, (body.external_gateway_info as GatewayInfo | undefined) ?? null);
      await ctx.store.insert('router', rec, {}, ctx.clock.now().toISOString());
      return rec;
    });
    await ctx.changed();
    return router;
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    return (await ctx.store.list('router')).filter((r) => canSee(auth, r));
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    return visible(ctx, auth, 'router', id, 'router');
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    const router = await ctx.exclusive(async () => {
      const r = await get(auth, id);
      if (body.external_gateway_info !== undefined)
        await setGateway(auth, r, body.external_gateway_info as GatewayInfo | null);
      if (body.routes !== undefined && Array.isArray(body.routes) && body.routes.length > 0)
        throw badRequest('Static routes are not supported.', 'BadRequest');
      assign(r, body, ['name', 'description', 'admin_state_up']);
      await ctx.store.update(touch(ctx.clock, r));
      return r;
    });
    await ctx.changed();
    return router;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const r = await get(auth, id);
      const ports = await routerPorts(id);
      if (ports.some((p) => p.device_owner === 'network:router_interface'))
        throw conflict(`Router ${id} still has ports`, 'RouterInUse');
      await clearGateway(r);
      await ctx.store.remove(id);
    });
    await ctx.changed();
  }

  async function addInterface(auth: AuthContext, id: string, body: Record<string, unknown>) {
    const info = await ctx.exclusive(async () => {
      const router = await get(auth, id);
      if (typeof body.port_id === 'string') {
        const port = await visible(ctx, auth, 'port', body.port_id, 'port');
        if (port.device_owner)
          throw conflict(
            `Port ${port.id} has owner ${String(port.device_owner)} and therefore cannot be deleted directly via the port API.`,
            'PortInUse',
          );
        Object.assign(port, {
          device_id: router.id,
          device_owner: 'network:router_interface',
          status: 'ACTIVE',
          security_groups: [],
          port_security_enabled: false,
        });
        await ctx.store.update(touch(ctx.clock, port), { deviceId: router.id });
        return interfaceInfo(router, port);
      }
      if (typeof body.subnet_id !== 'string')
        throw badRequest('Bad router request: either subnet_id or port_id must be specified.', 'BadRequest');
      const subnet = await ctx.store.get('subnet', body.subnet_id);
      if (!subnet || !canSee(auth, subnet)) throw notFound('subnet', body.subnet_id);
      if (!subnet.gateway_ip)
        throw badRequest(
          `Bad router request: Subnet for router interface must have a gateway IP.`,
          'BadRequest',
        );
      const existing = await routerPorts(router.id);
      if (
        existing.some((p) => (p.fixed_ips as { subnet_id: string }[]).some((f) => f.subnet_id === subnet.id))
      )
        throw badRequest(
          `Bad router request: Router already has a port on subnet ${subnet.id}.`,
          'BadRequest',
        );
      const net = await ctx.store.get('network', subnet.network_id as string);
      if (!net) throw notFound('network', String(subnet.network_id));
      const port = await allocator.create(net, {
        projectId: subnet.project_id,
        deviceId: router.id,
        deviceOwner: 'network:router_interface',
        fixedIps: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip as string }],
        securityGroups: [],
        portSecurityEnabled: false,
      });
      return interfaceInfo(router, port);
    });
    await ctx.changed();
    return info;
  }

  async function removeInterface(auth: AuthContext, id: string, body: Record<string, unknown>) {
    const info = await ctx.exclusive(async () => {
      const router = await get(auth, id);
      const ports = (await routerPorts(router.id)).filter(
        (p) => p.device_owner === 'network:router_interface',
      );
      const port = ports.find((p) =>
        typeof body.port_id === 'string'
          ? p.id === body.port_id
          : (p.fixed_ips as { subnet_id: string }[]).some((f) => f.subnet_id === body.subnet_id),
      );
      if (!port) {
        if (typeof body.port_id === 'string')
          throw notFound('router_interface', `${router.id} port ${body.port_id}`);
        throw notFound('router_interface_for_subnet', `${router.id} subnet ${String(body.subnet_id)}`);
      }
      const out = interfaceInfo(router, port);
      const subnetIds = new Set(out.subnet_ids);
      const fips = (await ctx.store.list('floatingip')).filter((f) => f.router_id === router.id);
      for (const fip of fips) {
        const target = fip.port_id ? await ctx.store.get('port', String(fip.port_id)) : undefined;
        if (target && (target.fixed_ips as { subnet_id: string }[]).some((f) => subnetIds.has(f.subnet_id)))
          throw conflict(
            `Router interface for subnet ${out.subnet_id} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`,
            'RouterInterfaceInUseByFloatingIP',
          );
      }
      await allocator.remove(port);
      return out;
    });
    await ctx.changed();
    return info;
  }

  return { create, list, get, update, remove, addInterface, removeInterface, routerPorts };
}

export type RouterService = ReturnType<typeof createRouterService>;
