// Nova's wire shapes for os-hypervisors, os-services and os-quota-sets, by microversion: UUID ids from
// 2.53 (integers before), cpu_info as an object from 2.28 (a JSON string before), forced_down from
// 2.11, and the quota keys removed at 2.36 (network proxies) and 2.57 (injected files).
import type { ComputeService, Hypervisor } from '../host-service.js';
import type { QuotaLimits } from '../quota-service.js';
import { atLeast, type Microversion } from './microversion.js';

/** Nova's service timestamps: microseconds, no zone. */
export const isoMicros = (iso: string) => `${iso.slice(0, 19)}.${iso.slice(20, 23)}000`;

const state = (h: Hypervisor) => (h.up ? 'up' : 'down');
const status = (h: Hypervisor) => (h.host.disabled ? 'disabled' : 'enabled');

export function hypervisorId(h: Hypervisor, v: Microversion): string | number {
  return atLeast(v, 53) ? h.host.id : h.host.number;
}

export function hypervisorBrief(h: Hypervisor, v: Microversion) {
  return {
    id: hypervisorId(h, v),
    hypervisor_hostname: h.host.name,
    state: state(h),
    status: status(h),
  };
}

/** The figures os-hypervisors shows: RAM used includes the host's reservation, as Nova's does. */
function figures(h: Hypervisor) {
  const memoryUsed = h.usage.memoryMiB + h.host.memoryReservedMiB;
  const freeDisk = h.host.diskGib - h.usage.diskGib;
  return {
    vcpus: h.host.vcpus,
    vcpus_used: h.usage.vcpus,
    memory_mb: h.host.memoryMiB,
    memory_mb_used: memoryUsed,
    free_ram_mb: h.host.memoryMiB - memoryUsed,
    local_gb: h.host.diskGib,
    local_gb_used: h.usage.diskGib,
    free_disk_gb: freeDisk,
    disk_available_least: freeDisk,
    running_vms: h.usage.servers,
    current_workload: h.usage.busy,
  };
}

export function hypervisorDetail(
  h: Hypervisor,
  v: Microversion,
  servers?: readonly { id: string; name: string }[],
) {
  return {
    ...hypervisorBrief(h, v),
    ...figures(h),
    cpu_info: atLeast(v, 28) ? h.host.cpuInfo : JSON.stringify(h.host.cpuInfo),
    host_ip: h.host.hostIp,
    hypervisor_type: h.host.hypervisorType,
    hypervisor_version: h.host.hypervisorVersion,
    service: {
      host: h.host.name,
      id: atLeast(v, 53) ? h.host.serviceId : h.host.number + 2,
      disabled_reason: h.host.disabledReason,
    },
    ...(servers !== undefined && { servers: servers.map((s) => ({ name: s.name, uuid: s.id })) }),
  };
}

export function hypervisorStatistics(all: readonly Hypervisor[]) {
  const total: Record<string, number> = {
    count: all.length,
    vcpus: 0,
    vcpus_used: 0,
    memory_mb: 0,
    memory_mb_used: 0,
    free_ram_mb: 0,
    local_gb: 0,
    local_gb_used: 0,
    free_disk_gb: 0,
    disk_available_least: 0,
    running_vms: 0,
    current_workload: 0,
  };
  for (const h of all) {
    for (const [key, value] of Object.entries(figures(h))) total[key] = (total[key] ?? 0) + value;
  }
  return total;
}

export function serviceView(s: ComputeService, v: Microversion) {
  return {
    id: atLeast(v, 53) ? s.id : s.number,
    binary: s.binary,
    disabled_reason: s.disabledReason,
    host: s.host,
    state: s.up ? 'up' : 'down',
    status: s.disabled ? 'disabled' : 'enabled',
    updated_at: isoMicros(s.updatedAt),
    zone: s.zone,
    ...(atLeast(v, 11) && { forced_down: s.forcedDown }),
  };
}

/** A quota set's limits with the keys the microversion still shows. */
export function quotaLimitsView(limits: QuotaLimits, v: Microversion): Record<string, number> {
  return {
    ...limits,
    ...(!atLeast(v, 36) && {
      fixed_ips: -1,
      floating_ips: -1,
      security_group_rules: -1,
      security_groups: -1,
    }),
    ...(!atLeast(v, 57) && {
      injected_file_content_bytes: 10240,
      injected_file_path_bytes: 255,
      injected_files: 5,
    }),
  };
}
