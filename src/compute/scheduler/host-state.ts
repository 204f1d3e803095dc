// What the scheduler knows about a compute host and what a request asks for. Plain data: the compute
// service builds it from the DB (hosts, allocations, aggregates); the scheduler only reads it.

export interface HostState {
  /** The host's name (Nova's `host`/`hypervisor_hostname`). */
  name: string;
  availabilityZone: string;
  /** Disabled hosts (nova-compute service disabled, or down) receive nothing. */
  enabled: boolean;
  vcpusTotal: number;
  vcpusUsed: number;
  memoryMiBTotal: number;
  memoryMiBUsed: number;
  /** Kept back for the host itself (Nova's reserved_host_memory_mb). */
  memoryMiBReserved: number;
  diskGibTotal: number;
  diskGibUsed: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  /** Key/value facts matched by flavor extra specs (`capabilities:` scope or unscoped keys). */
  capabilities: Readonly<Record<string, string>>;
}

export interface RequestSpec {
  vcpus: number;
  memoryMiB: number;
  /** Root plus ephemeral disk, in GiB; 0 for boot-from-volume. */
  diskGib: number;
  /** Requested zone; undefined means any. */
  availabilityZone?: string;
  /** Flavor extra specs. Only unscoped keys and the `capabilities:` scope are matched here. */
  extraSpecs?: Readonly<Record<string, string>>;
  /** The one host the request may land on (Nova's requested_destination, 2.74). */
  requestedHost?: string;
  /** Hosts to avoid (e.g. the ones a retried build already failed on). */
  ignoreHosts?: readonly string[];
  /** How many instances to place (one per call to the filters, resources consumed in between). */
  numInstances?: number;
}

/** The resources still free on a host, after allocation ratios and reservations. */
export function freeResources(host: HostState): { vcpus: number; memoryMiB: number; diskGib: number } {
  return {
    vcpus: host.vcpusTotal * host.cpuAllocationRatio - host.vcpusUsed,
    memoryMiB: host.memoryMiBTotal * host.ramAllocationRatio - host.memoryMiBReserved - host.memoryMiBUsed,
    diskGib: host.diskGibTotal * host.diskAllocationRatio - host.diskGibUsed,
  };
}

/** The host after placing one instance of `request` on it (Nova's consume_from_request). */
export function consume(host: HostState, request: RequestSpec): HostState {
  return {
    ...host,
    vcpusUsed: host.vcpusUsed + request.vcpus,
    memoryMiBUsed: host.memoryMiBUsed + request.memoryMiB,
    diskGibUsed: host.diskGibUsed + request.diskGib,
  };
}
