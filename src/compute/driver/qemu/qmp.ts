// QEMU Machine Protocol client: the typed command union the driver may send, and a JSON-lines client
// over a unix socket (greeting, qmp_capabilities, one timeout per command, asynchronous events).
import net from 'node:net';
import type { RbdBlockdevOptions } from '../../../storage/rbd/rbd-names.js';

export interface BlockdevAddFile {
  driver: 'file';
  'node-name': string;
  filename: string;
  'read-only'?: boolean;
}

export interface BlockdevAddFormat {
  driver: 'qcow2' | 'raw';
  'node-name': string;
  file: string;
  'read-only'?: boolean;
}

/** An RBD image through librbd (storage/rbd/rbd-names.ts builds it; the key stays in the keyring file). */
export type BlockdevAddRbd = RbdBlockdevOptions;

/** Every command the driver sends. Anything else is a type error. */
export type QmpCommand =
  | { execute: 'qmp_capabilities' }
  | { execute: 'query-status' }
  | { execute: 'query-kvm' }
  | { execute: 'stop' }
  | { execute: 'cont' }
  | { execute: 'system_powerdown' }
  | { execute: 'system_reset' }
  | { execute: 'quit' }
  | { execute: 'blockdev-add'; arguments: BlockdevAddFile | BlockdevAddRbd | BlockdevAddFormat }
  | { execute: 'blockdev-del'; arguments: { 'node-name': string } }
  | {
      execute: 'device_add';
      arguments: { driver: 'virtio-blk-pci'; id: string; drive: string; serial?: string };
    }
  | { execute: 'device_del'; arguments: { id: string } }
  | { execute: 'block_resize'; arguments: { 'node-name': string; size: number } };

/** QEMU RunState values the driver cares about (qapi/run-state.json has more). */
export interface QueryStatusReturn {
  running: boolean;
  status: 'running' | 'paused' | 'shutdown' | 'guest-panicked' | 'prelaunch' | 'inmigrate' | string;
}

interface QmpReturnMap {
  'query-status': QueryStatusReturn;
  'query-kvm': { enabled: boolean; present: boolean };
}

export type QmpReturn<E extends QmpCommand['execute']> = E extends keyof QmpReturnMap
  ? QmpReturnMap[E]
  : Record<string, never>;

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

/** A QMP `error` reply, or a transport failure (closed, timeout). */
export class QmpError extends Error {
  /** QMP error class (`GenericError`, `DeviceNotFound`…), or `Closed` / `Timeout` for transport. */
  readonly errorClass: string;
  constructor(errorClass: string, message: string) {
    super(message);
    this.name = 'QmpError';
    this.errorClass = errorClass;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface QmpConnectOptions {
  socketPath: string;
  /** Bound on connect + greeting + capabilities negotiation. */
  timeoutMs?: number;
  /** Default per-command timeout. */
  commandTimeoutMs?: number;
}

/** The maximum bytes of one unterminated line we buffer; QMP replies here are small. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * One QMP session. Create with `QmpClient.connect`. Every timer is unref'd, so a pending command never
 * keeps the Node process alive.
 */
export class QmpClient {
  private readonly socket: net.Socket;
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(event: QmpEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private buffer = '';
  private nextId = 1;
  private closed = false;
  private greetingWaiter: ((greeting: unknown) => void) | undefined;
  private readonly commandTimeoutMs: number;

  private constructor(socket: net.Socket, commandTimeoutMs: number) {
    this.socket = socket;
    this.commandTimeoutMs = commandTimeoutMs;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => this.handleClose());
    socket.on('error', () => {
      // 'close' follows every 'error'; pending commands are rejected there.
    });
  }

  /** Connect, read the greeting and leave negotiation mode. Rejects (and closes) on any failure. */
  static async connect(options: QmpConnectOptions): Promise<QmpClient> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const socket = net.createConnection({ path: options.socketPath });
    const client = new QmpClient(socket, options.commandTimeoutMs ?? 10_000);
    try {
      await withTimeout(client.handshake(socket), timeoutMs, 'QMP handshake');
      return client;
    } catch (err) {
      client.close();
      throw err;
    }
  }

  private async handshake(socket: net.Socket): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new QmpError('Closed', `QMP connect failed: ${err.message}`));
      socket.once('error', onError);
      this.greetingWaiter = () => {
        socket.off('error', onError);
        resolve();
      };
      this.closeListeners.add(() => reject(new QmpError('Closed', 'QMP closed before the greeting')));
    });
    await this.execute({ execute: 'qmp_capabilities' });
  }

  /** Send one command and resolve with its typed `return` value. */
  execute<C extends QmpCommand>(command: C, timeoutMs?: number): Promise<QmpReturn<C['execute']>> {
    if (this.closed) return Promise.reject(new QmpError('Closed', 'QMP connection is closed'));
    const id = `nuage-${this.nextId++}`;
    const limitMs = timeoutMs ?? this.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new QmpError('Timeout', `QMP ${command.execute} timed out after ${limitMs} ms`));
      }, limitMs);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ ...command, id })}\n`);
    });
  }

  /** Resolve with the first event named `name` that `match` accepts, or reject after timeoutMs. */
  waitForEvent(
    name: string,
    timeoutMs: number,
    match: (e: QmpEvent) => boolean = () => true,
  ): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        offEvent();
        this.closeListeners.delete(onClose);
      };
      const offEvent = this.onEvent((event) => {
        if (event.event !== name || !match(event)) return;
        cleanup();
        resolve(event);
      });
      const onClose = () => {
        cleanup();
        reject(new QmpError('Closed', `QMP closed while waiting for ${name}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new QmpError('Timeout', `no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      if (this.closed) onClose();
      else this.closeListeners.add(onClose);
    });
  }

  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called once when the connection ends (QEMU exited, or close()). */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.add(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
    this.handleClose();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE_BYTES) {
      this.close();
      return;
    }
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > 0) this.onMessage(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private onMessage(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // Not QMP; QEMU never sends this, and a stray line must not kill the session.
    }
    if ('QMP' in message) {
      this.greetingWaiter?.(message.QMP);
      this.greetingWaiter = undefined;
    } else if (typeof message.event === 'string') {
      for (const listener of [...this.eventListeners]) listener(message as unknown as QmpEvent);
    } else if (typeof message.id === 'string') {
      this.settle(message.id, message);
    }
  }

  private settle(id: string, message: Record<string, unknown>): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return; // Timed out earlier.
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const error = message.error as { class?: string; desc?: string } | undefined;
    if (error !== undefined)
      pending.reject(new QmpError(error.class ?? 'GenericError', error.desc ?? 'QMP error'));
    else pending.resolve(message.return ?? {});
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new QmpError('Closed', `QMP connection closed (command ${id})`));
    }
    this.pending.clear();
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new QmpError('Timeout', `${what} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
