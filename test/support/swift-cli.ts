// Runs Debian's real `swift` CLI (/usr/bin/swift, python-swiftclient) against a test server. The CLI
// does not read clouds.yaml, so the credentials go in as OS_* variables with ST_AUTH_VERSION=3.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { CliResult, Credentials } from './openstack-cli.js';

export const SWIFT_BIN = '/usr/bin/swift';
const DEFAULT_TIMEOUT_MS = 120_000;

/** The CLI's environment: no inherited OS_*, ST_* or Python overrides, Debian's /usr/bin first. */
function swiftEnv(creds: Credentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OS_|ST_|PYTHON)/.test(key) || key === 'VIRTUAL_ENV') continue;
    env[key] = value;
  }
  env.PATH = ['/usr/bin', '/bin', process.env.PATH ?? ''].filter(Boolean).join(':');
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) env[key] = value;
  };
  set('OS_AUTH_URL', creds.authUrl);
  set('OS_USERNAME', creds.username);
  set('OS_PASSWORD', creds.password);
  set('OS_PROJECT_NAME', creds.projectName);
  set('OS_USER_DOMAIN_NAME', creds.userDomainName ?? 'Default');
  set('OS_PROJECT_DOMAIN_NAME', creds.projectDomainName ?? 'Default');
  set('OS_REGION_NAME', creds.regionName);
  env.ST_AUTH_VERSION = '3';
  return env;
}

/**
 * Runs `/usr/bin/swift` with `args` as `creds` and resolves its exit code and output (never rejects on a
 * non-zero exit). Example: `await swift(['list', 'photos'], { creds, cwd: dir })`.
 */
export function swift(
  args: string[],
  opts: { creds: Credentials; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  const command = [SWIFT_BIN, ...args]
    .map((a) => (/^[\w./:@=-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolveRun) => {
    const child = spawn(SWIFT_BIN, args, {
      env: swiftEnv(opts.creds),
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs / 1000}s]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolveRun({ code: null, stdout, stderr: `${stderr}\n[spawn error] ${err.message}`, command });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr, command });
    });
  });
}

/** `swift stat`-style output ("   Key: value" lines) as a map from key to value. */
export function parseStat(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^\s*([^:]+?):\s?(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** MD5 (hex) of a file, streamed. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes `sizeBytes` of random data to `path` by repeating one random piece (16 MiB by default, so a
 * 1 GiB file costs 16 MiB of randomness), and resolves the file's MD5 (hex).
 */
export async function writeRandomFile(
  path: string,
  sizeBytes: number,
  pieceBytes = 16 * 1024 * 1024,
): Promise<string> {
  const piece = randomBytes(Math.min(pieceBytes, sizeBytes));
  const hash = createHash('md5');
  const out = createWriteStream(path);
  for (let written = 0; written < sizeBytes;) {
    const chunk = piece.subarray(0, Math.min(piece.length, sizeBytes - written));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
    written += chunk.length;
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}
