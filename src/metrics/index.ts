// Wiring of the Prometheus metrics into the app: built only when `metrics.listen` is set (off by
// default), with an onResponse hook on each listener that counts the request under its service.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { Database } from '../db/schema.js';
import { createMetricsStore } from './metrics-store.js';
import { createNuageMetrics, type NuageMetrics } from './prometheus.js';
import { serviceOfPath } from './service-label.js';

export type { NuageMetrics } from './prometheus.js';
export { startMetricsListener, type MetricsListener } from './listener.js';

export interface AppMetricsDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** When the oldest usage sum still in memory was taken, if any. */
  oldestPendingUsage(): Date | undefined;
}

export function createAppMetrics(deps: AppMetricsDeps): NuageMetrics {
  return createNuageMetrics({
    store: createMetricsStore(deps.db),
    usageLagSeconds() {
      const oldest = deps.oldestPendingUsage();
      if (!oldest) return 0;
      return Math.max(0, (deps.clock.now().getTime() - oldest.getTime()) / 1000);
    },
  });
}

/**
 * Counts every answered request of `app`: under `service` when the listener serves one API (S3), else
 * under the catalog type of its path prefix.
 */
export function instrumentRequests(app: FastifyInstance, metrics: NuageMetrics, service?: string): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      service ?? serviceOfPath(request.url),
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
}
