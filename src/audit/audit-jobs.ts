// The audit trail's background jobs in each API process: sealing the head (every
// audit.sealIntervalSeconds and at shutdown), continuous export to a file or syslog (when configured),
// and retention pruning (which needs the export to have covered what it deletes).
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import { openKeyRepository } from '../common/crypto/key-repository.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/schema.js';
import { createAuditExporter } from './audit-export.js';
import { pruneAudit } from './audit-prune.js';
import { createAuditSealer, type AuditSealer } from './audit-seal.js';
import { fileSink, syslogSink, type LineSink } from './audit-sinks.js';

export interface AuditJobDeps {
  config: Config;
  db: Kysely<Database>;
  clock: Clock;
}

/** Runs `job` every `seconds` (unref'd) and once more at close when `atClose`; failures are logged. */
function every(
  app: FastifyInstance,
  seconds: number,
  name: string,
  job: () => Promise<unknown>,
  atClose = false,
) {
  const run = () =>
    job().catch((err: unknown) =>
      app.log.warn({ event: `audit.${name}.failed`, err }, `audit ${name} failed`),
    );
  const timer = setInterval(() => void run(), seconds * 1000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    if (atClose) await run();
  });
}

function exportSinks(config: Config['audit']): LineSink[] {
  const sinks: LineSink[] = [];
  if (config.exportFile) sinks.push(fileSink(config.exportFile));
  if (config.exportSyslog) sinks.push(syslogSink(config.exportSyslog));
  return sinks;
}

export function startAuditJobs(app: FastifyInstance, deps: AuditJobDeps): AuditSealer {
  const audit = deps.config.audit;
  const keys = openKeyRepository(join(deps.config.dataDir, 'keys', 'audit'));
  const sealer = createAuditSealer(deps.db, keys, deps.clock);
  const sinks = exportSinks(audit);
  if (sinks.length > 0) {
    const exporter = createAuditExporter(deps.db, deps.clock, async (lines) => {
      for (const sink of sinks) await sink(lines);
    });
    // Until caught up: one call exports at most a page.
    const drain = async () => {
      while ((await exporter.exportNew()) > 0);
    };
    every(app, audit.exportIntervalSeconds, 'export', drain, true);
  }
  // Registered after export: at close, hooks run in order, so the final events are exported then sealed.
  every(app, audit.sealIntervalSeconds, 'seal', () => sealer.sealNow(), true);
  every(app, audit.pruneIntervalSeconds, 'prune', () =>
    pruneAudit(deps.db, keys, deps.clock, audit.retentionDays),
  );
  return sealer;
}
