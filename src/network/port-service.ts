// The port API: create on a visible network (never on another project's private one), update
// addresses, security groups and binding, delete (router and floating IP ports only through their
// own APIs), and bind a port's device for an instance.
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import {
  assign,
  badRequest,
  callerProject,
  canSee,
  conflict,
  isAdmin,
  notFound,
  ownerFor,
  touch,
  visible,
  type NetContext,
} from './context.js';
import type { Rec } from './network-store.js';
import type { NetworkService } from './network-service.js';
import type { FixedIpRequest, PortAllocator } from './port-allocator.js';
import type { QuotaService } from './quota-service.js';
import type { SecurityGroupService } from './security-group-service.js';

const UPDATABLE = [
  'name',
  'description',
  'admin_state_up',
  'device_id',
  'device_owner',
  'binding:host_id',
  'binding:profile',
];
const PROTECTED_OWNERS = new Set([
  'network:router_interface',
  'network:router_gateway',
  'network:floatingip',
  'network:dhcp',
]);

function isBindingProfile(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fixedIpRequests(v: unknown): FixedIpRequest[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw badRequest("Invalid input: 'fixed_ips' must be a list.", 'InvalidInput');
  return v.map((f: Record<string, unknown>) => ({
    ...(typeof f.subnet_id === 'string' ? { subnet_id: f.subnet_id } : {}),
    ...(typeof f.ip_address === 'string' ? { ip_address: f.ip_address } : {}),
  }));
}

function addressPairs(v: unknown): { ip_address: string; mac_address: string }[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v))
    throw badRequest("Invalid input: 'allowed_address_pairs' must be a list.", 'InvalidInput');
  return v.map((p: Record<string, unknown>) => {
    if (typeof p.ip_address !== 'string')
      throw badRequest('Allowed address pair requires ip_address.', 'AllowedAddressPairsMissingIP');
    return { ip_address: p.ip_address, mac_address: typeof p.mac_address === 'string' ? p.mac_address : '' };
  });
}

export function createPortService(
  ctx: NetContext,
  quotas: QuotaService,
  networks: NetworkService,
  groups: SecurityGroupService,
  allocator: PortAllocator,
) {
  async function groupsFor(
    auth: AuthContext,
    projectId: string,
    body: Record<string, unknown>,
    security: boolean,
    owner: string,
  ) {
    if (Array.isArray(body.security_groups)) {
      const ids = body.security_groups.map(String);
      if (ids.length > 0 && !security)
        throw conflict(
          'Port security must be enabled and port must have an IP address in order to use security groups.',
          'PortSecurityAndIPRequiredForSecurityGroups',
        );
      await groups.checkUsable(auth, ids);
      return ids;
    }
    if (!security || owner.startsWith('network:')) return [];
    const def = await groups.ensureDefault(projectId);
    return def ? [def.id] : [];
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    if (typeof body.network_id !== 'string')
      throw badRequest("Invalid input: 'network_id' is required.", 'InvalidInput');
    const projectId = ownerFor(auth, body);
    const port = await ctx.exclusive(async () => {
      const net = await networks.get(auth, body.network_id as string);
      const ownsNet = net.project_id === projectId || net.shared === true || isAdmin(auth);
      if (!ownsNet) throw notFound('network', net.id);
      await quotas.check(projectId, 'port');
      const security =
        typeof body.port_security_enabled === 'boolean'
          ? body.port_security_enabled
          : net.port_security_enabled !== false;
      const owner = typeof body.device_owner === 'string' ? body.device_owner : '';
      if (PROTECTED_OWNERS.has(owner) && !isAdmin(auth)) throw errors.forbidden();
      if ((body['binding:host_id'] !== undefined || body['binding:profile'] !== undefined) && !isAdmin(auth))
        throw errors.forbidden();
      const pairs = addressPairs(body.allowed_address_pairs);
      if (pairs?.length && !security)
        throw conflict(
          'Port Security must be enabled in order to have allowed address pairs on a port.',
          'AddressPairAndPortSecurityRequired',
        );
      return allocator.create(net, {
        projectId,
        name: typeof body.name === 'string' ? body.name : '',
        deviceId: typeof body.device_id === 'string' ? body.device_id : '',
        deviceOwner: owner,
        ...(typeof body.mac_address === 'string' ? { macAddress: body.mac_address } : {}),
        ...(fixedIpRequests(body.fixed_ips) ? { fixedIps: fixedIpRequests(body.fixed_ips) } : {}),
        securityGroups: await groupsFor(auth, projectId, body, security, owner),
        portSecurityEnabled: security,
        ...(pairs ? { allowedAddressPairs: pairs } : {}),
        adminStateUp: body.admin_state_up !== false,
        ...(typeof body.description === 'string' ? { description: body.description } : {}),
        ...(typeof body['binding:host_id'] === 'string' ? { hostId: body['binding:host_id'] } : {}),
        ...(isBindingProfile(body['binding:profile']) ? { profile: body['binding:profile'] } : {}),
      });
    });
    await ctx.changed();
    if (port['binding:host_id']) await ctx.bind(port);
    return port;
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    const ports = await ctx.store.list('port');
    return ports.filter((p) => canSee(auth, p));
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    return visible(ctx, auth, 'port', id, 'port');
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    if ((body['binding:host_id'] !== undefined || body['binding:profile'] !== undefined) && !isAdmin(auth))
      throw errors.forbidden();
    const port = await ctx.exclusive(async () => {
      const p = await get(auth, id);
      const security =
        typeof body.port_security_enabled === 'boolean'
          ? body.port_security_enabled
          : p.port_security_enabled === true;
      if (Array.isArray(body.security_groups))
        p.security_groups = await groupsFor(auth, p.project_id, body, security, '');
      if (!security && (p.security_groups as string[]).length > 0)
        throw conflict(
          'Port has security group associated. Cannot disable port security until security group is removed.',
          'PortSecurityPortHasSecurityGroup',
        );
      p.port_security_enabled = security;
      const pairs = addressPairs(body.allowed_address_pairs);
      if (pairs) p.allowed_address_pairs = pairs;
      const requests = fixedIpRequests(body.fixed_ips);
      if (requests) await allocator.reallocate(p, requests);
      assign(p, body, UPDATABLE);
      if (body['binding:host_id'] !== undefined)
        p['binding:vif_type'] = p['binding:host_id'] ? 'tap' : 'unbound';
      p.status = p.device_owner ? 'ACTIVE' : 'DOWN';
      await ctx.store.update(touch(ctx.clock, p), { deviceId: String(p.device_id ?? '') });
      return p;
    });
    await ctx.changed();
    if (body['binding:host_id'] !== undefined || body['binding:profile'] !== undefined) await ctx.bind(port);
    return port;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const p = await get(auth, id);
      if (PROTECTED_OWNERS.has(String(p.device_owner)) && !isAdmin(auth))
        throw conflict(
          `Port ${id} cannot be deleted directly via the port API: has device owner ${String(p.device_owner)}.`,
          'ServicePortInUse',
        );
      for (const fip of await ctx.store.list('floatingip')) {
        if (fip.port_id !== id) continue;
        Object.assign(fip, { port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' });
        await ctx.store.update(touch(ctx.clock, fip));
      }
      await allocator.remove(p);
    });
    await ctx.changed();
  }

  // Service-level operations for the compute worker, which acts outside any request (no AuthContext;
  // identity alone mints those). The caller checked the user's rights at request time; these keep every
  // other rule (network ownership, quota, default security group, address allocation).

  /** Creates a port bound to an instance on `projectId`'s behalf; the device is plugged before it returns. */
  async function createForInstance(projectId: string, body: Record<string, unknown>): Promise<Rec> {
    const networkId = String(body.network_id);
    const port = await ctx.exclusive(async () => {
      const net = await ctx.store.get('network', networkId);
      if (!net || (net.project_id !== projectId && net.shared !== true)) throw notFound('network', networkId);
      await quotas.check(projectId, 'port');
      const security = net.port_security_enabled !== false;
      const requested = Array.isArray(body.security_groups) ? body.security_groups.map(String) : undefined;
      for (const id of requested ?? []) {
        const group = await ctx.store.get('security_group', id);
        if (!group || group.project_id !== projectId) throw notFound('security_group', id);
      }
      const def = security && !requested ? await groups.ensureDefault(projectId) : undefined;
      const fixedIps = fixedIpRequests(body.fixed_ips);
      return allocator.create(net, {
        projectId,
        name: '',
        deviceId: String(body.device_id ?? ''),
        deviceOwner: String(body.device_owner ?? ''),
        ...(fixedIps ? { fixedIps } : {}),
        securityGroups: security ? (requested ?? (def ? [def.id] : [])) : [],
        portSecurityEnabled: security,
        adminStateUp: true,
        ...(typeof body['binding:host_id'] === 'string' ? { hostId: body['binding:host_id'] } : {}),
      });
    });
    await ctx.changed();
    if (port['binding:host_id']) await ctx.bind(port);
    return port;
  }

  /** Sets or clears an existing port's device and host binding (404 when the port is gone). */
  async function bindForInstance(id: string, body: Record<string, unknown>): Promise<Rec> {
    const port = await ctx.exclusive(async () => {
      const p = await ctx.store.get('port', id);
      if (!p) throw notFound('port', id);
      assign(p, body, ['device_id', 'device_owner', 'binding:host_id']);
      p['binding:vif_type'] = p['binding:host_id'] ? 'tap' : 'unbound';
      p.status = p.device_owner ? 'ACTIVE' : 'DOWN';
      await ctx.store.update(touch(ctx.clock, p), { deviceId: String(p.device_id ?? '') });
      return p;
    });
    await ctx.changed();
    await ctx.bind(port);
    return port;
  }

  /** Deletes an instance's port and its device; an absent port resolves. */
  async function removeForInstance(id: string): Promise<void> {
    const gone = await ctx.exclusive(async () => {
      const p = await ctx.store.get('port', id);
      if (!p) return false;
      for (const fip of await ctx.store.list('floatingip')) {
        if (fip.port_id !== id) continue;
        Object.assign(fip, { port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' });
        await ctx.store.update(touch(ctx.clock, fip));
      }
      await allocator.remove(p);
      return true;
    });
    if (!gone) return;
    await ctx.changed();
    await ctx.bind({ id, project_id: '', 'binding:host_id': '' });
  }

  /** True if the caller owns the port (for floating IP association). */
  function owns(auth: AuthContext, port: Rec): boolean {
    return isAdmin(auth) || port.project_id === callerProject(auth);
  }

  return { create, list, get, update, remove, owns, createForInstance, bindForInstance, removeForInstance };
}

export type PortService = ReturnType<typeof createPortService>;
