// A HostAgent wrapper that injects failures and latency drawn from a seeded PRNG, for fault tests of the
// control plane (saga unwind, retries, a host that answers late or not at all). Every injected error
// names the seed, which is also printed, so a failing run can be replayed exactly.
import { DriverError } from '../compute/driver/driver.js';
import { drawFault, seededRandom } from '../compute/driver/faulty/seeded-random.js';
import type {
  ConsoleInfo,
  GuestInfo,
  GuestPort,
  GuestSpec,
  GuestVolume,
  HostAgent,
  PowerAction,
  ResizeTarget,
  StopOptions,
} from './agent-contract.js';

export interface FaultyAgentOptions {
  seed: number;
  /** Probability in [0, 1] that a call fails. */
  errorRate: number;
  /** Each call first waits a uniform 0..maxLatencyMs. */
  maxLatencyMs?: number;
  /**
   * Probability that an injected failure comes after the inner call took effect (a lost reply). A spawn
   * never does: its contract leaves nothing on failure, so the wrapper destroys what the spawn made.
   */
  failAfterRate?: number;
  /** Whether read-only calls (guestStatus, listGuests, consoleInfo) may fail too. Default false. */
  faultReads?: boolean;
  /** Told about every injected fault; the default prints the seed to stderr. */
  onFault?: (fault: InjectedAgentFault) => void;
}

export interface InjectedAgentFault {
  seed: number;
  host: string;
  callNumber: number;
  operation: string;
  when: 'before' | 'after';
}

export class FaultyHostAgent implements HostAgent {
  readonly host: string;
  readonly seed: number;
  /** Every fault injected so far, in order. */
  readonly faults: InjectedAgentFault[] = [];
  private readonly inner: HostAgent;
  private readonly options: FaultyAgentOptions;
  private readonly random: () => number;
  private calls = 0;

  constructor(inner: HostAgent, options: FaultyAgentOptions) {
    this.inner = inner;
    this.host = inner.host;
    this.options = options;
    this.seed = options.seed;
    this.random = seededRandom(options.seed);
    process.stderr.write(`[faulty-agent] host=${inner.host} seed=${options.seed}\n`);
  }

  spawnGuest(spec: GuestSpec): Promise<GuestInfo> {
    return this.call(
      'spawnGuest',
      () => this.inner.spawnGuest(spec),
      () => this.inner.destroyGuest(spec.id),
    );
  }
  destroyGuest(id: string): Promise<void> {
    return this.call('destroyGuest', () => this.inner.destroyGuest(id));
  }
  powerGuest(id: string, action: PowerAction, options?: StopOptions): Promise<void> {
    return this.call('powerGuest', () => this.inner.powerGuest(id, action, options));
  }
  rebootGuest(id: string, kind: 'soft' | 'hard', timeoutMs?: number): Promise<void> {
    return this.call('rebootGuest', () => this.inner.rebootGuest(id, kind, timeoutMs));
  }
  resizeGuest(id: string, target: ResizeTarget): Promise<void> {
    return this.call('resizeGuest', () => this.inner.resizeGuest(id, target));
  }
  confirmResize(id: string): Promise<void> {
    return this.call('confirmResize', () => this.inner.confirmResize(id));
  }
  revertResize(id: string): Promise<void> {
    return this.call('revertResize', () => this.inner.revertResize(id));
  }
  snapshotGuest(id: string, imageId: string): Promise<void> {
    return this.call('snapshotGuest', () => this.inner.snapshotGuest(id, imageId));
  }
  attachVolume(id: string, volume: GuestVolume): Promise<void> {
    return this.call('attachVolume', () => this.inner.attachVolume(id, volume));
  }
  detachVolume(id: string, volumeId: string, timeoutMs?: number): Promise<void> {
    return this.call('detachVolume', () => this.inner.detachVolume(id, volumeId, timeoutMs));
  }
  plugPort(id: string, port: GuestPort): Promise<void> {
    return this.call('plugPort', () => this.inner.plugPort(id, port));
  }
  unplugPort(id: string, portId: string): Promise<void> {
    return this.call('unplugPort', () => this.inner.unplugPort(id, portId));
  }
  consoleInfo(id: string, lengthLines?: number): Promise<ConsoleInfo> {
    return this.read('consoleInfo', () => this.inner.consoleInfo(id, lengthLines));
  }
  guestStatus(id: string): Promise<GuestInfo> {
    return this.read('guestStatus', () => this.inner.guestStatus(id));
  }
  listGuests(): Promise<GuestInfo[]> {
    return this.read('listGuests', () => this.inner.listGuests());
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  private read<T>(operation: string, action: () => Promise<T>): Promise<T> {
    return this.options.faultReads === true ? this.call(operation, action) : action();
  }

  private async call<T>(operation: string, action: () => Promise<T>, undo?: () => Promise<void>): Promise<T> {
    const callNumber = ++this.calls;
    const { fails, when } = await drawFault(this.random, this.options);
    if (!fails) return action();
    const fault: InjectedAgentFault = { seed: this.seed, host: this.host, callNumber, operation, when };
    if (when === 'after') {
      await action();
      if (undo !== undefined) await undo();
    }
    this.faults.push(fault);
    (this.options.onFault ?? printFault)(fault);
    throw new DriverError(
      'Injected',
      `injected ${when}-fault in ${operation} on ${this.host} (seed ${this.seed}, call ${callNumber})`,
    );
  }
}

function printFault(fault: InjectedAgentFault): void {
  process.stderr.write(
    `[faulty-agent] seed=${fault.seed} host=${fault.host} call=${fault.callNumber} ${fault.operation} failed (${fault.when})\n`,
  );
}
