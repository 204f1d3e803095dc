// `nuage agent …`: `enroll --host NAME --out FILE` (on an API node, with the same --data-dir,
// --database-url or --config as `nuage up`) mints a host agent's credential; without a subcommand it runs
// the agent itself (src/host/agent-process.ts).
import { systemClock } from '../common/clock.js';
import { loadConfig } from '../config/load.js';
import { migrateToLatest, openDatabase } from '../db/kysely.js';
import type { AgentCredentialTables } from '../host/agent-credential-store.js';
import { enrollAgent } from '../host/enroll.js';
import type { Kysely } from 'kysely';
import { parseServerArgs } from './args.js';

const ENROLL_USAGE =
  'usage: nuage agent enroll --host NAME --out FILE [--data-dir DIR] [--database-url URL]\n';

function splitFlags(argv: string[], own: readonly string[]): { own: Record<string, string>; rest: string[] } {
  const values: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!.replace(/^--/, '');
    const value = argv[i + 1];
    if (argv[i]!.startsWith('--') && own.includes(flag) && value !== undefined) {
      values[flag] = value;
      i++;
    } else rest.push(argv[i]!);
  }
  return { own: values, rest };
}

export async function runAgentEnroll(argv: string[]): Promise<number> {
  const { own, rest } = splitFlags(argv, ['host', 'out']);
  if (own.host === undefined || own.out === undefined) {
    process.stderr.write(ENROLL_USAGE);
    return 2;
  }
  const { overrides, configFile } = parseServerArgs(rest);
  const config = loadConfig({ file: configFile, env: process.env, overrides });
  const handle = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(handle.db);
    const db = handle.db as unknown as Kysely<AgentCredentialTables>;
    await enrollAgent(db, systemClock, own.host, own.out);
    process.stdout.write(`agent ${own.host} enrolled; its credential is in ${own.out} (mode 0600)\n`);
    return 0;
  } finally {
    await handle.close();
  }
}
