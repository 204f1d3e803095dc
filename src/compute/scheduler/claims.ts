// Host claims: choose a host for a server and record it on the row in ONE transaction that serialises
// every claim (an advisory lock on PostgreSQL; SQLite transactions are serial), so that two boots
// running at once both see each other's usage and never overcommit a host. A host's usage is the sum of
// what its live servers claim, so deleting a server (deleted = 1) or clearing its host releases it.
import type { Kysely } from 'kysely';
import type { Clock } from '../../common/clock.js';
import type { ComputeTables } from '../compute-tables.js';
import { createHostStore, NO_USAGE, type ComputeHost, type HostUsage } from '../host-store.js';
import type { Server } from '../model.js';
import { claimedResources } from '../server-store.js';
import type { HostState, RequestSpec } from './host-state.js';
import { selectHosts, type SchedulerOptions } from './scheduler.js';

/** Nova's service_down_time: a host whose last heartbeat is older is down. */
export const DEFAULT_SERVICE_DOWN_SECONDS = 60;

/** No host passes the filters (Nova's NoValidHost: the server goes to ERROR with a 500 fault). */
export class NoValidHostError extends Error {
  constructor(readonly reasons: Record<string, string>) {
    super('No valid host was found. There are not enough hosts available.');
    this.name = 'NoValidHostError';
  }
}

export interface HostClaims {
  /**
   * Picks a host for the server and records it on the row (compute_servers.host), serialised against
   * every other claim. Idempotent: a server that already has a host keeps it. Rejects with
   * NoValidHostError when no host fits.
   */
  claim(server: Server): Promise<string>;
  /** Gives the server's resources back (clears its host). Idempotent. */
  release(serverId: string): Promise<void>;
}

export interface HostClaimsDeps {
  db: Kysely<ComputeTables>;
  clock: Clock;
  serviceDownSeconds?: number;
  scheduler?: SchedulerOptions;
  log?: { info(obj: Record<string, unknown>, msg?: string): void };
}

/** Whether the host's nova-compute service is up: a recent heartbeat and not forced down. */
export function hostIsUp(host: ComputeHost, now: Date, serviceDownSeconds: number): boolean {
  return !host.forcedDown && now.getTime() - Date.parse(host.heartbeatAt) <= serviceDownSeconds * 1000;
}

/** The scheduler's view of a host: its capacity, what its servers use, and whether it takes servers. */
export function hostState(host: ComputeHost, usage: HostUsage, up: boolean): HostState {
  return {
    name: host.name,
    availabilityZone: host.availabilityZone,
    enabled: up && !host.disabled,
    vcpusTotal: host.vcpus,
    vcpusUsed: usage.vcpus,
    memoryMiBTotal: host.memoryMiB,
    memoryMiBUsed: usage.memoryMiB,
    memoryMiBReserved: host.memoryReservedMiB,
    diskGibTotal: host.diskGib,
    diskGibUsed: usage.diskGib,
    cpuAllocationRatio: host.cpuAllocationRatio,
    ramAllocationRatio: host.ramAllocationRatio,
    diskAllocationRatio: host.diskAllocationRatio,
    capabilities: {
      hypervisor_type: host.hypervisorType,
      ...(typeof host.cpuInfo.arch === 'string' && { cpu_arch: host.cpuInfo.arch }),
    },
  };
}

export function requestSpecOf(server: Server): RequestSpec {
  const claimed = claimedResources(server.flavor, Boolean(server.rootVolume));
  return {
    vcpus: claimed.vcpus,
    memoryMiB: claimed.memory_mib,
    diskGib: claimed.disk_gib,
    // '' : the create named no zone, so any zone will do (the claim records the chosen host's).
    ...(server.availabilityZone !== '' && { availabilityZone: server.availabilityZone }),
    extraSpecs: server.flavor.extraSpecs,
    ...(server.requestSpec?.requestedHost !== undefined && {
      requestedHost: server.requestSpec.requestedHost,
    }),
  };
}

export function createHostClaims(deps: HostClaimsDeps): HostClaims {
  const downSeconds = deps.serviceDownSeconds ?? DEFAULT_SERVICE_DOWN_SECONDS;
  return {
    claim(server) {
      return deps.db.transaction().execute(async (trx) => {
        const hosts = createHostStore(trx);
        await hosts.lockClaims();
        const row = await hosts.hostOf(server.id);
        // A deleted row: nothing to place; the worker's compare-and-set will see the delete.
        if (row === undefined) throw new Error(`server ${server.id} is gone`);
        if (row.host !== null) return row.host;
        const now = deps.clock.now();
        const usage = await hosts.usage();
        const states = (await hosts.list()).map((h) =>
          hostState(h, usage.get(h.name) ?? NO_USAGE, hostIsUp(h, now, downSeconds)),
        );
        const placement = selectHosts(states, requestSpecOf(server), deps.scheduler);
        if (!placement.ok) {
          deps.log?.info(
            { event: 'compute.schedule.no_valid_host', serverId: server.id, reasons: placement.reasons },
            'no valid host',
          );
          throw new NoValidHostError(placement.reasons);
        }
        const chosen = placement.hosts[0];
        if (chosen === undefined) throw new NoValidHostError({});
        const zone = states.find((h) => h.name === chosen)?.availabilityZone;
        await hosts.setServerHost(server.id, chosen, server.availabilityZone === '' ? zone : undefined);
        return chosen;
      });
    },
    async release(serverId) {
      await createHostStore(deps.db).setServerHost(serverId, null);
    },
  };
}
