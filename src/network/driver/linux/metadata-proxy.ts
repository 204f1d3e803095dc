// One supervised metadata forwarder per router with interfaces, inside its qrouter namespace, as
// Neutron's L3 agent runs one haproxy per router. The forwarder (metadata-forwarder.mjs, Node built-ins
// only) listens on the port the router's nft table redirects 169.254.169.254:80 to, and forwards to the
// metadata server's unix socket with the guest's address and the router id. A forwarder that dies is
// restarted with a capped backoff; forwarders exit by themselves when their standard input (a pipe from
// this process) closes, so a killed control plane leaves none behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MetadataProxyTarget {
  routerId: string;
  netns: string;
}

export interface MetadataProxyOptions {
  /** The metadata server's unix socket (`<dataDir>/compute/metadata.sock`). */
  socketPath: string;
  /** The port inside each router namespace (config `network.metadataPort`). */
  port: number;
  log: (event: string, detail: Record<string, unknown>) => void;
  /** Node binary and forwarder script; defaults are this process's Node and the script beside us. */
  nodeBinary?: string;
  scriptPath?: string;
}

interface Forwarder {
  target: MetadataProxyTarget;
  child: ChildProcess | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  failures: number;
  startedAtMs: number;
}

const RESTART_DELAY_MS_MIN = 500;
const RESTART_DELAY_MS_MAX = 30_000;
/** A forwarder that ran this long before dying starts its backoff again from the minimum. */
const HEALTHY_RUN_MS = 60_000;
const STOP_TIMEOUT_MS = 3_000;
/** Bounds the forwarder's heap: it holds at most a few dozen small requests. */
const NODE_FLAGS = ['--max-old-space-size=16', '--max-semi-space-size=1'];

// Where the forwarder script is, from src/ (vitest, tsx) and from dist/: tsconfig.build.json has
// allowJs and includes the .mjs files of src, so `npm run build` emits it beside metadata-proxy.js.
export const FORWARDER_SCRIPT = fileURLToPath(new URL('./metadata-forwarder.mjs', import.meta.url));

export function createMetadataProxySupervisor(options: MetadataProxyOptions) {
  const running = new Map<string, Forwarder>();
  const script = options.scriptPath ?? FORWARDER_SCRIPT;

  function start(f: Forwarder): void {
    f.restartTimer = undefined;
    const argv = ['netns', 'exec', f.target.netns, options.nodeBinary ?? process.execPath, ...NODE_FLAGS];
    argv.push(script, '--port', String(options.port), '--router', f.target.routerId);
    argv.push('--socket', options.socketPath);
    const child = spawn('ip', argv, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    // The pipe is the forwarder's lifeline; an EPIPE after it exited is expected.
    child.stdin?.on('error', () => undefined);
    child.on('error', (err) =>
      options.log('network.metadata_proxy.spawn_failed', { routerId: f.target.routerId, err }),
    );
    child.on('exit', (code, signal) => {
      if (f.child !== child) return;
      f.child = undefined;
      if (running.get(f.target.routerId) !== f) return;
      f.failures = Date.now() - f.startedAtMs >= HEALTHY_RUN_MS ? 1 : f.failures + 1;
      const delayMs = Math.min(RESTART_DELAY_MS_MAX, RESTART_DELAY_MS_MIN * 2 ** (f.failures - 1));
      options.log('network.metadata_proxy.exited', {
        routerId: f.target.routerId,
        code,
        signal,
        stderr,
        delayMs,
      });
      f.restartTimer = setTimeout(() => start(f), delayMs);
      f.restartTimer.unref();
    });
    f.child = child;
    f.startedAtMs = Date.now();
  }

  function stop(f: Forwarder): Promise<void> {
    if (f.restartTimer) clearTimeout(f.restartTimer);
    f.restartTimer = undefined;
    const child = f.child;
    f.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, STOP_TIMEOUT_MS);
      timer.unref();
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
      child.kill('SIGTERM');
    });
  }

  return {
    /**
     * Runs exactly one forwarder for each target and stops the others. A forwarder whose namespace
     * changed is restarted. Resolves once the stopped ones have exited.
     */
    async ensure(targets: readonly MetadataProxyTarget[]): Promise<void> {
      const wanted = new Map(targets.map((t) => [t.routerId, t]));
      const stopping: Promise<void>[] = [];
      for (const [id, f] of running) {
        if (wanted.get(id)?.netns === f.target.netns) continue;
        running.delete(id);
        stopping.push(stop(f));
      }
      await Promise.all(stopping);
      for (const target of wanted.values()) {
        if (running.has(target.routerId)) continue;
        const f: Forwarder = {
          target,
          child: undefined,
          restartTimer: undefined,
          failures: 0,
          startedAtMs: 0,
        };
        running.set(target.routerId, f);
        start(f);
      }
    },
    /** Router ids with a live forwarder process (tests). */
    runningRouters(): string[] {
      return [...running.values()].filter((f) => f.child !== undefined).map((f) => f.target.routerId);
    },
    /** The forwarder's pid for a router (tests, RSS measurement). */
    pidOf(routerId: string): number | undefined {
      return running.get(routerId)?.child?.pid;
    },
    /** Stops every forwarder this process started. */
    async stopAll(): Promise<void> {
      const all = [...running.values()];
      running.clear();
      await Promise.all(all.map(stop));
    },
  };
}

export type MetadataProxySupervisor = ReturnType<typeof createMetadataProxySupervisor>;
