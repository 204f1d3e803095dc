// `nuage audit verify`: checks the audit chain of a cloud's database (the same --data-dir,
// --database-url or --config as `nuage up`) against its hashes and seals; prints each broken row and
// exits 1 when any is found. `nuage audit seal` seals the head now (the server also does, on a timer).
// `nuage audit export [--since T] [--until T] --out FILE` writes events as JSON lines; `nuage audit
// prune` runs the retention job now.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { exportRange } from '../audit/audit-export.js';
import { pruneAudit } from '../audit/audit-prune.js';
import { fileSink } from '../audit/audit-sinks.js';
import { createAuditSealer } from '../audit/audit-seal.js';
import { verifyAuditTrail } from '../audit/audit-verify.js';
import { systemClock } from '../common/clock.js';
import { openKeyRepository } from '../common/crypto/key-repository.js';
import type { Config } from '../config/schema.js';
import { migrateToLatest, openDatabase } from '../db/kysely.js';
import type { Database } from '../db/schema.js';

const USAGE =
  'usage: nuage audit verify|seal|prune|export [--since ISO] [--until ISO] [--out FILE] [--data-dir DIR] [--database-url URL]\n';

export interface ExportArgs {
  since?: string | undefined;
  until?: string | undefined;
  out?: string | undefined;
}

/** Takes export's own flags out of argv (the rest are `nuage up`'s); undefined when one lacks its value. */
export function splitAuditArgs(argv: string[]): { exportArgs: ExportArgs; rest: string[] } | undefined {
  const exportArgs: ExportArgs = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const name = flag.replace(/^--/, '');
    if (name === 'since' || name === 'until' || name === 'out') {
      const value = argv[++i];
      if (value === undefined) return undefined;
      exportArgs[name] = value;
    } else rest.push(flag);
  }
  return { exportArgs, rest };
}

function isoOrUndefined(value: string | undefined): string | undefined | null {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

async function runExport(db: Kysely<Database>, args: ExportArgs): Promise<number> {
  const since = isoOrUndefined(args.since);
  const until = isoOrUndefined(args.until);
  if (!args.out || since === null || until === null) {
    process.stderr.write(
      `nuage audit export: --out FILE is required; --since/--until are ISO 8601 times\n${USAGE}`,
    );
    return 2;
  }
  const out = args.out;
  await writeFile(out, '', { mode: 0o600 });
  const count = await exportRange(db, systemClock, { since, until }, fileSink(out));
  process.stdout.write(`exported ${count} events to ${out}\n`);
  return 0;
}

export async function runAudit(
  action: string | undefined,
  config: Config,
  args: ExportArgs = {},
): Promise<number> {
  if (action !== 'verify' && action !== 'seal' && action !== 'prune' && action !== 'export') {
    process.stderr.write(USAGE);
    return 2;
  }
  const handle = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(handle.db);
    const keys = openKeyRepository(join(config.dataDir, 'keys', 'audit'));
    if (action === 'export') return await runExport(handle.db, args);
    if (action === 'prune') {
      const result = await pruneAudit(handle.db, keys, systemClock, config.audit.retentionDays);
      process.stdout.write(`pruned ${result.pruned} events; the chain starts after event ${result.anchor}\n`);
      return 0;
    }
    if (action === 'seal') {
      const seal = await createAuditSealer(handle.db, keys, systemClock).sealNow();
      process.stdout.write(seal ? `sealed the chain at event ${seal.seq}\n` : 'nothing new to seal\n');
      return 0;
    }
    const report = await verifyAuditTrail(handle.db, keys);
    for (const problem of report.problems) process.stdout.write(`BROKEN: ${problem}\n`);
    const from = report.anchor > 0 ? ` (from the retention anchor at event ${report.anchor})` : '';
    const summary = `${report.events} chained events${from}, ${report.seals} seals, ${report.legacy} events from before the chain`;
    process.stdout.write(report.problems.length === 0 ? `audit trail intact: ${summary}\n` : `${summary}\n`);
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    await handle.close();
  }
}
