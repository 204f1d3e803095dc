// Networks: create, show, list (own, shared and external ones), update and delete. Deleting a network
// removes its subnets and DHCP port; any other port makes it "in use".
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import {
  assign,
  bool,
  callerProject,
  conflict,
  isAdmin,
  notFound,
  ownerFor,
  standardAttrs,
  touch,
  type NetContext,
} from './context.js';
import type { Rec } from './network-store.js';
import type { QuotaService } from './quota-service.js';

const UPDATABLE = ['name', 'admin_state_up', 'description', 'port_security_enabled', 'mtu'];
const ADMIN_UPDATABLE = ['shared', 'router:external', 'is_default'];

export function networkVisible(auth: AuthContext, rec: Rec): boolean {
  return (
    isAdmin(auth) ||
    rec.shared === true ||
    rec['router:external'] === true ||
    (rec.project_id !== '' && rec.project_id === callerProject(auth))
  );
}

export function createNetworkService(ctx: NetContext, quotas: QuotaService) {
  async function get(auth: AuthContext, id: string): Promise<Rec> {
    const rec = await ctx.store.get('network', id);
    if (!rec || !networkVisible(auth, rec)) throw notFound('network', id);
    return rec;
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const projectId = ownerFor(auth, body);
    const wantsAdminOnly = body.shared === true || body['router:external'] === true;
    if (wantsAdminOnly && !isAdmin(auth))
      throw errors.forbidden('Only an admin may create shared or external networks.');
    const mtu = body.mtu === undefined ? ctx.settings.mtu : Number(body.mtu);
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 9000)
      throw errors.badRequest(`Invalid mtu: ${String(body.mtu)}`);
    return ctx.exclusive(async () => {
      await quotas.check(projectId, 'network');
      const rec: Rec = {
        ...standardAttrs(ctx.clock, projectId, body.description),
        name: typeof body.name === 'string' ? body.name : '',
        status: 'ACTIVE',
        admin_state_up: bool(body.admin_state_up, true),
        shared: bool(body.shared, false),
        'router:external': bool(body['router:external'], false),
        is_default: bool(body.is_default, false),
        mtu,
        subnets: [] as string[],
        port_security_enabled: bool(body.port_security_enabled, true),
        availability_zone_hints: [],
        availability_zones: ['nova'],
        ipv4_address_scope: null,
        ipv6_address_scope: null,
        l2_adjacency: true,
        'provider:network_type': 'flat',
        'provider:physical_network': null,
        'provider:segmentation_id': null,
      };
      await ctx.store.insert('network', rec, {}, ctx.clock.now().toISOString());
      return rec;
    });
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    const all = await ctx.store.list('network');
    return all.filter((n) => networkVisible(auth, n));
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    return ctx.exclusive(async () => {
      const rec = await get(auth, id);
      if (!isAdmin(auth) && rec.project_id !== callerProject(auth)) throw errors.forbidden();
      if (ADMIN_UPDATABLE.some((k) => body[k] !== undefined) && !isAdmin(auth)) throw errors.forbidden();
      assign(rec, body, [...UPDATABLE, ...ADMIN_UPDATABLE]);
      await ctx.store.update(touch(ctx.clock, rec));
      await ctx.changed();
      return rec;
    });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const rec = await get(auth, id);
      if (!isAdmin(auth) && rec.project_id !== callerProject(auth)) throw notFound('network', id);
      const ports = await ctx.store.list('port', { parentId: id });
      const busy = ports.filter((p) => p.device_owner !== 'network:dhcp');
      if (busy.length > 0)
        throw conflict(
          `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`,
          'NetworkInUse',
        );
      for (const p of ports) {
        await ctx.store.releasePort(p.id);
        await ctx.store.remove(p.id);
      }
      for (const s of await ctx.store.list('subnet', { parentId: id })) await ctx.store.remove(s.id);
      await ctx.store.remove(id);
    });
    await ctx.changed();
  }

  return { get, create, list, update, remove };
}

export type NetworkService = ReturnType<typeof createNetworkService>;
