// `nuage audit verify`: checks the audit chain of a cloud's database (the same --data-dir,
// --database-url or --config as `nuage up`) against its hashes and seals; prints each broken row and
// exits 1 when any is found. `nuage audit seal` seals the head now (the server also does, on a timer).
import { join } from 'node:path';
import { createAuditSealer } from '../audit/audit-seal.js';
import { verifyAuditTrail } from '../audit/audit-verify.js';
import { systemClock } from '../common/clock.js';
import { openKeyRepository } from '../common/crypto/key-repository.js';
import type { Config } from '../config/schema.js';
import { migrateToLatest, openDatabase } from '../db/kysely.js';

export async function runAudit(action: string | undefined, config: Config): Promise<number> {
  if (action !== 'verify' && action !== 'seal') {
    process.stderr.write('usage: nuage audit verify|seal [--data-dir DIR] [--database-url URL]\n');
    return 2;
  }
  const handle = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(handle.db);
    const keys = openKeyRepository(join(config.dataDir, 'keys', 'audit'));
    if (action === 'seal') {
      const seal = await createAuditSealer(handle.db, keys, systemClock).sealNow();
      process.stdout.write(seal ? `sealed the chain at event ${seal.seq}\n` : 'nothing new to seal\n');
      return 0;
    }
    const report = await verifyAuditTrail(handle.db, keys);
    for (const problem of report.problems) process.stdout.write(`BROKEN: ${problem}\n`);
    const summary = `${report.events} chained events, ${report.seals} seals, ${report.legacy} events from before the chain`;
    process.stdout.write(report.problems.length === 0 ? `audit trail intact: ${summary}\n` : `${summary}\n`);
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    await handle.close();
  }
}
