// Networks: create, show, list (own, shared and external ones), update and delete. Deleting a network
// removes its subnets and DHCP port; any other port makes it "in use".
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  bool,
  conflict,
  isAdmin,
  isReaderOf,
  notFound,
  ownerFor,
  policyDenied,
  requireCreate,
  requireWrite,
  standardAttrs,
  touch,
  type NetContext,
} from './context.js';
import { invalidInput } from './errors.js';
import type { Rec } from './network-store.js';
import { checkSegmentUpdate, segmentFor } from './provider.js';
import type { QuotaService } from './quota-service.js';

const UPDATABLE = ['name', 'admin_state_up', 'description', 'port_security_enabled', 'mtu'];
/** Attributes only the admin may set (Neutron's create_network:<attr> / update_network:<attr> rules). */
const ADMIN_ONLY = ['shared', 'router:external', 'is_default'];
const MTU_MIN = 68;
const MTU_MAX = 9000;

/** Neutron's get_network: readers of the owner, and everyone for shared and external networks. */
export function networkVisible(auth: AuthContext, rec: Rec): boolean {
  return rec.shared === true || rec['router:external'] === true || isReaderOf(auth, rec.project_id);
}

function checkMtu(body: Record<string, unknown>): void {
  if (body.mtu === undefined) return;
  const mtu = Number(body.mtu);
  if (mtu < MTU_MIN) throw invalidInput(`MTU ${mtu} is too small, the minimum is ${MTU_MIN}`);
  if (mtu > MTU_MAX) throw invalidInput(`Requested MTU is too big, maximum is ${MTU_MAX}`);
}

/** Admin-only attributes a create sets explicitly (Neutron skips those equal to their default). */
function adminOnlyAsked(body: Record<string, unknown>): string[] {
  return ADMIN_ONLY.filter((k) =>
    k === 'router:external' ? body[k] !== undefined : body[k] !== undefined && body[k] !== false,
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
    requireCreate(auth, projectId, 'create_network');
    const adminOnly = adminOnlyAsked(body);
    if (adminOnly.length > 0 && !isAdmin(auth)) throw policyDenied('create_network', adminOnly);
    checkMtu(body);
    return ctx.exclusive(async () => {
      await quotas.check(projectId, 'network');
      const segment = await segmentFor(ctx, auth, body);
      const rec: Rec = {
        ...standardAttrs(ctx.clock, projectId, body.description),
        name: typeof body.name === 'string' ? body.name : '',
        status: 'ACTIVE',
        admin_state_up: bool(body.admin_state_up, true),
        shared: bool(body.shared, false),
        'router:external': bool(body['router:external'], false),
        is_default: bool(body.is_default, false),
        mtu: body.mtu === undefined ? ctx.settings.mtu : Number(body.mtu),
        subnets: [] as string[],
        port_security_enabled: bool(body.port_security_enabled, true),
        availability_zone_hints: [],
        availability_zones: ['nova'],
        ipv4_address_scope: null,
        ipv6_address_scope: null,
        l2_adjacency: true,
        ...segment,
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
    const rec = await ctx.exclusive(async () => {
      const r = await get(auth, id);
      requireWrite(auth, r, 'update_network', 'network');
      const adminOnly = ADMIN_ONLY.filter((k) => body[k] !== undefined);
      if (adminOnly.length > 0 && !isAdmin(auth)) throw policyDenied('update_network', adminOnly);
      checkSegmentUpdate(auth, r, body);
      checkMtu(body);
      assign(r, body, [...UPDATABLE, ...ADMIN_ONLY]);
      await ctx.store.update(touch(ctx.clock, r));
      return r;
    });
    await ctx.changed();
    return rec;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const rec = await get(auth, id);
      requireWrite(auth, rec, 'delete_network', 'network');
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
