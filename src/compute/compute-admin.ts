// Composition of the host-side pieces of compute: host registration and heartbeat, the scheduler's
// transactional claims, the hypervisor/service admin views, per-project quotas and server tags.
// index.ts calls createComputeAdmin once and hands each piece to the worker, the server service and the
// plugin (see NEXT.md for the lines).
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { ComputeQuota } from './collaborators.js';
import type { ComputeTables } from './compute-tables.js';
import { createHostRegistration } from './host-registration.js';
import { createHostService } from './host-service.js';
import { createHostStore } from './host-store.js';
import { createKeyPairStore } from './keypair-store.js';
import { createQuotaService } from './quota-service.js';
import { createQuotaStore } from './quota-store.js';
import { createHostClaims } from './scheduler/claims.js';
import type { SchedulerOptions } from './scheduler/scheduler.js';
import type { ServerService } from './server-service.js';
import { createServerStore, type ServerStore } from './server-store.js';
import { createServerTags } from './server-tags.js';

export interface ComputeAdminDeps {
  db: Kysely<ComputeTables>;
  clock: Clock;
  /** The API process's host name (shown for nova-scheduler and nova-conductor). */
  hostName: string;
  /** Default quotas (config); per-project overrides live in compute_quotas. */
  quota: ComputeQuota;
  log: {
    info(obj: Record<string, unknown>, msg?: string): void;
    error(obj: Record<string, unknown>, msg?: string): void;
  };
  /** Nova's service_down_time (60 s): a host with an older heartbeat is down and gets nothing. */
  serviceDownSeconds?: number;
  scheduler?: SchedulerOptions;
}

export function createComputeAdmin(deps: ComputeAdminDeps) {
  const { db, clock } = deps;
  const servers = createServerStore(db);
  const keyPairs = createKeyPairStore(db);
  const claims = createHostClaims({
    db,
    clock,
    log: deps.log,
    ...(deps.serviceDownSeconds !== undefined && { serviceDownSeconds: deps.serviceDownSeconds }),
    ...(deps.scheduler !== undefined && { scheduler: deps.scheduler }),
  });
  const quotas = createQuotaService({
    store: createQuotaStore(db),
    defaults: deps.quota,
    async usage(projectId) {
      const used = await servers.countActive(projectId);
      return { instances: used.servers, cores: used.vcpus, ram: used.ramMiB };
    },
    keyPairs: (userId) => keyPairs.count(userId),
  });
  const hosts = createHostService({
    store: createHostStore(db),
    clock,
    apiHostName: deps.hostName,
    ...(deps.serviceDownSeconds !== undefined && { serviceDownSeconds: deps.serviceDownSeconds }),
  });
  const registration = createHostRegistration({ db, clock, log: deps.log });
  return {
    claims,
    quotas,
    hosts,
    /** Registers this process as a compute host and keeps its heartbeat (call from main.ts). */
    registration,
    /** The plugin's `admin` deps, once the server service exists. */
    routeDeps(serverService: ServerService, store: ServerStore) {
      return { hosts, quotas, tags: createServerTags({ servers: serverService, store }) };
    },
  };
}

export type ComputeAdmin = ReturnType<typeof createComputeAdmin>;
