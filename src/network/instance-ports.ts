// Port operations for the compute worker, which acts outside any request (no AuthContext; identity
// alone mints those). The caller checked the user's rights at request time; these keep every other rule
// (network ownership, quota, default security group, address allocation).
import { assign, badRequest, notFound, touch, type NetContext } from './context.js';
import type { Rec } from './network-store.js';
import type { FixedIpRequest, PortAllocator } from './port-allocator.js';
import { portStatus } from './port-status.js';
import type { QuotaService } from './quota-service.js';
import type { SecurityGroupService } from './security-group-service.js';

export function fixedIpRequests(v: unknown): FixedIpRequest[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw badRequest("Invalid input: 'fixed_ips' must be a list.", 'InvalidInput');
  return v.map((f: Record<string, unknown>) => ({
    ...(typeof f.subnet_id === 'string' ? { subnet_id: f.subnet_id } : {}),
    ...(typeof f.ip_address === 'string' ? { ip_address: f.ip_address } : {}),
  }));
}

/** Detaches the floating IPs of a port that goes away (callers hold the lock). */
export async function disassociateFloatingIps(ctx: NetContext, portId: string): Promise<void> {
  for (const fip of await ctx.store.list('floatingip')) {
    if (fip.port_id !== portId) continue;
    Object.assign(fip, { port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' });
    await ctx.store.update(touch(ctx.clock, fip));
  }
}

export function createInstancePorts(
  ctx: NetContext,
  quotas: QuotaService,
  groups: SecurityGroupService,
  allocator: PortAllocator,
) {
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
      p.status = portStatus(p);
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
      await disassociateFloatingIps(ctx, id);
      await allocator.remove(p);
      return true;
    });
    if (!gone) return;
    await ctx.changed();
    await ctx.bind({ id, project_id: '', 'binding:host_id': '' });
  }

  return { createForInstance, bindForInstance, removeForInstance };
}
