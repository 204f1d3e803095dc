// `nuage agent …`: `enroll --host NAME --out FILE` (on an API node, with the same --data-dir,
// --database-url or --config as `nuage up`) mints a host agent's credential; without a subcommand it runs
// the agent itself (src/host/agent-process.ts).
import { systemClock } from '../common/clock.js';
import { loadConfig } from '../config/load.js';
import { migrateToLatest, openDatabase } from '../db/kysely.js';
import type { AgentCredentialTables } from '../host/agent-credential-store.js';
import { enrollAgent } from '../host/enroll.js';
import { readCredentialFile } from '../host/agent-credentials.js';
import { startAgentProcess } from '../host/agent-process.js';
import { FakeHostAgent } from '../host/fake-agent.js';
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

const RUN_USAGE =
  'usage: nuage agent --control-plane URL --host NAME --data-dir DIR --listen HOST:PORT --credentials FILE [--fake-driver]\n';

/**
 * Runs the agent until SIGINT/SIGTERM. Only the fake driver serves guests for now: a QEMU agent needs the
 * control plane's image data API, which does not exist yet (docs/multi-host.md, Status).
 */
export async function runAgent(argv: string[]): Promise<number | undefined> {
  const { own, rest } = splitFlags(argv, ['control-plane', 'host', 'data-dir', 'listen', 'credentials']);
  const fake = rest.includes('--fake-driver');
  const missing = ['control-plane', 'host', 'data-dir', 'listen', 'credentials'].filter(
    (f) => own[f] === undefined,
  );
  if (missing.length > 0 || !fake) {
    process.stderr.write(RUN_USAGE);
    if (!fake) process.stderr.write('nuage agent: only --fake-driver is supported in this version\n');
    return 2;
  }
  const credential = await readCredentialFile(own.credentials!);
  if (credential.host !== own.host)
    throw new Error(`${own.credentials} is the credential of ${credential.host}`);
  const log = {
    info: (obj: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(obj)}\n`),
    error: (obj: Record<string, unknown>) =>
      process.stderr.write(`${JSON.stringify({ ...obj, err: String(obj.err) })}\n`),
  };
  const running = await startAgentProcess({
    controlPlaneUrl: own['control-plane']!,
    credential,
    agent: new FakeHostAgent(credential.host),
    listen: own.listen!,
    dataDir: own['data-dir']!,
    log,
  });
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
}
