// The port API: create on a visible network (never on another project's private one), update
// addresses, security groups and binding, delete (router and floating IP ports only through their
// own APIs), and bind a port's device for an instance.
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import {
  assign,
  badRequest,
  canSee,
  conflict,
  isAdmin,
  notFound,
  ownerFor,
  requirePolicy,
  requireWrite,
  touch,
  type NetContext,
} from './context.js';
import type { Rec } from './network-store.js';
import { explicitAttributes, withNetwork } from './network-policy.js';
import type { NetworkService } from './network-service.js';
import type { PortAllocator } from './port-allocator.js';
import type { QuotaService } from './quota-service.js';
import type { SecurityGroupService } from './security-group-service.js';
import { portStatus } from './port-status.js';
import { createInstancePorts, disassociateFloatingIps, fixedIpRequests } from './instance-ports.js';

const UPDATABLE = [
  'name',
  'description',
  'admin_state_up',
  'device_id',
  'device_owner',
  'binding:host_id',
  'binding:profile',
  'binding:vnic_type',
];
/** Defaults a create may repeat without its attribute rule being checked (Neutron's is_attr_set). */
const CREATE_DEFAULTS = { device_owner: '', device_id: '', admin_state_up: true };

/** The attributes and sub-attributes (`fixed_ips:ip_address`…) a body sets, for their rules. */
function portAttributes(body: Record<string, unknown>, defaults: Record<string, unknown> = {}): string[] {
  const names = explicitAttributes(body, defaults);
  for (const list of ['fixed_ips', 'allowed_address_pairs']) {
    const entries = body[list];
    if (!Array.isArray(entries)) continue;
    const keys = new Set(entries.flatMap((e) => (e && typeof e === 'object' ? Object.keys(e) : [])));
    for (const key of keys) names.push(`${list}:${key}`);
  }
  return names;
}

const PROTECTED_OWNERS = new Set([
  'network:router_interface',
  'network:router_gateway',
  'network:floatingip',
  'network:dhcp',
]);

function isBindingProfile(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

  async function networkOf(port: Rec): Promise<Rec | undefined> {
    return ctx.store.get('network', String(port.network_id));
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    if (typeof body.network_id !== 'string')
      throw badRequest(
        "Failed to parse request. Required attribute 'network_id' not specified",
        'HTTPBadRequest',
      );
    const projectId = ownerFor(auth, body);
    const port = await ctx.exclusive(async () => {
      const net = await networks.get(auth, body.network_id as string);
      const target = withNetwork({ ...body, project_id: projectId, tenant_id: projectId }, net);
      requirePolicy(ctx, auth, 'create_port', target, portAttributes(body, CREATE_DEFAULTS));
      if (!isAdmin(auth) && net.shared !== true && net.project_id !== projectId)
        throw errors.forbidden(`Tenant ${projectId} not allowed to create port on this network`);
      await quotas.check(projectId, 'port');
      const security =
        typeof body.port_security_enabled === 'boolean'
          ? body.port_security_enabled
          : net.port_security_enabled !== false;
      const owner = typeof body.device_owner === 'string' ? body.device_owner : '';
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

  /** A bound port keeps its MAC (Neutron's PortBound); update_port:mac_address was checked before. */
  async function changeMac(p: Rec, mac: unknown): Promise<void> {
    if (mac === undefined || mac === p.mac_address) return;
    if (p['binding:host_id'])
      throw conflict(
        `Unable to complete operation on port ${p.id}, port is already bound, port type: ${String(p['binding:vif_type'])}, old_mac ${String(p.mac_address)}, new_mac ${String(mac)}.`,
        'PortBound',
      );
    const others = await ctx.store.list('port', { parentId: String(p.network_id) });
    if (others.some((o) => o.id !== p.id && o.mac_address === mac))
      throw conflict(
        `Unable to complete operation for network ${String(p.network_id)}. The mac address ${String(mac)} is in use.`,
        'MacAddressInUse',
      );
    p.mac_address = mac;
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    const ports = await ctx.store.list('port');
    const nets = new Map((await ctx.store.list('network')).map((n) => [n.id, n]));
    return ports.filter((p) => canSee(ctx, auth, 'port', withNetwork(p, nets.get(String(p.network_id)))));
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    const port = await ctx.store.get('port', id);
    if (!port || !canSee(ctx, auth, 'port', withNetwork(port, await networkOf(port))))
      throw notFound('port', id);
    return port;
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    const port = await ctx.exclusive(async () => {
      const p = await get(auth, id);
      const changed = portAttributes(body).filter(
        (k) => k.startsWith('fixed_ips:') || k.startsWith('allowed_address_pairs:') || body[k] !== p[k],
      );
      const target = { ...withNetwork(p, await networkOf(p)), ...body };
      requireWrite(ctx, auth, 'update_port', 'port', target, changed);
      await changeMac(p, body.mac_address);
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
      p.status = portStatus(p);
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
      requireWrite(ctx, auth, 'delete_port', 'port', withNetwork(p, await networkOf(p)));
      if (PROTECTED_OWNERS.has(String(p.device_owner)) && !isAdmin(auth))
        throw conflict(
          `Port ${id} cannot be deleted directly via the port API: has device owner ${String(p.device_owner)}.`,
          'ServicePortInUse',
        );
      await disassociateFloatingIps(ctx, id);
      await allocator.remove(p);
    });
    await ctx.changed();
  }

  /** True if the caller may act on the port (for floating IP association): update_port on it. */
  function owns(auth: AuthContext, port: Rec): boolean {
    return ctx.policy.allowed(auth, 'update_port', port);
  }

  return { create, list, get, update, remove, owns, ...createInstancePorts(ctx, quotas, groups, allocator) };
}

export type PortService = ReturnType<typeof createPortService>;
