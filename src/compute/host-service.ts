// Cloud-admin views of the compute hosts: hypervisors (capacity and usage per host, and in total) and
// services (one nova-compute per host, plus the nova-scheduler and nova-conductor this API process
// stands for), and enabling/disabling a host's nova-compute service, which the scheduler honours.
import { createHash } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { isUuid } from '../common/ids.js';
import { requireAdmin } from './compute-policy.js';
import { NO_USAGE, type ComputeHost, type HostStore, type HostUsage } from './host-store.js';
import { DEFAULT_SERVICE_DOWN_SECONDS, hostIsUp } from './scheduler/claims.js';

/** A hypervisor as the views need it: the host, what it uses, whether its service is up. */
export interface Hypervisor {
  host: ComputeHost;
  usage: HostUsage;
  up: boolean;
}

/** One row of os-services. */
export interface ComputeService {
  id: string;
  number: number;
  binary: 'nova-compute' | 'nova-scheduler' | 'nova-conductor';
  host: string;
  zone: string;
  disabled: boolean;
  disabledReason: string | null;
  up: boolean;
  forcedDown: boolean;
  updatedAt: string;
}

export interface HostServiceDeps {
  store: HostStore;
  clock: Clock;
  /** The API process's host name (where the scheduler and conductor run). */
  apiHostName: string;
  serviceDownSeconds?: number;
}

/** A stable UUID for a control-plane service (scheduler, conductor) of a host. */
function controlServiceId(binary: string, host: string): string {
  const hex = createHash('sha256').update(`${binary}@${host}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function createHostService(deps: HostServiceDeps) {
  const downSeconds = deps.serviceDownSeconds ?? DEFAULT_SERVICE_DOWN_SECONDS;

  async function hypervisors(auth: AuthContext): Promise<Hypervisor[]> {
    requireAdmin(auth);
    const now = deps.clock.now();
    const usage = await deps.store.usage();
    return (await deps.store.list()).map((host) => ({
      host,
      usage: usage.get(host.name) ?? NO_USAGE,
      up: hostIsUp(host, now, downSeconds),
    }));
  }

  /** One hypervisor by UUID (2.53+) or by integer id (before). */
  async function hypervisor(auth: AuthContext, id: string, uuidIds: boolean): Promise<Hypervisor> {
    const all = await hypervisors(auth);
    const found = all.find((h) => (uuidIds ? h.host.id === id : String(h.host.number) === id));
    if (!found) {
      if (uuidIds && !isUuid(id)) throw errors.badRequest(`Invalid uuid ${id}`);
      throw errors.notFound('hypervisor', id);
    }
    return found;
  }

  async function services(auth: AuthContext): Promise<ComputeService[]> {
    const now = deps.clock.now();
    const control = (binary: 'nova-scheduler' | 'nova-conductor', number: number): ComputeService => ({
      id: controlServiceId(binary, deps.apiHostName),
      number,
      binary,
      host: deps.apiHostName,
      zone: 'internal',
      disabled: false,
      disabledReason: null,
      up: true,
      forcedDown: false,
      updatedAt: now.toISOString(),
    });
    const computes = (await hypervisors(auth)).map(({ host, up }): ComputeService => ({
      id: host.serviceId,
      number: host.number + 2,
      binary: 'nova-compute',
      host: host.name,
      zone: host.availabilityZone,
      disabled: host.disabled,
      disabledReason: host.disabledReason,
      up,
      forcedDown: host.forcedDown,
      updatedAt: host.heartbeatAt,
    }));
    return [control('nova-conductor', 1), control('nova-scheduler', 2), ...computes];
  }

  async function computeService(auth: AuthContext, match: (s: ComputeService) => boolean) {
    const all = await services(auth);
    const found = all.find(match);
    if (!found) return undefined;
    const host = (await deps.store.list()).find((h) => h.serviceId === found.id);
    return { service: found, host };
  }

  /**
   * Disables or enables a nova-compute service, or forces it down (2.53 PUT /os-services/{id}); a
   * disabled or forced-down host receives no new servers.
   */
  async function update(
    auth: AuthContext,
    serviceId: string,
    change: { disabled?: boolean; disabledReason?: string | null; forcedDown?: boolean },
  ): Promise<ComputeService> {
    const found = await computeService(auth, (s) => s.id === serviceId);
    if (!found) throw errors.notFound('service', serviceId);
    if (!found.host) {
      throw errors.badRequest(
        `Updating a ${found.service.binary} service is not supported. Only nova-compute services can be updated.`,
      );
    }
    await deps.store.setService(
      found.host.id,
      {
        ...change,
        // Enabling clears the reason, as Nova does.
        ...(change.disabled === false && { disabledReason: null }),
      },
      deps.clock.now().toISOString(),
    );
    const after = await computeService(auth, (s) => s.id === serviceId);
    if (!after) throw errors.notFound('service', serviceId);
    return after.service;
  }

  /** Legacy (before 2.53) PUT /os-services/{disable,enable,disable-log-reason,force-down} by host name. */
  async function updateByHost(
    auth: AuthContext,
    hostName: string,
    binary: string,
    change: { disabled?: boolean; disabledReason?: string | null; forcedDown?: boolean },
  ): Promise<ComputeService> {
    const found = await computeService(auth, (s) => s.host === hostName && s.binary === binary);
    if (!found) throw errors.notFound('service', `${binary} on ${hostName}`);
    return update(auth, found.service.id, change);
  }

  /** Deletes a nova-compute service and its hypervisor; refused while servers live on the host. */
  async function remove(auth: AuthContext, serviceId: string, uuidIds: boolean): Promise<void> {
    const found = await computeService(auth, (s) =>
      uuidIds ? s.id === serviceId : String(s.number) === serviceId,
    );
    if (!found) throw errors.notFound('service', serviceId);
    if (!found.host) throw errors.badRequest(`Deleting a ${found.service.binary} service is not supported.`);
    const usage = (await deps.store.usage()).get(found.host.name);
    if (usage !== undefined && usage.servers > 0) {
      throw errors.conflict(
        `Unable to delete compute service that is hosting instances. Migrate or delete the instances first.`,
      );
    }
    await deps.store.remove(found.host.id);
  }

  /** Zones of the registered hosts; available when one of its hosts is up and enabled. */
  async function zones(): Promise<{ name: string; available: boolean; hosts: ComputeHost[] }[]> {
    const now = deps.clock.now();
    const byZone = new Map<string, { name: string; available: boolean; hosts: ComputeHost[] }>();
    for (const host of await deps.store.list()) {
      const zone = byZone.get(host.availabilityZone) ?? {
        name: host.availabilityZone,
        available: false,
        hosts: [],
      };
      zone.hosts.push(host);
      if (!host.disabled && hostIsUp(host, now, downSeconds)) zone.available = true;
      byZone.set(zone.name, zone);
    }
    return [...byZone.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  return {
    hypervisors,
    hypervisor,
    zones,
    /** Whether a create may ask for `zone`: true when no host is registered yet (nothing to check). */
    async zoneAccepted(zone: string): Promise<boolean> {
      const all = await zones();
      return all.length === 0 || all.some((z) => z.name === zone && z.available);
    },
    /** Whether a compute host of that name is registered (a create's requested host, 2.74). */
    async hostExists(name: string): Promise<boolean> {
      return (await deps.store.list()).some((h) => h.name === name);
    },
    services,
    update,
    updateByHost,
    remove,
    serversOn: (host: string) => deps.store.serversOn(host, 1000),
  };
}

export type HostService = ReturnType<typeof createHostService>;
