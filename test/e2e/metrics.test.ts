// `nuage up --metrics-listen` (here NUAGE_METRICS_LISTEN=127.0.0.1:0): the built binary prints where its
// separate Prometheus listener is; after some API requests a scrape in the text format counts them per
// service, method and status, and the API port itself does not serve /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../support/keystone-http.js';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { readCloud } from '../support/openstack-cli.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';

let nuage: NuageServer;
let metricsUrl: string;

beforeAll(async () => {
  nuage = await startNuage({ env: { NUAGE_METRICS_LISTEN: '127.0.0.1:0' } });
  // The line follows "Nuage is up at", which is what startNuage waits for.
  let printed: RegExpExecArray | null = null;
  for (let i = 0; i < 100 && !printed; i++) {
    printed = /Metrics at (http:\/\/\S+)/.exec(nuage.logs());
    if (!printed) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!printed?.[1]) throw new Error(`no "Metrics at" line:\n${nuage.logs().slice(-4000)}`);
  metricsUrl = printed[1];
});
afterAll(async () => {
  await nuage?.stop();
});

describe('nuage up --metrics-listen', () => {
  it('serves Prometheus text on its own port, counting the API requests per service', async () => {
    expect(new URL(metricsUrl).port).not.toBe(new URL(nuage.url).port);
    const { token } = await issueToken(await readCloud(nuage.cloudsYaml));
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${nuage.url}/compute/v2.1/flavors`, { headers: { 'x-auth-token': token } });
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${nuage.url}/image/v2/images`)).status).toBe(401);
    expect((await fetch(`${nuage.url}/metrics`)).status).toBe(404);

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheusText(await res.text());
    const count = (labels: Record<string, string>) =>
      sampleValue(samples, 'nuage_http_requests_total', labels);
    expect(count({ service: 'compute', method: 'GET', status: '200' })).toBe(4);
    expect(count({ service: 'image', method: 'GET', status: '401' })).toBe(1);
    expect(count({ service: 'identity', method: 'POST', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'nuage_http_request_duration_seconds_count', { service: 'compute' })).toBe(4);
    expect(sampleValue(samples, 'nuage_object_store_bytes')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'nuage_worker_queue_depth', { kind: 'server' })).toBe(0);
    expect(sampleValue(samples, 'nuage_usage_pipeline_lag_seconds')).toBe(0);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
