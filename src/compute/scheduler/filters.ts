// Host filters: pure predicates that say whether a host can take one instance of a request, and if
// not, why (the reason ends up in the NoValidHost fault). Nova's Compute, Core/Ram/Disk,
// AvailabilityZone and ComputeCapabilities filters, simplified.
import { freeResources, type HostState, type RequestSpec } from './host-state.js';

/** undefined: the host passes. A string: why it does not. */
export type HostFilter = (host: HostState, request: RequestSpec) => string | undefined;

export const enabledFilter: HostFilter = (host) => (host.enabled ? undefined : 'host is disabled');

export const ignoreHostsFilter: HostFilter = (host, request) =>
  request.ignoreHosts?.includes(host.name) === true ? 'host is on the ignore list' : undefined;

/** Nova's requested_destination (2.74 `host`/`hypervisor_hostname`): only that host is a candidate. */
export const requestedHostFilter: HostFilter = (host, request) =>
  request.requestedHost === undefined || request.requestedHost === host.name
    ? undefined
    : `the request asks for host ${request.requestedHost}`;

export const capacityFilter: HostFilter = (host, request) => {
  const free = freeResources(host);
  if (free.vcpus < request.vcpus) return `needs ${request.vcpus} vCPUs, ${free.vcpus} free`;
  if (free.memoryMiB < request.memoryMiB) return `needs ${request.memoryMiB} MiB RAM, ${free.memoryMiB} free`;
  if (free.diskGib < request.diskGib) return `needs ${request.diskGib} GiB disk, ${free.diskGib} free`;
  return undefined;
};

export const availabilityZoneFilter: HostFilter = (host, request) =>
  request.availabilityZone === undefined || request.availabilityZone === host.availabilityZone
    ? undefined
    : `host is in zone ${host.availabilityZone}, not ${request.availabilityZone}`;

export const extraSpecsFilter: HostFilter = (host, request) => {
  for (const [rawKey, wanted] of Object.entries(request.extraSpecs ?? {})) {
    const colon = rawKey.indexOf(':');
    const scope = colon < 0 ? undefined : rawKey.slice(0, colon);
    // Other scopes (hw:, quota:, resources:, trait:, aggregate_instance_extra_specs:…) belong to
    // other components or filters; Nova's ComputeCapabilitiesFilter skips them too.
    if (scope !== undefined && scope !== 'capabilities') continue;
    const key = scope === undefined ? rawKey : rawKey.slice(colon + 1);
    const actual = host.capabilities[key];
    if (actual === undefined || !matchesSpec(actual, wanted)) {
      return `capability ${key}=${actual ?? '(none)'} does not match ${wanted}`;
    }
  }
  return undefined;
};

/**
 * Nova's extra-spec operators (nova/scheduler/filters/extra_specs_ops.py), the common subset:
 * `= n` (≥ n, numeric), `== n`, `!= n`, `>= n`, `<= n`, `s== str`, `<in> sub`, `<or> a <or> b`; a
 * bare value is an exact string match.
 */
export function matchesSpec(actual: string, wanted: string): boolean {
  const words = wanted.trim().split(/\s+/);
  const op = words[0] ?? '';
  const operand = words.slice(1).join(' ');
  const number = Number(operand);
  const actualNumber = Number(actual);
  switch (op) {
    case '=':
      return actualNumber >= number;
    case '==':
      return actualNumber === number;
    case '!=':
      return actualNumber !== number;
    case '>=':
      return actualNumber >= number;
    case '<=':
      return actualNumber <= number;
    case 's==':
      return actual === operand;
    case '<in>':
      return actual.includes(operand);
    case '<or>':
      return wanted
        .split('<or>')
        .map((choice) => choice.trim())
        .filter((choice) => choice.length > 0)
        .includes(actual);
    default:
      return actual === wanted.trim();
  }
}

/** The default chain, in the order Nova runs the equivalent filters (cheap ones first). */
export const DEFAULT_FILTERS: readonly HostFilter[] = [
  enabledFilter,
  ignoreHostsFilter,
  requestedHostFilter,
  availabilityZoneFilter,
  capacityFilter,
  extraSpecsFilter,
];
