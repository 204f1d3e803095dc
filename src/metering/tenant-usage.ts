// Nova's simple tenant usage computed from usage records: per server, the hours it existed within the
// window (launched, not yet terminated — whatever its state, as Nova counts), its flavor's shape, its
// state, and per tenant the totals. A resized server's vCPU, RAM and disk totals use each record's own
// flavor, so they are exact where Nova multiplies by the current flavor only.
import assert from 'node:assert/strict';
import { Dec, MS_PER_HOUR } from './money.js';
import { parseMeter, type UsageRecord } from './model.js';

export interface UsageWindow {
  start: Date;
  /** Already clamped to now, as Nova does. */
  stop: Date;
  now: Date;
}

export interface ServerUsage {
  instance_id: string;
  name: string;
  tenant_id: string;
  flavor: string;
  hours: number;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  started_at: string;
  ended_at: string | null;
  state: string;
  uptime: number;
}

export interface TenantUsage {
  tenant_id: string;
  server_usages?: ServerUsage[];
  total_local_gb_usage: number;
  total_vcpus_usage: number;
  total_memory_mb_usage: number;
  total_hours: number;
  start: string;
  stop: string;
}

/** Python's naive datetime.isoformat(): microseconds unless zero, no zone. */
export function novaTime(at: Date): string {
  const iso = at.toISOString();
  const ms = iso.slice(20, 23);
  return ms === '000' ? iso.slice(0, 19) : `${iso.slice(0, 19)}.${ms}000`;
}

/** Nova's vm_state for a record's meter state, unless the record kept the real one. */
const VM_STATES: Record<string, string> = {
  running: 'active',
  stopped: 'stopped',
  paused: 'paused',
  suspended: 'suspended',
  shelved: 'shelved_offloaded',
  rescued: 'rescued',
  error: 'error',
};

function vmStateOf(record: UsageRecord): string {
  if (typeof record.attributes.vmState === 'string') return record.attributes.vmState;
  const state = parseMeter(record.meter)?.dimensions[1] ?? 'running';
  return VM_STATES[state] ?? 'active';
}

const numberAttribute = (record: UsageRecord, key: string) => {
  const value = Number(record.attributes[key] ?? 0);
  return Number.isFinite(value) ? value : 0;
};

/** Milliseconds of the record's life inside the window (an open record runs until the window's stop). */
function overlapMs(record: UsageRecord, window: UsageWindow): number {
  const from = Math.max(Date.parse(record.startedAt), window.start.getTime());
  const to = Math.min(record.endedAt === null ? Infinity : Date.parse(record.endedAt), window.stop.getTime());
  return Math.max(0, to - from);
}

interface ServerTotals {
  usage: ServerUsage;
  vcpuHours: Dec;
  memoryMbHours: Dec;
  localGbHours: Dec;
  hours: Dec;
}

/** One server's usage from its records (all of one project, oldest first; at least one). */
export function serverUsage(records: readonly UsageRecord[], window: UsageWindow): ServerTotals {
  const first = records[0];
  const latest = records.at(-1);
  assert.ok(first && latest, 'a server usage needs at least one record');
  const open = records.find((r) => r.endedAt === null);
  const totals = {
    hours: new Dec(0),
    vcpuHours: new Dec(0),
    memoryMbHours: new Dec(0),
    localGbHours: new Dec(0),
  };
  for (const record of records) {
    const hours = new Dec(overlapMs(record, window)).div(MS_PER_HOUR);
    totals.hours = totals.hours.add(hours);
    totals.vcpuHours = totals.vcpuHours.add(hours.mul(numberAttribute(record, 'vcpus')));
    totals.memoryMbHours = totals.memoryMbHours.add(hours.mul(numberAttribute(record, 'memoryMb')));
    totals.localGbHours = totals.localGbHours.add(hours.mul(numberAttribute(record, 'localGb')));
  }
  const current = open ?? latest;
  const endedAt = open
    ? null
    : records.reduce((end, r) => (r.endedAt !== null && r.endedAt > end ? r.endedAt : end), '');
  const startedMs = Date.parse(first.startedAt);
  const untilMs = endedAt === null ? window.now.getTime() : Date.parse(endedAt);
  const name = current.attributes.name;
  const flavor = current.attributes.flavorName;
  return {
    ...totals,
    usage: {
      instance_id: first.resourceId,
      name: typeof name === 'string' ? name : '',
      tenant_id: first.projectId,
      flavor: typeof flavor === 'string' ? flavor : '',
      hours: totals.hours.toNumber(),
      vcpus: numberAttribute(current, 'vcpus'),
      memory_mb: numberAttribute(current, 'memoryMb'),
      local_gb: numberAttribute(current, 'localGb'),
      started_at: novaTime(new Date(startedMs)),
      ended_at: endedAt === null ? null : novaTime(new Date(endedAt)),
      state: endedAt === null ? vmStateOf(current) : 'terminated',
      uptime: Math.max(0, Math.floor((untilMs - startedMs) / 1000)),
    },
  };
}

/**
 * The tenants' usages from the servers' records, in the order of `servers` (by tenant, then server);
 * `detailed` adds each tenant's server_usages. Also returns every server usage (for paging links).
 */
export function tenantUsages(
  servers: readonly (readonly UsageRecord[])[],
  window: UsageWindow,
  detailed: boolean,
): { usages: TenantUsage[]; servers: ServerUsage[] } {
  const byTenant = new Map<string, { usage: TenantUsage; totals: Dec[] }>();
  const all: ServerUsage[] = [];
  for (const records of servers) {
    const server = serverUsage(records, window);
    all.push(server.usage);
    let tenant = byTenant.get(server.usage.tenant_id);
    if (!tenant) {
      tenant = {
        usage: {
          tenant_id: server.usage.tenant_id,
          ...(detailed && { server_usages: [] }),
          total_local_gb_usage: 0,
          total_vcpus_usage: 0,
          total_memory_mb_usage: 0,
          total_hours: 0,
          start: novaTime(window.start),
          stop: novaTime(window.stop),
        },
        totals: [new Dec(0), new Dec(0), new Dec(0), new Dec(0)],
      };
      byTenant.set(server.usage.tenant_id, tenant);
    }
    const [gb = new Dec(0), vcpus = new Dec(0), memory = new Dec(0), hours = new Dec(0)] = tenant.totals;
    tenant.totals = [
      gb.add(server.localGbHours),
      vcpus.add(server.vcpuHours),
      memory.add(server.memoryMbHours),
      hours.add(server.hours),
    ];
    tenant.usage.server_usages?.push(server.usage);
  }
  const usages = [...byTenant.values()].map(({ usage, totals }) => ({
    ...usage,
    total_local_gb_usage: (totals[0] ?? new Dec(0)).toNumber(),
    total_vcpus_usage: (totals[1] ?? new Dec(0)).toNumber(),
    total_memory_mb_usage: (totals[2] ?? new Dec(0)).toNumber(),
    total_hours: (totals[3] ?? new Dec(0)).toNumber(),
  }));
  return { usages, servers: all };
}
