// What the control plane does with a remote agent's reports: a heartbeat refreshes the host's row (its
// capacity as measured there, the allocation ratios as configured here), a guest that stopped or died by
// itself moves its idle row to `stopped`. An agent reports only for its own host (checked by the caller).
import type { Clock } from '../common/clock.js';
import type { HostRegistration } from './host-registration.js';
import { DEFAULT_ALLOCATION_RATIOS, DEFAULT_RESERVED_MEMORY_MIB } from './host-registration.js';
import type { LifecycleTransition } from './driver/driver.js';
import { recordUnrequestedStop } from './server-reconcile.js';
import type { ServerStore } from './server-store.js';

export interface AgentHeartbeat {
  hostIp: string;
  availabilityZone?: string;
  vcpus: number;
  memoryMiB: number;
  diskGib: number;
  hypervisorType: string;
  hypervisorVersion: number;
  cpuInfo?: Record<string, unknown>;
}

export interface AgentReportsDeps {
  registration: HostRegistration;
  store: ServerStore;
  clock: Clock;
  defaultAvailabilityZone: string;
  cpuAllocationRatio?: number;
  ramAllocationRatio?: number;
  diskAllocationRatio?: number;
  reservedMemoryMiB?: number;
}

export function createAgentReports(deps: AgentReportsDeps) {
  return {
    async heartbeat(host: string, beat: AgentHeartbeat): Promise<void> {
      await deps.registration.recordReport({
        name: host,
        availabilityZone: beat.availabilityZone ?? deps.defaultAvailabilityZone,
        hostIp: beat.hostIp,
        vcpus: beat.vcpus,
        memoryMiB: beat.memoryMiB,
        memoryReservedMiB: deps.reservedMemoryMiB ?? DEFAULT_RESERVED_MEMORY_MIB,
        diskGib: beat.diskGib,
        cpuAllocationRatio: deps.cpuAllocationRatio ?? DEFAULT_ALLOCATION_RATIOS.cpu,
        ramAllocationRatio: deps.ramAllocationRatio ?? DEFAULT_ALLOCATION_RATIOS.ram,
        diskAllocationRatio: deps.diskAllocationRatio ?? DEFAULT_ALLOCATION_RATIOS.disk,
        hypervisorType: beat.hypervisorType,
        hypervisorVersion: beat.hypervisorVersion,
        cpuInfo: beat.cpuInfo ?? {},
        heartbeatAt: deps.clock.now().toISOString(),
      });
    },
    async events(
      host: string,
      events: readonly { instanceId: string; transition: LifecycleTransition | string }[],
    ): Promise<void> {
      for (const event of events) {
        const transition = event.transition as LifecycleTransition;
        await recordUnrequestedStop(deps, { instanceId: event.instanceId, transition }, host);
      }
    },
  };
}

export type AgentReports = ReturnType<typeof createAgentReports>;
