// Starts the built `nuage up` binary for e2e and fault tests: a temporary data directory, a random
// loopback port, and (when NUAGE_TEST_DATABASE_URL is set) a fresh PostgreSQL database per start.
// Tests talk to it only through its URL and clouds.yaml, never through src/ imports.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, type ScratchDatabase } from './postgres.js';

/** Root of the repository (test/support/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NUAGE_BIN = join(REPO_ROOT, 'bin', 'nuage');
// Generous: the CI runs two lanes of suites at once on 2 cores, and a start migrates a fresh database,
// bootstraps identity and (linux data plane) builds the host namespace; 30 s was exceeded under load.
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_LIMIT_CHARS = 200_000;
const UP_LINE = /Nuage is up at (https?:\/\/\S+)/;

export interface StartOptions {
  /** Use this data directory (kept on stop); by default a temporary one is created and removed on stop. */
  dataDir?: string;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** Use this database URL as is (caller-owned); by default SQLite, or a fresh PG database if NUAGE_TEST_DATABASE_URL is set. */
  databaseUrl?: string;
  /** Serve HTTPS on the API and S3 listeners with these PEM files (`--tls-cert`, `--tls-key`). */
  tls?: { cert: string; key: string };
}

export interface NuageServer {
  /** Base URL, e.g. http://127.0.0.1:40123 (changes only if a restart cannot reuse the port). */
  url: string;
  /** Keystone auth URL: `${url}/identity/v3`. */
  authUrl: string;
  dataDir: string;
  /** Path of the clouds.yaml the server wrote (cloud `nuage`, admin). */
  cloudsYaml: string;
  /** Database URL passed with --database-url, if any. */
  databaseUrl: string | undefined;
  /** The current server process. */
  process: ChildProcess;
  /** Everything the current process printed so far (stdout and stderr interleaved). */
  logs(): string;
  /** Sends the signal (SIGTERM by default), waits for exit, removes what start created; resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Kills the process with SIGKILL and waits for it; keeps the data directory and database for restart(). */
  kill9(): Promise<void>;
  /**
   * Stops the process if it still runs (SIGTERM) and starts it again on the same data dir and database,
   * on the same port unless `newPort` asks for a fresh random one. Updates this object and resolves it.
   */
  restart(opts?: { newPort?: boolean }): Promise<NuageServer>;
}

/** Environment for the server: ours minus NUAGE_* settings (config rejects unknown keys) plus `extra`. */
function serverEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('NUAGE_') && key !== 'NUAGE_CACHE_DIR') continue;
    env[key] = value;
  }
  // Servers of tests that are not about networking stay off the host's Linux data plane (several run at
  // once, and the linux driver is one per host); network tests pass NUAGE_NETWORK_DRIVER=linux.
  // No starter image either: whether the guest image is in the cache must not change what a test sees
  // (it would add an image and the images container to the admin's account); the console test asks for it.
  return { ...env, NUAGE_NETWORK_DRIVER: 'user', NUAGE_CONSOLE_GUEST_IMAGE: '', ...extra };
}

interface Running {
  child: ChildProcess;
  output: { text: string };
  exited: Promise<number | null>;
}

function launch(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [NUAGE_BIN, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  const append = (chunk: Buffer) => {
    output.text += chunk.toString('utf8');
    if (output.text.length > LOG_LIMIT_CHARS) output.text = output.text.slice(-LOG_LIMIT_CHARS);
    if (process.env.NUAGE_TEST_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
    child.once('error', (err) => {
      output.text += `\n[spawn error] ${err.message}\n`;
      resolveExit(null);
    });
  });
  return { child, output, exited };
}

/** Resolves the URL from the "Nuage is up at" line; rejects on exit or timeout with the output so far. */
function waitUntilUp(running: Running, args: string[]): Promise<string> {
  return new Promise((resolveUp, rejectUp) => {
    const describe = (why: string) =>
      new Error(
        `nuage ${args.join(' ')}: ${why}\n--- server output ---\n${running.output.text.slice(-8000)}`,
      );
    const check = () => {
      const match = UP_LINE.exec(running.output.text);
      if (!match?.[1]) return;
      cleanup();
      resolveUp(match[1].replace(/\/+$/, ''));
    };
    const timer = setTimeout(() => {
      cleanup();
      running.child.kill('SIGKILL');
      rejectUp(describe(`no "Nuage is up at" line within ${START_TIMEOUT_MS / 1000}s`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      // Output may still be in flight when 'exit' fires; give the pipes a moment.
      setTimeout(() => {
        if (UP_LINE.test(running.output.text)) return check();
        cleanup();
        rejectUp(describe(`exited before it was up (code ${code}, signal ${signal})`));
      }, 100);
    };
    const cleanup = () => {
      clearTimeout(timer);
      running.child.stdout?.off('data', check);
      running.child.stderr?.off('data', check);
      running.child.off('exit', onExit);
    };
    running.child.stdout?.on('data', check);
    running.child.stderr?.on('data', check);
    running.child.on('exit', onExit);
    check();
  });
}

async function stopProcess(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return running.exited;
  running.child.kill(signal);
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
  const result = await Promise.race([running.exited, timeout]);
  if (result !== 'timeout') return result;
  running.child.kill('SIGKILL');
  await running.exited;
  throw new Error(
    `nuage did not exit within ${STOP_TIMEOUT_MS / 1000}s of ${signal}; killed it\n--- server output ---\n${running.output.text.slice(-8000)}`,
  );
}

/**
 * Starts `node bin/nuage up` and resolves once it prints "Nuage is up at <url>".
 * Example: `const nuage = await startNuage(); … await nuage.stop();`
 */
export async function startNuage(opts: StartOptions = {}): Promise<NuageServer> {
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'nuage-e2e-')));
  let scratch: ScratchDatabase | undefined;
  let databaseUrl = opts.databaseUrl;
  try {
    const baseUrl = process.env.NUAGE_TEST_DATABASE_URL;
    if (databaseUrl === undefined && baseUrl) {
      scratch = await createScratchDatabase(baseUrl);
      databaseUrl = scratch.url;
    }
  } catch (err) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const env = serverEnv(opts.env);
  const argsFor = (listen: string) => [
    'up',
    '--data-dir',
    dataDir,
    '--listen',
    listen,
    // A random S3 port too, so that servers of parallel tests never collide on the default 9000.
    '--s3-listen',
    '127.0.0.1:0',
    ...(databaseUrl ? ['--database-url', databaseUrl] : []),
    ...(opts.tls ? ['--tls-cert', opts.tls.cert, '--tls-key', opts.tls.key] : []),
  ];

  const cleanupOwned = async () => {
    await scratch?.drop();
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
  };

  const boot = async (listen: string) => {
    const args = argsFor(listen);
    const running = launch(args, env);
    const url = await waitUntilUp(running, args);
    return { running, url };
  };

  let current: { running: Running; url: string };
  try {
    current = await boot('127.0.0.1:0');
  } catch (err) {
    await cleanupOwned().catch(() => undefined);
    throw err;
  }

  const server: NuageServer = {
    url: current.url,
    authUrl: `${current.url}/identity/v3`,
    dataDir,
    cloudsYaml: join(dataDir, 'clouds.yaml'),
    databaseUrl,
    process: current.running.child,
    logs: () => current.running.output.text,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      try {
        return await stopProcess(current.running, signal);
      } finally {
        await cleanupOwned();
      }
    },
    async kill9() {
      await stopProcess(current.running, 'SIGKILL');
    },
    async restart(restartOpts: { newPort?: boolean } = {}) {
      await stopProcess(current.running, 'SIGTERM');
      const port = restartOpts.newPort ? '0' : new URL(current.url).port;
      current = await boot(`127.0.0.1:${port}`);
      server.url = current.url;
      server.authUrl = `${current.url}/identity/v3`;
      server.process = current.running.child;
      return server;
    },
  };
  if (!existsSync(server.cloudsYaml)) {
    await server.stop().catch(() => undefined);
    throw new Error(`nuage is up at ${server.url} but did not write ${server.cloudsYaml}`);
  }
  return server;
}

/** The S3 listener's base URL, from the "S3 API at <url>" line that follows "Nuage is up at" closely. */
export async function s3UrlOf(server: NuageServer): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const match = /S3 API at (https?:\/\/\S+)/.exec(server.logs());
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no "S3 API at" line in the server output\n${server.logs()}`);
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot `node bin/nuage <args>` command (e.g. `keys rotate --data-dir DIR`, `doctor`). */
export function runNuageCommand(args: string[], env?: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [NUAGE_BIN, ...args], {
      cwd: REPO_ROOT,
      env: serverEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolveRun({ code: null, stdout, stderr: `${stderr}\n[spawn error] ${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}
