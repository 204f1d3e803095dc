// This process as a compute host: what it reports at start (vCPUs, RAM, disk of the data directory,
// allocation ratios, hypervisor facts) and the heartbeat that keeps its nova-compute service "up".
// Every host registers itself the same way, so nothing here assumes there is only one.
import { statfs } from 'node:fs/promises';
import { arch, availableParallelism, cpus, networkInterfaces, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import { newUuid } from '../common/ids.js';
import type { ComputeTables } from './compute-tables.js';
import { createHostStore, type HostReport } from './host-store.js';

/** Nova's current defaults (initial_cpu_allocation_ratio 4.0, initial_ram 1.0, initial_disk 1.0). */
export const DEFAULT_ALLOCATION_RATIOS = { cpu: 4.0, ram: 1.0, disk: 1.0 } as const;
/** Nova's reserved_host_memory_mb. */
export const DEFAULT_RESERVED_MEMORY_MIB = 512;

export interface HostRegistrationOptions {
  hostName: string;
  availabilityZone: string;
  /** The directory whose file system holds instance disks (its size is the host's disk). */
  dataDir: string;
  cpuAllocationRatio?: number;
  ramAllocationRatio?: number;
  diskAllocationRatio?: number;
  reservedMemoryMiB?: number;
  /** Overrides of the measured figures (tests, or an operator keeping capacity back). */
  vcpus?: number;
  memoryMiB?: number;
  diskGib?: number;
  hostIp?: string;
  hypervisorType?: string;
  /** Nova's integer form: QEMU 8.2.2 → 8002002. */
  hypervisorVersion?: number;
}

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ppc64: 'ppc64le', s390x: 's390x' };

function firstAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

/** Size of the file system holding `dir` (or its nearest existing parent), in GiB. */
async function diskGibOf(dir: string): Promise<number> {
  let path = resolve(dir);
  for (let depth = 0; depth < 64; depth++) {
    try {
      const fs = await statfs(path);
      return Math.floor((Number(fs.blocks) * Number(fs.bsize)) / 1024 ** 3);
    } catch (err) {
      const parent = dirname(path);
      if (parent === path) throw err;
      path = parent;
    }
  }
  return 0;
}

function cpuInfo(vcpus: number): Record<string, unknown> {
  const model = cpus()[0]?.model ?? '';
  const vendor = /intel/i.test(model) ? 'Intel' : /amd/i.test(model) ? 'AMD' : '';
  return {
    arch: ARCH[arch()] ?? arch(),
    model,
    vendor,
    topology: { cores: vcpus, threads: 1, sockets: 1 },
    features: [],
  };
}

/** What this host reports: measured figures unless the options override them. */
export async function describeThisHost(options: HostRegistrationOptions, clock: Clock): Promise<HostReport> {
  const vcpus = options.vcpus ?? availableParallelism();
  return {
    name: options.hostName,
    availabilityZone: options.availabilityZone,
    hostIp: options.hostIp ?? firstAddress(),
    vcpus,
    memoryMiB: options.memoryMiB ?? Math.floor(totalmem() / 1024 ** 2),
    memoryReservedMiB: options.reservedMemoryMiB ?? DEFAULT_RESERVED_MEMORY_MIB,
    diskGib: options.diskGib ?? (await diskGibOf(options.dataDir)),
    cpuAllocationRatio: options.cpuAllocationRatio ?? DEFAULT_ALLOCATION_RATIOS.cpu,
    ramAllocationRatio: options.ramAllocationRatio ?? DEFAULT_ALLOCATION_RATIOS.ram,
    diskAllocationRatio: options.diskAllocationRatio ?? DEFAULT_ALLOCATION_RATIOS.disk,
    hypervisorType: options.hypervisorType ?? 'QEMU',
    hypervisorVersion: options.hypervisorVersion ?? 0,
    cpuInfo: cpuInfo(vcpus),
    heartbeatAt: clock.now().toISOString(),
  };
}

export interface HostRegistrationDeps {
  db: Kysely<ComputeTables>;
  clock: Clock;
  log: { error(obj: Record<string, unknown>, msg?: string): void };
}

export function createHostRegistration(deps: HostRegistrationDeps) {
  let timer: NodeJS.Timeout | undefined;
  const store = createHostStore(deps.db);

  async function register(options: HostRegistrationOptions): Promise<void> {
    await recordReport(await describeThisHost(options, deps.clock));
  }

  /** Inserts or refreshes a host's row from its report (this host's, or a remote agent's heartbeat). */
  async function recordReport(report: HostReport): Promise<void> {
    const at = deps.clock.now().toISOString();
    // Under the claims lock, so that hosts registering at once get distinct integer ids.
    await deps.db.transaction().execute(async (trx) => {
      const hosts = createHostStore(trx);
      await hosts.lockClaims();
      await hosts.upsert(report, { id: newUuid(), serviceId: newUuid() }, at);
    });
  }

  return {
    /** Inserts or refreshes this host's row (ids and the disabled flag survive restarts). */
    register,
    recordReport,
    /**
     * Registers the host, then refreshes its heartbeat every intervalMs (Nova's report_interval, 10 s);
     * a host whose heartbeat is older than the service-down time gets no new servers. Call stop() on
     * shutdown.
     */
    async start(options: HostRegistrationOptions, intervalMs = 10_000): Promise<void> {
      await register(options);
      if (timer) clearInterval(timer);
      timer = setInterval(() => {
        void store
          .heartbeat(options.hostName, deps.clock.now().toISOString())
          .then((known) => (known ? undefined : register(options)))
          .catch((err: unknown) => deps.log.error({ event: 'compute.host.heartbeat_failed', err }));
      }, intervalMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type HostRegistration = ReturnType<typeof createHostRegistration>;
