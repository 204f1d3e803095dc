// Supervision of one running QEMU: holds its QMP session, turns QMP events and process exit into
// driver events, and lets callers wait for the exit. One monitor per running guest per driver.
import type { LifecycleTransition } from '../driver.js';
import { isAlive, waitUntilDead } from './host-process.js';
import { QmpClient, type QmpEvent } from './qmp.js';

export interface GuestMonitorOptions {
  instanceId: string;
  pid: number;
  qmpSocket: string;
  /** How often the pid is polled, besides watching the QMP socket close. */
  pollIntervalMs: number;
  commandTimeoutMs: number;
  /** Called for every transition seen; `stopped`/`died` exactly once, last. */
  onTransition: (transition: LifecycleTransition, detail?: string) => void;
  /** Whether a STOP event means suspended rather than paused. */
  isSuspended: () => boolean;
}

export class GuestMonitor {
  readonly pid: number;
  private qmp: QmpClient | undefined;
  private readonly options: GuestMonitorOptions;
  private readonly poller: NodeJS.Timeout;
  private exited = false;
  private readonly exitWaiters = new Set<() => void>();
  /** Set when the guest powered off (SHUTDOWN event) or we asked QEMU to end. */
  expectingExit = false;

  private constructor(options: GuestMonitorOptions, qmp: QmpClient) {
    this.options = options;
    this.pid = options.pid;
    this.poller = setInterval(() => void this.checkAlive(), options.pollIntervalMs);
    this.poller.unref();
    this.adopt(qmp);
  }

  /** Connect to the guest's QMP socket; rejects if it cannot (the caller decides what that means). */
  static async start(options: GuestMonitorOptions, connectTimeoutMs = 5_000): Promise<GuestMonitor> {
    const qmp = await QmpClient.connect({
      socketPath: options.qmpSocket,
      timeoutMs: connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
    });
    return new GuestMonitor(options, qmp);
  }

  get hasExited(): boolean {
    return this.exited;
  }

  /** The QMP session, reconnecting once if QEMU lives but the session dropped. */
  async client(): Promise<QmpClient> {
    if (this.qmp !== undefined && !this.qmp.isClosed) return this.qmp;
    const qmp = await QmpClient.connect({
      socketPath: this.options.qmpSocket,
      commandTimeoutMs: this.options.commandTimeoutMs,
    });
    this.adopt(qmp);
    return qmp;
  }

  /** Resolve true once QEMU has exited, false if it still runs after timeoutMs. */
  waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.exitWaiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.exitWaiters.delete(done);
        resolve(this.exited);
      }, timeoutMs);
      timer.unref();
      this.exitWaiters.add(done);
    });
  }

  /** Stop watching without touching the guest (driver close, control-plane shutdown). */
  release(): void {
    clearInterval(this.poller);
    this.qmp?.close();
    this.qmp = undefined;
  }

  private adopt(qmp: QmpClient): void {
    this.qmp = qmp;
    qmp.onEvent((event) => this.onQmpEvent(event));
    qmp.onClose(() => {
      // QEMU closes the socket as it exits; confirm with the pid rather than trust the socket alone.
      if (this.qmp === qmp) void waitUntilDead(this.pid, 5_000).then(() => this.checkAlive());
    });
  }

  private onQmpEvent(event: QmpEvent): void {
    if (event.event === 'SHUTDOWN') {
      this.expectingExit = true;
    } else if (event.event === 'STOP') {
      this.options.onTransition(this.options.isSuspended() ? 'suspended' : 'paused');
    } else if (event.event === 'RESUME') {
      this.options.onTransition('resumed');
    }
  }

  private async checkAlive(): Promise<void> {
    if (this.exited || (await isAlive(this.pid))) return;
    if (this.exited) return;
    this.exited = true;
    this.release();
    this.options.onTransition(this.expectingExit ? 'stopped' : 'died', `pid ${this.pid} exited`);
    for (const waiter of [...this.exitWaiters]) waiter();
  }
}
