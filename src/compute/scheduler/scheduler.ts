// Host selection: filter, weigh, pick; for several instances, consume the picked host's resources in
// memory before placing the next. Pure: the claim against the database comes with the compute service.
import { DEFAULT_FILTERS, type HostFilter } from './filters.js';
import { consume, type HostState, type RequestSpec } from './host-state.js';
import { DEFAULT_WEIGHERS, weighHosts, type HostWeigher } from './weighers.js';

export interface SchedulerOptions {
  filters?: readonly HostFilter[];
  weighers?: readonly HostWeigher[];
}

export type Placement =
  | { ok: true; hosts: string[] }
  /** `reasons` maps host name → why it was rejected (for the NoValidHost fault, logged not shown). */
  | { ok: false; placed: string[]; reasons: Record<string, string> };

/** The hosts that pass every filter, best first, with their weights. Ties break by host name. */
export function rankHosts(
  hosts: readonly HostState[],
  request: RequestSpec,
  options: SchedulerOptions = {},
): { ranked: { host: HostState; weight: number }[]; reasons: Record<string, string> } {
  const filters = options.filters ?? DEFAULT_FILTERS;
  const reasons: Record<string, string> = {};
  const passing: HostState[] = [];
  for (const host of hosts) {
    const reason = firstRejection(filters, host, request);
    if (reason === undefined) passing.push(host);
    else reasons[host.name] = reason;
  }
  const weights = weighHosts(passing, request, options.weighers ?? DEFAULT_WEIGHERS);
  const ranked = passing.map((host, index) => ({ host, weight: weights[index] ?? 0 }));
  ranked.sort((a, b) => b.weight - a.weight || a.host.name.localeCompare(b.host.name));
  return { ranked, reasons };
}

/** Place `request.numInstances` (default 1) instances; all or nothing. */
export function selectHosts(
  hosts: readonly HostState[],
  request: RequestSpec,
  options: SchedulerOptions = {},
): Placement {
  const count = request.numInstances ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 1_000) {
    throw new RangeError(`numInstances must be 1..1000, got ${count}`);
  }
  let current = [...hosts];
  const placed: string[] = [];
  for (let index = 0; index < count; index++) {
    const { ranked, reasons } = rankHosts(current, request, options);
    const best = ranked[0];
    if (best === undefined) return { ok: false, placed, reasons };
    placed.push(best.host.name);
    current = current.map((host) => (host.name === best.host.name ? consume(host, request) : host));
  }
  return { ok: true, hosts: placed };
}

function firstRejection(
  filters: readonly HostFilter[],
  host: HostState,
  request: RequestSpec,
): string | undefined {
  for (const filter of filters) {
    const reason = filter(host, request);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
