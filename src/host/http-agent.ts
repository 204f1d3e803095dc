// The control plane's client of a remote agent: the HostAgent contract over `POST /agent/v1/<operation>`.
// A DriverError raised on the host comes back as the same DriverError; an unreachable agent is a
// HypervisorError (the caller's saga undoes or retries, as with any host failure).
import { DriverError } from '../compute/driver/driver.js';
import type {
  AgentOperation,
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
import { authorizationOf } from './agent-credentials.js';
import { CONTROL_PLANE_PRINCIPAL } from './agent-server.js';
import { driverErrorOf } from './agent-wire.js';

export interface HttpHostAgentOptions {
  host: string;
  /** The agent's base URL, as its heartbeat reported it. */
  url: string;
  /** The secret the agent gave the control plane in its heartbeat. */
  controlSecret: string;
  /** How long one call may take (a spawn fetches its image first). Default 10 minutes. */
  timeoutMs?: number;
}

export class HttpHostAgent implements HostAgent {
  readonly host: string;
  private readonly options: HttpHostAgentOptions;

  constructor(options: HttpHostAgentOptions) {
    this.host = options.host;
    this.options = options;
  }

  spawnGuest(spec: GuestSpec): Promise<GuestInfo> {
    return this.call('spawnGuest', [spec]);
  }
  destroyGuest(id: string): Promise<void> {
    return this.call('destroyGuest', [id]);
  }
  powerGuest(id: string, action: PowerAction, options?: StopOptions): Promise<void> {
    return this.call('powerGuest', options === undefined ? [id, action] : [id, action, options]);
  }
  rebootGuest(id: string, kind: 'soft' | 'hard', timeoutMs?: number): Promise<void> {
    return this.call('rebootGuest', timeoutMs === undefined ? [id, kind] : [id, kind, timeoutMs]);
  }
  resizeGuest(id: string, target: ResizeTarget): Promise<void> {
    return this.call('resizeGuest', [id, target]);
  }
  confirmResize(id: string): Promise<void> {
    return this.call('confirmResize', [id]);
  }
  revertResize(id: string): Promise<void> {
    return this.call('revertResize', [id]);
  }
  snapshotGuest(id: string, imageId: string): Promise<void> {
    return this.call('snapshotGuest', [id, imageId]);
  }
  attachVolume(id: string, volume: GuestVolume): Promise<void> {
    return this.call('attachVolume', [id, volume]);
  }
  detachVolume(id: string, volumeId: string, timeoutMs?: number): Promise<void> {
    return this.call('detachVolume', timeoutMs === undefined ? [id, volumeId] : [id, volumeId, timeoutMs]);
  }
  plugPort(id: string, port: GuestPort): Promise<void> {
    return this.call('plugPort', [id, port]);
  }
  unplugPort(id: string, portId: string): Promise<void> {
    return this.call('unplugPort', [id, portId]);
  }
  consoleInfo(id: string, lengthLines?: number): Promise<ConsoleInfo> {
    return this.call('consoleInfo', lengthLines === undefined ? [id] : [id, lengthLines]);
  }
  guestStatus(id: string): Promise<GuestInfo> {
    return this.call('guestStatus', [id]);
  }
  listGuests(): Promise<GuestInfo[]> {
    return this.call('listGuests', []);
  }
  async close(): Promise<void> {}

  private async call<T>(operation: AgentOperation, args: unknown[]): Promise<T> {
    const url = new URL(
      `agent/v1/${operation}`,
      this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`,
    );
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: authorizationOf(CONTROL_PLANE_PRINCIPAL, this.options.controlSecret),
        },
        body: JSON.stringify({ args }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 600_000),
      });
    } catch (cause) {
      throw new DriverError('HypervisorError', `agent ${this.host} is unreachable`, { cause });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) throw driverErrorOf(res.status, body, this.host);
    return ((body as { result?: unknown } | undefined)?.result ?? undefined) as T;
  }
}
