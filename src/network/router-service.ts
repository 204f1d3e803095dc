// Routers: the external gateway (a port on an external network, with SNAT on or off), interfaces on
// subnets (router-interfaces.ts), and extra routes (extraroute), which the data plane installs in the
// router's namespace. A router whose admin_state_up is false is not served by the data plane.
import { explicitAttributes } from './network-policy.js';
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  bool,
  canSee,
  conflict,
  ownerFor,
  requirePolicy,
  requireWrite,
  standardAttrs,
  touch,
  visible,
  type NetContext,
} from './context.js';
import { badRequest, badResourceRequest } from './errors.js';
import { pyRepr } from '../common/py-repr.js';
import { cidrContains, parseCidr, type Cidr } from './ipam.js';
import type { Rec } from './network-store.js';
import type { NetworkService } from './network-service.js';
import type { PortAllocator } from './port-allocator.js';
import type { QuotaService } from './quota-service.js';
import { addInterface, removeInterface, routerPorts, type InterfaceRequest } from './router-interfaces.js';

interface GatewayInfo {
  network_id?: string;
  enable_snat?: boolean;
  external_fixed_ips?: { subnet_id?: string; ip_address?: string }[];
}

interface Route {
  destination: string;
  nexthop: string;
}

/** Neutron's max_routes. */
export const MAX_ROUTES = 30;

/** Gateway details only the admin may choose (create_router:external_gateway_info:<key> rules). */
/** The attributes and gateway sub-attributes a body sets, for their create_/update_router:* rules. */
function routerAttributes(body: Record<string, unknown>): string[] {
  const info = body.external_gateway_info;
  const sub =
    info && typeof info === 'object'
      ? Object.keys(info)
          .filter((k) => (info as Record<string, unknown>)[k] !== undefined)
          .map((k) => `external_gateway_info:${k}`)
      : [];
  return [...explicitAttributes(body), ...sub];
}

export function createRouterService(
  ctx: NetContext,
  quotas: QuotaService,
  networks: NetworkService,
  allocator: PortAllocator,
) {
  async function clearGateway(router: Rec): Promise<void> {
    const fips = (await ctx.store.list('floatingip')).filter((f) => f.router_id === router.id);
    if (fips.length > 0)
      throw conflict(
        `Gateway cannot be updated for router ${router.id}, since a gateway to external network is required by one or more floating IPs.`,
        'RouterExternalGatewayInUseByFloatingIp',
      );
    for (const p of await routerPorts(ctx, router.id))
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
      throw badResourceRequest('router', `Network ${net.id} is not an external network`);
    const enableSnat = bool(info.enable_snat, true);
    if (current && current.network_id === net.id && info.external_fixed_ips === undefined) {
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

  /** Neutron's _validate_routes: each nexthop on a subnet of the router, and not one of its own addresses. */
  async function checkRoutes(router: Rec, routes: Route[]): Promise<void> {
    if (routes.length > MAX_ROUTES)
      throw badRequest(
        `Unable to complete operation for ${router.id}. The number of routes exceeds the maximum ${MAX_ROUTES}.`,
        'RoutesExhausted',
      );
    const cidrs: Cidr[] = [];
    const own = new Set<string>();
    for (const p of await routerPorts(ctx, router.id))
      for (const f of p.fixed_ips as { subnet_id: string; ip_address: string }[]) {
        own.add(f.ip_address);
        const s = await ctx.store.get('subnet', f.subnet_id);
        const c = s ? parseCidr(String(s.cidr)) : undefined;
        if (c) cidrs.push(c);
      }
    const text = pyRepr(routes);
    for (const r of routes) {
      if (!cidrs.some((c) => cidrContains(c, r.nexthop)))
        throw badRequest(
          `Invalid format for routes: ${text}, the nexthop is not connected with router`,
          'InvalidRoutes',
        );
      if (own.has(r.nexthop))
        throw badRequest(
          `Invalid format for routes: ${text}, the nexthop is used by router`,
          'InvalidRoutes',
        );
    }
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const projectId = ownerFor(auth, body);
    const target = { ...body, project_id: projectId, tenant_id: projectId };
    requirePolicy(ctx, auth, 'create_router', target, routerAttributes(body));
    const info = (body.external_gateway_info as GatewayInfo | null | undefined) ?? null;
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
      await setGateway(auth, rec, info);
      await ctx.store.insert('router', rec, {}, ctx.clock.now().toISOString());
      return rec;
    });
    await ctx.changed();
    return router;
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    return (await ctx.store.list('router')).filter((r) => canSee(ctx, auth, 'router', r));
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    return visible(ctx, auth, 'router', id, 'router');
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    const router = await ctx.exclusive(async () => {
      const r = await get(auth, id);
      requireWrite(ctx, auth, 'update_router', 'router', r, routerAttributes(body));
      const info = body.external_gateway_info as GatewayInfo | null | undefined;
      if (info !== undefined) await setGateway(auth, r, info);
      if (body.routes !== undefined) {
        const routes = body.routes as Route[];
        await checkRoutes(r, routes);
        r.routes = routes;
      }
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
      requireWrite(ctx, auth, 'delete_router', 'router', r);
      const ports = await routerPorts(ctx, id);
      if (ports.some((p) => p.device_owner === 'network:router_interface'))
        throw conflict(`Router ${id} still has ports`, 'RouterInUse');
      await clearGateway(r);
      await ctx.store.remove(id);
    });
    await ctx.changed();
  }

  async function addRouterInterface(auth: AuthContext, id: string, req: InterfaceRequest) {
    const info = await ctx.exclusive(async () => {
      const router = await get(auth, id);
      requireWrite(ctx, auth, 'add_router_interface', 'router', router);
      return addInterface(ctx, auth, allocator, router, req);
    });
    await ctx.changed();
    return info;
  }

  async function removeRouterInterface(auth: AuthContext, id: string, req: InterfaceRequest) {
    const info = await ctx.exclusive(async () => {
      const router = await get(auth, id);
      requireWrite(ctx, auth, 'remove_router_interface', 'router', router);
      return removeInterface(ctx, allocator, router, req);
    });
    await ctx.changed();
    return info;
  }

  return {
    create,
    list,
    get,
    update,
    remove,
    addInterface: addRouterInterface,
    removeInterface: removeRouterInterface,
    routerPorts: (routerId: string) => routerPorts(ctx, routerId),
  };
}

export type RouterService = ReturnType<typeof createRouterService>;
