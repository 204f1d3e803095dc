// Networks: create, show, list (own, shared and external ones), update and delete. Deleting a network
// removes its subnets and DHCP port; any other port makes it "in use".
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  bool,
  canSee,
  conflict,
  notFound,
  ownerFor,
  requirePolicy,
  requireWrite,
  standardAttrs,
  touch,
  type NetContext,
} from './context.js';
import { invalidInput } from './errors.js';
import { explicitAttributes } from './network-policy.js';
import type { Rec } from './network-store.js';
import { checkSegmentUpdate, segmentFor } from './provider.js';
import type { QuotaService } from './quota-service.js';

const UPDATABLE = ['name', 'admin_state_up', 'description', 'port_security_enabled', 'mtu'];
/** Attributes the create_network:<attr> / update_network:<attr> rules keep to the admin by default. */
const ADMIN_ONLY = ['shared', 'router:external', 'is_default'];
/** Neutron checks an attribute rule on create only when the value differs from the default. */
const CREATE_DEFAULTS = { shared: false, is_default: false, port_security_enabled: true };
const MTU_MIN = 68;
const MTU_MAX = 9000;

function checkMtu(body: Record<string, unknown>): void {
  if (body.mtu === undefined) return;
  const mtu = Number(body.mtu);
  if (mtu < MTU_MIN) throw invalidInput(`MTU ${mtu} is too small, the minimum is ${MTU_MIN}`);
  if (mtu > MTU_MAX) throw invalidInput(`Requested MTU is too big, maximum is ${MTU_MAX}`);
}

export function createNetworkService(ctx: NetContext, quotas: QuotaService) {
  async function get(auth: AuthContext, id: string): Promise<Rec> {
    const rec = await ctx.store.get('network', id);
    if (!rec || !canSee(ctx, auth, 'network', rec)) throw notFound('network', id);
    return rec;
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const projectId = ownerFor(auth, body);
    const target = { ...body, project_id: projectId, tenant_id: projectId };
    requirePolicy(ctx, auth, 'create_network', target, explicitAttributes(body, CREATE_DEFAULTS));
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
    return all.filter((n) => canSee(ctx, auth, 'network', n));
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    const rec = await ctx.exclusive(async () => {
      const r = await get(auth, id);
      requireWrite(ctx, auth, 'update_network', 'network', r, explicitAttributes(body));
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
      requireWrite(ctx, auth, 'delete_network', 'network', rec);
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
