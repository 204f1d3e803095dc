// The operators' Prometheus metrics through the real app (metrics.listen set): requests counted per
// service, method and status on both listeners with a latency histogram, guests per vm_state, bytes
// stored, worker queue depths and the usage pipeline's lag read at scrape time; the separate listener
// answers GET /metrics only, and the API listener does not serve it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsListener, type NuageMetrics } from '../../src/metrics/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { tenant } from './network-helpers.js';

let t: TestApp;
let metrics: NuageMetrics;
let user: { token: string; projectId: string };

async function call(method: string, path: string, body?: unknown, raw?: Buffer) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': user.token,
      'openstack-api-version': 'compute 2.79',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(raw !== undefined && { 'content-type': 'application/octet-stream' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...(raw !== undefined && { body: raw }),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, body: json as any };
}

async function scrape() {
  return parsePrometheusText((await metrics.scrape()).body);
}

/** A server booted from a small qcow2 image, ACTIVE (fake driver), no network. */
async function bootServer(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nuage-metrics-it-'));
  let imageRef: string;
  try {
    const qcow2 = join(dir, 'base.qcow2');
    await promisify(execFile)('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    const image = await call('POST', '/image/v2/images', {
      name: 'base',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    imageRef = image.body.id as string;
    await call('PUT', `/image/v2/images/${imageRef}/file`, undefined, await readFile(qcow2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const flavor = await fetch(`${t.url}/compute/v2.1/flavors`, {
    method: 'POST',
    headers: { 'x-auth-token': t.adminToken, 'content-type': 'application/json' },
    body: JSON.stringify({ flavor: { name: 'metrics.tiny', vcpus: 1, ram: 128, disk: 1 } }),
  });
  const flavorRef = ((await flavor.json()) as any).flavor.id as string;
  const created = await call('POST', '/compute/v2.1/servers', {
    server: { name: 'scraped', imageRef, flavorRef, networks: 'none' },
  });
  expect(created.status).toBe(202);
  const id = created.body.server.id as string;
  for (let attempt = 0; attempt < 200; attempt++) {
    const server = (await call('GET', `/compute/v2.1/servers/${id}`)).body.server;
    if (server.status === 'ACTIVE' && server['OS-EXT-STS:task_state'] === null) return id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server ${id} did not become ACTIVE`);
}

beforeAll(async () => {
  t = await startTestApp({ config: { 'metrics.listen': '127.0.0.1:0' } });
  if (!t.metrics) throw new Error('metrics.listen is set but the app built no metrics');
  metrics = t.metrics;
  user = await tenant(t, 'metrics-user');
});
afterAll(async () => t?.close());

describe('Prometheus metrics', () => {
  it('counts requests per service, method and status on both listeners, with a latency histogram', async () => {
    const before = await scrape();
    const servers = (s: typeof before) =>
      sampleValue(s, 'nuage_http_requests_total', { service: 'compute', method: 'GET', status: '200' }) ?? 0;
    for (let i = 0; i < 3; i++) expect((await call('GET', '/compute/v2.1/servers')).status).toBe(200);
    expect((await call('GET', '/network/v2.0/networks/no-such-network')).status).toBe(404);
    const s3Status = (await fetch(`${t.s3Url}/some-bucket`)).status;
    expect(s3Status).toBeGreaterThanOrEqual(400);

    const after = await scrape();
    expect(servers(after) - servers(before)).toBe(3);
    expect(
      sampleValue(after, 'nuage_http_requests_total', { service: 'network', method: 'GET', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(after, 'nuage_http_requests_total', {
        service: 's3',
        method: 'GET',
        status: String(s3Status),
      }),
    ).toBe(1);
    const counted = sampleValue(after, 'nuage_http_request_duration_seconds_count', { service: 'compute' });
    expect(counted).toBeGreaterThanOrEqual(3);
    expect(
      sampleValue(after, 'nuage_http_request_duration_seconds_bucket', { service: 'compute', le: '+Inf' }),
    ).toBe(counted);
    // Bounded cardinality: no label carries a path, an id or a name.
    const services = new Set(
      after.filter((s) => s.name === 'nuage_http_requests_total').map((s) => s.labels.service),
    );
    for (const service of services) expect(service).toMatch(/^[a-z0-9-]+$/);
    expect(services.has('no-such-network')).toBe(false);
    // prom-client's default process metrics are there too.
    expect(sampleValue(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('reads guests per state, bytes stored, queue depths and the usage lag at scrape time', async () => {
    const id = await bootServer();
    const account = `/object-store/v1/AUTH_${user.projectId}`;
    expect((await call('PUT', `${account}/scraped`)).status).toBe(201);
    expect(
      (await call('PUT', `${account}/scraped/hello`, undefined, Buffer.from('hello world'))).status,
    ).toBe(201);
    const stored = sampleValue(await scrape(), 'nuage_object_store_bytes') ?? 0;
    // The image's bytes live in the object store too; the object adds its 11 bytes.
    expect((await call('PUT', `${account}/scraped/more`, undefined, Buffer.alloc(1000))).status).toBe(201);
    // A GET is billed traffic: its sum waits in memory until the next flush, which is the lag.
    expect((await call('GET', `${account}/scraped/hello`)).body).toBe('hello world');
    await new Promise((resolve) => setTimeout(resolve, 30));

    const samples = await scrape();
    expect(sampleValue(samples, 'nuage_guests', { state: 'active' })).toBe(1);
    expect(sampleValue(samples, 'nuage_object_store_bytes')).toBe(stored + 1000);
    for (const kind of ['server', 'volume', 'snapshot', 'backup', 'attachment', 'blob-garbage'])
      expect(sampleValue(samples, 'nuage_worker_queue_depth', { kind }), kind).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'nuage_worker_queue_depth', { kind: 'server' })).toBe(0);
    expect(sampleValue(samples, 'nuage_usage_pipeline_lag_seconds')).toBeGreaterThan(0.02);

    await t.metering.objectTraffic.flush();
    expect(sampleValue(await scrape(), 'nuage_usage_pipeline_lag_seconds')).toBe(0);

    expect((await call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
    for (let attempt = 0; attempt < 200; attempt++) {
      if ((await call('GET', `/compute/v2.1/servers/${id}`)).status === 404) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sampleValue(await scrape(), 'nuage_guests', { state: 'active' })).toBeUndefined();
  });

  it('serves GET /metrics on its own listener only', async () => {
    const listener = await startMetricsListener(metrics, '127.0.0.1', 0, (err) => {
      throw err;
    });
    try {
      const res = await fetch(listener.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const samples = parsePrometheusText(await res.text());
      expect(sampleValue(samples, 'nuage_object_store_bytes')).toBeGreaterThan(0);
      expect((await fetch(listener.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await listener.close();
    }
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
  });
});
