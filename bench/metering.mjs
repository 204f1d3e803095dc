// bench/metering: the cost of metering, on the built code (dist/) and an in-memory SQLite database.
//  1. usage write overhead: N transactions (default 2000) that each insert a server-like row, without
//     and with the recorder opening its usage record in the same transaction; p50/p99 of each.
//  2. rating: R usage records (default 1,000,000; servers, volumes, egress events over a month) rated
//     with one price list (tiers on egress); reports seconds and records per second.
// Invoice generation for 10,000 projects waits for invoices (issue 15).
// Run: npm run build && node bench/metering.mjs [--writes N] [--records R]
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { migrateToLatest } from '../dist/db/kysely.js';
import { meters } from '../dist/metering/model.js';
import { rate } from '../dist/metering/rating.js';
import { createUsageRecorder } from '../dist/metering/usage-recorder.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const writes = arg('--writes', 2000);
const recordCount = arg('--records', 1_000_000);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const report = (label, times) => {
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${label}: p50 ${pct(sorted, 50).toFixed(3)} ms, p99 ${pct(sorted, 99).toFixed(3)} ms`);
};

async function writeOverhead() {
  const db = new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
  await migrateToLatest(db);
  await sql`create table bench_servers (id text primary key, project_id text, status text)`.execute(db);
  const recorder = createUsageRecorder({ now: () => new Date() });
  const attributes = { name: 'web', flavorName: 'm1.small', vcpus: 1, memoryMb: 2048, localGb: 20 };
  for (const withMetering of [false, true]) {
    const times = [];
    for (let i = 0; i < writes; i += 1) {
      const id = `${withMetering ? 'm' : 'p'}-${i}`;
      const started = performance.now();
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('bench_servers').values({ id, project_id: 'p', status: 'ACTIVE' }).execute();
        if (withMetering) {
          await recorder.openUsage(trx, {
            resourceType: 'server',
            resourceId: id,
            projectId: 'p',
            meter: meters.server('f1', 'running'),
            quantity: 1,
            attributes,
          });
        }
      });
      times.push(performance.now() - started);
    }
    report(`server row write ${withMetering ? 'with' : 'without'} metering (${writes})`, times);
  }
  await db.destroy();
}

function records(count) {
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  const out = [];
  for (let i = 0; i < count; i += 1) {
    const kind = i % 3;
    const from = start + (i % 28) * 86_400_000 + (i % 3600) * 1000;
    const base = { id: `r${i}`, projectId: `p${i % 1000}`, resourceId: `x${i}`, attributes: {} };
    if (kind === 0) {
      const end = new Date(from + 5_400_000).toISOString();
      out.push({
        ...base,
        resourceType: 'server',
        meter: meters.server('f1', 'running'),
        quantity: '1',
        startedAt: new Date(from).toISOString(),
        endedAt: end,
      });
    } else if (kind === 1) {
      out.push({
        ...base,
        resourceType: 'volume',
        meter: meters.volume('ssd'),
        quantity: '10',
        startedAt: new Date(from).toISOString(),
        endedAt: null,
      });
    } else {
      const at = new Date(from).toISOString();
      out.push({
        ...base,
        resourceType: 'object-store',
        meter: meters.egressBytes(),
        quantity: '1073741824',
        startedAt: at,
        endedAt: at,
      });
    }
  }
  return out;
}

function rating() {
  const list = {
    id: 'eur',
    name: 'public',
    region: 'RegionOne',
    currency: 'EUR',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: null,
    rules: {
      flavors: { f1: '0.05' },
      volumeGbMonth: { ssd: '0.10' },
      egressGb: {
        tiers: [
          { upTo: '100', price: '0.09' },
          { upTo: null, price: '0.05' },
        ],
      },
    },
  };
  const input = records(recordCount);
  const started = performance.now();
  const result = rate(
    input,
    [list],
    { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    'EUR',
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `rating ${recordCount} records: ${seconds.toFixed(2)} s (${Math.round(recordCount / seconds)}/s), ` +
      `${result.lines.length} lines, total ${result.total} EUR`,
  );
}

await writeOverhead();
rating();
