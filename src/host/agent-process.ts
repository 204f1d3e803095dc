// `nuage agent`: one hypervisor host. It serves the HostAgent contract to the control plane, registers
// itself by heartbeating (capacity and guests) every intervalMs, and forwards guest events. It never holds
// database credentials: only its own credential file (docs/multi-host.md).
import type { FastifyInstance } from 'fastify';
import { DEFAULT_ALLOCATION_RATIOS, describeThisHost } from '../compute/host-registration.js';
import type { DriverEvent } from '../compute/driver/driver.js';
import { systemClock } from '../common/clock.js';
import type { HostAgent } from './agent-contract.js';
import { authorizationOf, newAgentSecret, type AgentCredentialFile } from './agent-credentials.js';
import { buildAgentServer } from './agent-server.js';

export interface AgentProcessOptions {
  controlPlaneUrl: string;
  credential: AgentCredentialFile;
  agent: HostAgent;
  /** host:port to listen on; port 0 picks one. */
  listen: string;
  /** The URL the control plane reaches this agent at; default http://<listen address>. */
  advertiseUrl?: string;
  dataDir: string;
  availabilityZone?: string;
  heartbeatIntervalMs?: number;
  /** Capacity overrides (tests, or an operator keeping capacity back). */
  vcpus?: number;
  memoryMiB?: number;
  diskGib?: number;
  hostIp?: string;
  /** Guest events to forward (the driver's onEvent). */
  onGuestEvent?: (listener: (event: DriverEvent) => void) => () => void;
  log: {
    info(obj: Record<string, unknown>, msg?: string): void;
    error(obj: Record<string, unknown>, msg?: string): void;
  };
}

export interface RunningAgent {
  url: string;
  /** Sends one heartbeat now (the timer sends the others); rejects when the control plane refuses it. */
  heartbeat(): Promise<void>;
  /** Stops heartbeating and serving; guests keep running. */
  stop(): Promise<void>;
}

function splitListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  if (at < 0) throw new Error(`--listen must be HOST:PORT, not ${listen}`);
  return { host: listen.slice(0, at), port: Number(listen.slice(at + 1)) };
}

async function postToControlPlane(options: AgentProcessOptions, path: string, body: unknown): Promise<void> {
  const { host, secret } = options.credential;
  const res = await fetch(new URL(`internal/v1/agents/${host}/${path}`, withSlash(options.controlPlaneUrl)), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: authorizationOf(host, secret) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control plane refused ${path}: ${res.status} ${text.slice(0, 200)}`);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

async function listen(server: FastifyInstance, address: string): Promise<string> {
  const { host, port } = splitListen(address);
  await server.listen({ host, port });
  const bound = server.server.address();
  const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
}

export async function startAgentProcess(options: AgentProcessOptions): Promise<RunningAgent> {
  const controlSecret = newAgentSecret();
  const server = buildAgentServer({ agent: options.agent, controlSecret, log: options.log });
  const url = options.advertiseUrl ?? (await listen(server, options.listen));
  if (options.advertiseUrl !== undefined) await listen(server, options.listen);

  async function heartbeat(): Promise<void> {
    const report = await describeThisHost(
      {
        hostName: options.credential.host,
        availabilityZone: options.availabilityZone ?? 'nova',
        dataDir: options.dataDir,
        ...(options.vcpus !== undefined && { vcpus: options.vcpus }),
        ...(options.memoryMiB !== undefined && { memoryMiB: options.memoryMiB }),
        ...(options.diskGib !== undefined && { diskGib: options.diskGib }),
        ...(options.hostIp !== undefined && { hostIp: options.hostIp }),
        cpuAllocationRatio: DEFAULT_ALLOCATION_RATIOS.cpu,
      },
      systemClock,
    );
    const guests = (await options.agent.listGuests()).map((g) => ({
      id: g.id,
      powerState: g.powerState,
      ...(g.pid !== undefined && { pid: g.pid }),
    }));
    await postToControlPlane(options, 'heartbeat', {
      agentUrl: url,
      controlSecret,
      hostIp: report.hostIp,
      ...(options.availabilityZone !== undefined && { availabilityZone: options.availabilityZone }),
      vcpus: report.vcpus,
      memoryMiB: report.memoryMiB,
      diskGib: report.diskGib,
      hypervisorType: report.hypervisorType,
      hypervisorVersion: report.hypervisorVersion,
      cpuInfo: report.cpuInfo,
      guests,
    });
  }

  await heartbeat();
  const timer = setInterval(() => {
    heartbeat().catch((err: unknown) => options.log.error({ event: 'agent.heartbeat.failed', err }));
  }, options.heartbeatIntervalMs ?? 10_000);
  timer.unref();
  const unwatch = options.onGuestEvent?.((event) => {
    const body = {
      events: [{ instanceId: event.instanceId, transition: event.transition, at: event.at.toISOString() }],
    };
    postToControlPlane(options, 'events', body).catch((err: unknown) =>
      options.log.error({ event: 'agent.event.failed', instanceId: event.instanceId, err }),
    );
  });
  options.log.info({ event: 'agent.started', host: options.credential.host, url });
  return {
    url,
    heartbeat,
    async stop() {
      clearInterval(timer);
      unwatch?.();
      await server.close();
    },
  };
}
