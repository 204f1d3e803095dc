// Shared benchmark helpers: start `nuage up` on a random loopback port in a temp dir, and drive HTTP
// requests with keep-alive at a fixed concurrency for a fixed time, reporting ops/s and latency.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function startServer(extraArgs = [], extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'nuage-bench-'));
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin/nuage'),
      'up',
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--s3-listen',
      '127.0.0.1:0',
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NUAGE_NETWORK_DRIVER: 'user', ...extraEnv },
    },
  );
  let s3Url;
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Nuage is up at (\S+)/.exec(out);
      const s3 = /S3 API at (\S+)/.exec(out);
      if (m && s3) {
        clearTimeout(timer);
        resolve(m[1]);
        s3Url = s3[1];
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  const clouds = YAML.parse(readFileSync(join(dataDir, 'clouds.yaml'), 'utf8'));
  return {
    url,
    s3Url,
    pid: child.pid,
    admin: clouds.clouds.nuage.auth,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

/** Runs `op` from `concurrency` workers for `seconds`; every op must resolve to true. */
export async function drive(name, op, { concurrency = 16, seconds = 10 } = {}) {
  const latencies = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await op();
        latencies.push(performance.now() - t0);
        if (!ok) failures += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(2);
  const line = `${name}: ${(latencies.length / elapsed).toFixed(0)} ops/s (${latencies.length} ops in ${elapsed.toFixed(1)} s, concurrency ${concurrency}, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, failures ${failures})`;
  console.log(line);
  if (failures > 0) process.exitCode = 1;
  return { opsPerSecond: latencies.length / elapsed, failures };
}

/**
 * Drives load with wrk (C, keep-alive, little CPU of its own, so the 2-core machine measures the server
 * rather than the client). Prints and returns requests/s; non-2xx answers are reported as failures.
 */
export async function wrk(
  name,
  url,
  { method = 'GET', headers = {}, body, seconds = 10, concurrency = 16, threads = 2 } = {},
) {
  const { execFileSync } = await import('node:child_process');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'nuage-wrk-'));
  const script = join(dir, 'request.lua');
  const lua = [`wrk.method = ${JSON.stringify(method)}`];
  for (const [k, v] of Object.entries(headers))
    lua.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  if (body) lua.push(`wrk.body = ${JSON.stringify(body)}`);
  writeFileSync(script, lua.join('\n') + '\n');
  const out = execFileSync(
    'wrk',
    ['-t', String(threads), '-c', String(concurrency), '-d', `${seconds}s`, '--latency', '-s', script, url],
    {
      encoding: 'utf8',
    },
  );
  rmSync(dir, { recursive: true, force: true });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p50 = /\s50%\s+(\S+)/.exec(out)?.[1];
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1];
  const failures = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  console.log(
    `${name}: ${rps.toFixed(0)} req/s (${total} requests in ${seconds} s, wrk keep-alive, concurrency ${concurrency}, p50 ${p50}, p99 ${p99}, failures ${failures})`,
  );
  if (failures > 0) process.exitCode = 1;
  return { rps, failures };
}
