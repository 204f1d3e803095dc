// The operators' Prometheus metrics (issue 15): request counts and latency per service, worker queue
// depths, guests per state, bytes stored and the usage pipeline's lag, read at scrape time, plus
// prom-client's default process metrics. One registry per app (tests build several in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsStore } from './metrics-store.js';

export interface MetricsSources {
  store: MetricsStore;
  /** Seconds since the oldest usage not yet written was taken (0 when nothing waits). */
  usageLagSeconds(): number;
}

export interface NuageMetrics {
  registry: Registry;
  /** Counts one answered request and its duration. */
  observeRequest(service: string, method: string, status: number, seconds: number): void;
  /** The text exposition format (and its content type) of every metric, gauges read now. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Buckets from 5 ms to 30 s: API calls are fast, object transfers and boots' API calls slower. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Sets one gauge value per label value, dropping values that disappeared since the last scrape. */
function setAll(gauge: Gauge<string>, label: string, values: Record<string, number>): void {
  gauge.reset();
  for (const [key, value] of Object.entries(values)) gauge.set({ [label]: key }, value);
}

export function createNuageMetrics(sources: MetricsSources): NuageMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'nuage_http_requests_total',
    help: 'HTTP requests answered, by service (catalog type of the path prefix), method and status.',
    labelNames: ['service', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'nuage_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by service.',
    labelNames: ['service'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'nuage_worker_queue_depth',
    help: 'Rows a worker still owes work, by kind (read at scrape time).',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      setAll(this, 'kind', await sources.store.queueDepths());
    },
  });
  new Gauge({
    name: 'nuage_guests',
    help: 'Servers not deleted, by vm_state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      setAll(this, 'state', await sources.store.guestsByState());
    },
  });
  new Gauge({
    name: 'nuage_object_store_bytes',
    help: 'Bytes stored in the object store (every account, Swift and S3).',
    registers: [registry],
    async collect() {
      this.set(await sources.store.bytesStored());
    },
  });
  new Gauge({
    name: 'nuage_usage_pipeline_lag_seconds',
    help: 'Age of the oldest object-store traffic sum not yet written as a usage record (0: none waits).',
    registers: [registry],
    collect() {
      this.set(sources.usageLagSeconds());
    },
  });
  return {
    registry,
    observeRequest(service, method, status, seconds) {
      requests.inc({ service, method, status: String(status) });
      duration.observe({ service }, seconds);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
