// Floating IPs: an address taken from an external network (through a port that owns it), associated
// with a port's fixed IPv4 address through the router that joins the two networks.
import { explicitAttributes } from './network-policy.js';
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import {
  assign,
  badRequest,
  canSee,
  conflict,
  notFound,
  ownerFor,
  requirePolicy,
  requireWrite,
  standardAttrs,
  touch,
  visible,
  type NetContext,
} from './context.js';
import type { Rec } from './network-store.js';
import type { NetworkService } from './network-service.js';
import type { PortAllocator } from './port-allocator.js';
import type { PortService } from './port-service.js';
import type { QuotaService } from './quota-service.js';

interface Association {
  port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  status: string;
}

export function createFloatingIpService(
  ctx: NetContext,
  quotas: QuotaService,
  networks: NetworkService,
  ports: PortService,
  allocator: PortAllocator,
) {
  /** The router with a gateway on `externalNetId` and an interface on one of the port's subnets. */
  async function routerFor(externalNetId: string, subnetId: string): Promise<string | undefined> {
    const routers = await ctx.store.list('router');
    const all = await ctx.store.list('port');
    for (const r of routers) {
      const gw = r.external_gateway_info as { network_id: string } | null;
      if (gw?.network_id !== externalNetId) continue;
      const hit = all.some(
        (p) =>
          p.device_id === r.id &&
          p.device_owner === 'network:router_interface' &&
          (p.fixed_ips as { subnet_id: string }[]).some((f) => f.subnet_id === subnetId),
      );
      if (hit) return r.id;
    }
    return undefined;
  }

  async function associate(
    auth: AuthContext,
    fip: Rec,
    portId: unknown,
    fixedIp: unknown,
  ): Promise<Association> {
    if (portId === null || portId === undefined)
      return { port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' };
    const port = await ports.get(auth, String(portId)).catch(() => {
      throw notFound('port', String(portId));
    });
    if (!ports.owns(auth, port)) throw notFound('port', port.id);
    const v4 = (port.fixed_ips as { subnet_id: string; ip_address: string }[]).filter(
      (f) => !f.ip_address.includes(':'),
    );
    const chosen = typeof fixedIp === 'string' ? v4.find((f) => f.ip_address === fixedIp) : v4[0];
    if (!chosen)
      throw badRequest(
        `Bad floatingip request: Port ${port.id} does not have the fixed IPv4 address requested.`,
        'BadRequest',
      );
    const others = await ctx.store.list('floatingip');
    if (
      others.some((o) => o.id !== fip.id && o.port_id === port.id && o.fixed_ip_address === chosen.ip_address)
    )
      throw conflict(
        `Cannot associate floating IP ${String(fip.floating_ip_address)} with port ${port.id} using fixed IP ${chosen.ip_address}, as that fixed IP already has a floating IP.`,
        'FloatingIPPortAlreadyAssociated',
      );
    const routerId = await routerFor(String(fip.floating_network_id), chosen.subnet_id);
    if (!routerId)
      throw errors.notFound(
        'external_gateway_for_floating_ip',
        `External network ${String(fip.floating_network_id)} is not reachable from subnet ${chosen.subnet_id}.`,
      );
    return { port_id: port.id, fixed_ip_address: chosen.ip_address, router_id: routerId, status: 'ACTIVE' };
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    if (typeof body.floating_network_id !== 'string')
      throw badRequest("Invalid input: 'floating_network_id' is required.", 'InvalidInput');
    const projectId = ownerFor(auth, body);
    const target = { ...body, project_id: projectId, tenant_id: projectId };
    requirePolicy(
      ctx,
      auth,
      'create_floatingip',
      target,
      explicitAttributes(body, { floating_ip_address: null }),
    );
    const fip = await ctx.exclusive(async () => {
      const net = await networks.get(auth, body.floating_network_id as string);
      if (net['router:external'] !== true)
        throw badRequest(
          `Bad floatingip request: Network ${net.id} is not a valid external network.`,
          'BadRequest',
        );
      await quotas.check(projectId, 'floatingip');
      const rec: Rec = {
        ...standardAttrs(ctx.clock, projectId, body.description),
        floating_network_id: net.id,
      };
      const request =
        typeof body.floating_ip_address === 'string' || typeof body.subnet_id === 'string'
          ? [
              {
                ...(typeof body.subnet_id === 'string' ? { subnet_id: body.subnet_id } : {}),
                ...(typeof body.floating_ip_address === 'string'
                  ? { ip_address: body.floating_ip_address }
                  : {}),
              },
            ]
          : undefined;
      const v4Subnet = (await ctx.store.list('subnet', { parentId: net.id })).find((s) => s.ip_version === 4);
      if (!request && !v4Subnet)
        throw badRequest(`Bad floatingip request: Network ${net.id} has no IPv4 subnet.`, 'BadRequest');
      Object.assign(rec, await associate(auth, rec, body.port_id, body.fixed_ip_address));
      const port = await allocator.create(net, {
        projectId: '',
        deviceId: rec.id,
        deviceOwner: 'network:floatingip',
        fixedIps: request ?? [{ subnet_id: (v4Subnet as Rec).id }],
        securityGroups: [],
        portSecurityEnabled: false,
      });
      const ip = (port.fixed_ips as { ip_address: string }[])[0]?.ip_address ?? '';
      Object.assign(rec, {
        floating_ip_address: ip,
        qos_policy_id: null,
        port_details: null,
        port_forwardings: [],
      });
      await ctx.store.insert('floatingip', rec, { parentId: net.id }, ctx.clock.now().toISOString());
      return rec;
    });
    await ctx.changed();
    return fip;
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    return (await ctx.store.list('floatingip')).filter((f) => canSee(ctx, auth, 'floatingip', f));
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    return visible(ctx, auth, 'floatingip', id, 'floatingip');
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    const fip = await ctx.exclusive(async () => {
      const f = await get(auth, id);
      requireWrite(ctx, auth, 'update_floatingip', 'floatingip', f);
      if ('port_id' in body) Object.assign(f, await associate(auth, f, body.port_id, body.fixed_ip_address));
      assign(f, body, ['description']);
      await ctx.store.update(touch(ctx.clock, f));
      return f;
    });
    await ctx.changed();
    return fip;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const f = await get(auth, id);
      requireWrite(ctx, auth, 'delete_floatingip', 'floatingip', f);
      const owned = (await ctx.store.list('port', { parentId: String(f.floating_network_id) })).filter(
        (p) => p.device_id === f.id,
      );
      for (const p of owned) await allocator.remove(p);
      await ctx.store.remove(f.id);
    });
    await ctx.changed();
  }

  return { create, list, get, update, remove };
}

export type FloatingIpService = ReturnType<typeof createFloatingIpService>;
