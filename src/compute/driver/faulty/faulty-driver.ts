// A ComputeDriver wrapper that injects failures and latency drawn from a seeded PRNG, for fault tests
// of the compute service (saga unwind, retries, reconcile). Every injected error names the seed, so a
// failing run can be replayed exactly.
import {
  DriverError,
  type ComputeDriver,
  type ConsoleKind,
  type DriverEvent,
  type InstanceInfo,
  type InstanceSpec,
  type ResizeTarget,
  type StopOptions,
  type VolumeAttachment,
} from '../driver.js';
import { drawFault, seededRandom } from './seeded-random.js';

export interface FaultyDriverOptions {
  seed: number;
  /** Probability in [0, 1] that a call fails. */
  errorRate: number;
  /** Each call first waits a uniform 0..maxLatencyMs. */
  maxLatencyMs?: number;
  /**
   * Probability that an injected failure happens after the inner call succeeded (the operation took
   * effect but the caller sees an error), as with a lost reply. Spawn never does this: its contract
   * says a failed spawn leaves nothing, so the wrapper destroys what the inner spawn made.
   */
  failAfterRate?: number;
  /** Whether read-only calls (status, list, consoleOutput) may fail too. Default false. */
  faultReads?: boolean;
  /** Told about every injected fault; the default prints the seed to stderr. */
  onFault?: (fault: InjectedFault) => void;
}

export interface InjectedFault {
  seed: number;
  callNumber: number;
  method: string;
  when: 'before' | 'after';
}

/** The driver calls a scripted fault can target (every mutating method of the contract). */
export type FaultyMethod = Exclude<keyof ComputeDriver, 'onEvent' | 'close'>;

interface ScriptedFault {
  error: Error;
  remaining: number;
}

export class FaultyDriver implements ComputeDriver {
  private currentSeed: number;
  private readonly inner: ComputeDriver;
  private readonly options: FaultyDriverOptions;
  private random: () => number;
  private calls = 0;
  private readonly scripted = new Map<string, ScriptedFault>();
  /** Every fault injected so far, in order (for assertions and replay). */
  readonly faults: InjectedFault[] = [];

  constructor(inner: ComputeDriver, options: FaultyDriverOptions) {
    this.inner = inner;
    // A copy: reseed() changes the error rate without touching the caller's object.
    this.options = { ...options };
    this.currentSeed = options.seed;
    this.random = seededRandom(options.seed);
  }

  /** The seed of the current run (every injected error names it). */
  get seed(): number {
    return this.currentSeed;
  }

  /**
   * Starts a new replayable run on the same driver: a new seed (and error rate, if given), the call
   * counter and the fault log back to zero, so one app can run many seeds in turn.
   */
  reseed(seed: number, errorRate = this.options.errorRate): void {
    this.currentSeed = seed;
    this.options.errorRate = errorRate;
    this.random = seededRandom(seed);
    this.calls = 0;
    this.faults.length = 0;
  }

  /**
   * Makes the next `times` calls of `method` throw `error` before reaching the inner driver (a
   * scripted fault, for a test that needs one failure at a known point rather than a seeded one).
   */
  failNext(method: FaultyMethod, error: Error, times = Number.POSITIVE_INFINITY): void {
    this.scripted.set(method, { error, remaining: times });
  }

  /** Drops every scripted fault. */
  clearScripted(): void {
    this.scripted.clear();
  }

  spawn(spec: InstanceSpec): Promise<InstanceInfo> {
    return this.call(
      'spawn',
      () => this.inner.spawn(spec),
      () => this.inner.destroy(spec.id),
    );
  }
  stop(id: string, options: StopOptions): Promise<void> {
    return this.call('stop', () => this.inner.stop(id, options));
  }
  start(id: string): Promise<void> {
    return this.call('start', () => this.inner.start(id));
  }
  reboot(id: string, kind: 'soft' | 'hard', timeoutMs?: number): Promise<void> {
    return this.call('reboot', () => this.inner.reboot(id, kind, timeoutMs));
  }
  pause(id: string): Promise<void> {
    return this.call('pause', () => this.inner.pause(id));
  }
  unpause(id: string): Promise<void> {
    return this.call('unpause', () => this.inner.unpause(id));
  }
  suspend(id: string): Promise<void> {
    return this.call('suspend', () => this.inner.suspend(id));
  }
  resume(id: string): Promise<void> {
    return this.call('resume', () => this.inner.resume(id));
  }
  destroy(id: string): Promise<void> {
    return this.call('destroy', () => this.inner.destroy(id));
  }
  consoleOutput(id: string, lengthLines?: number): Promise<string> {
    return this.read('consoleOutput', () => this.inner.consoleOutput(id, lengthLines));
  }
  consoleSocket(id: string, kind: ConsoleKind): Promise<string | undefined> {
    return this.read('consoleSocket', async () => this.inner.consoleSocket?.(id, kind));
  }
  status(id: string): Promise<InstanceInfo> {
    return this.read('status', () => this.inner.status(id));
  }
  list(): Promise<InstanceInfo[]> {
    return this.read('list', () => this.inner.list());
  }
  attach(id: string): Promise<InstanceInfo> {
    return this.call('attach', () => this.inner.attach(id));
  }
  attachVolume(id: string, volume: VolumeAttachment): Promise<void> {
    return this.call('attachVolume', () => this.inner.attachVolume(id, volume));
  }
  detachVolume(id: string, volumeId: string, timeoutMs?: number): Promise<void> {
    return this.call('detachVolume', () => this.inner.detachVolume(id, volumeId, timeoutMs));
  }
  resizeVolume(id: string, volumeId: string, newSizeBytes: number): Promise<void> {
    return this.call('resizeVolume', () => this.inner.resizeVolume(id, volumeId, newSizeBytes));
  }
  resize(id: string, target: ResizeTarget): Promise<void> {
    return this.call('resize', () => this.inner.resize(id, target));
  }
  confirmResize(id: string): Promise<void> {
    return this.call('confirmResize', () => this.inner.confirmResize(id));
  }
  revertResize(id: string): Promise<void> {
    return this.call('revertResize', () => this.inner.revertResize(id));
  }
  snapshot(id: string, destPath: string): Promise<void> {
    return this.call('snapshot', () => this.inner.snapshot(id, destPath));
  }
  onEvent(listener: (event: DriverEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  private read<T>(method: string, action: () => Promise<T>): Promise<T> {
    return this.options.faultReads === true ? this.call(method, action) : action();
  }

  private async call<T>(method: string, action: () => Promise<T>, undo?: () => Promise<void>): Promise<T> {
    const script = this.scripted.get(method);
    if (script !== undefined && script.remaining > 0) {
      script.remaining -= 1;
      throw script.error;
    }
    const callNumber = ++this.calls;
    const { fails, when } = await drawFault(this.random, this.options);
    if (!fails) return action();
    const fault: InjectedFault = { seed: this.seed, callNumber, method, when };
    if (when === 'after') {
      await action();
      if (undo !== undefined) await undo();
    }
    this.faults.push(fault);
    (this.options.onFault ?? printFault)(fault);
    throw new DriverError(
      'Injected',
      `injected ${fault.when}-fault in ${method} (seed ${this.seed}, call ${callNumber})`,
    );
  }
}

function printFault(fault: InjectedFault): void {
  process.stderr.write(
    `[faulty-driver] seed=${fault.seed} call=${fault.callNumber} ${fault.method} failed (${fault.when})\n`,
  );
}
