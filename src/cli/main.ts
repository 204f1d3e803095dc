// The `nuage` command: up (start the all-in-one cloud), keys rotate, doctor, policy list|check,
// audit verify|seal.
import { rotateKeys } from '../common/crypto/key-repository.js';
import { PolicyError } from '../common/policy/index.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { tokenKeyDir } from '../identity/index.js';
import { runNuageUp } from '../main.js';
import { parseServerArgs } from './args.js';
import { runDoctor } from './doctor.js';
import { runPolicy } from './policy.js';
import { runAudit, splitAuditArgs } from './audit.js';
import { runAgent, runAgentEnroll } from './agent.js';

const USAGE = `usage: nuage <command> [options]

commands:
  up            start the all-in-one cloud
                  --data-dir DIR        data directory (default ./nuage-data)
                  --listen HOST:PORT    API listener (default 127.0.0.1:5000)
                  --s3-listen HOST:PORT S3 API listener (default 127.0.0.1:9000)
                  --metrics-listen HOST:PORT
                                        Prometheus /metrics listener (default: none)
                  --database-url URL    postgres://… instead of the embedded SQLite file
                  --public-url URL      base URL advertised in the catalog
                  --region NAME         region name (default RegionOne)
                  --tls-cert FILE       PEM certificate: the API and S3 listeners serve HTTPS (TLS 1.2+)
                  --tls-key FILE        PEM private key of --tls-cert (see docs/tls.md)
                  --admin-project-name NAME
                                        project whose admins are cloud admins (default admin;
                                        empty: the admin of any project, see docs/admin-semantics.md)
                  --config FILE         TOML config file (also NUAGE_CONFIG)
  keys rotate   rotate the token keys (staged → primary), e.g. nuage keys rotate --data-dir DIR
  doctor        report what this host offers (qemu, kvm, root, nftables…)
  policy list   print the effective policy rules   [--service S] [--policy-file FILE]
  policy check  explain a decision: --token-json FILE ACTION [--target JSON] [--service S]
                  [--policy-file FILE]; FILE is a GET /v3/auth/tokens body; exit 1 when denied
  audit verify  check the audit chain's hashes and seals; name every edited, deleted or reordered
                  event; exit 1 when any (same --data-dir/--database-url/--config as up)
  audit seal    seal the audit chain's head now
  audit export  write audit events as JSON lines: --out FILE [--since ISO] [--until ISO]
  audit prune   delete events older than audit.retentionDays that are sealed and exported
  agent         run a host agent: --control-plane URL --host NAME --data-dir DIR --listen HOST:PORT
                  --credentials FILE --fake-driver (only the fake driver so far)
  agent enroll  mint a host agent's credential: --host NAME --out FILE (file mode 0600; same
                  --data-dir/--database-url/--config as up); see docs/multi-host.md
`;

function configFrom(argv: string[]) {
  const { overrides, configFile, help } = parseServerArgs(argv);
  if (help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  return loadConfig({ file: configFile, env: process.env, overrides });
}

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === 'up') {
    await runNuageUp(configFrom(rest));
    return undefined;
  }
  if (command === 'keys' && rest[0] === 'rotate') {
    const config = configFrom(rest.slice(1));
    const result = rotateKeys(tokenKeyDir(config.dataDir), { maxActiveKeys: config.identity.maxActiveKeys });
    process.stdout.write(
      `token keys rotated: primary is now key ${result.primaryId}; removed ${result.removedIds.length ? result.removedIds.join(', ') : 'none'}\n`,
    );
    return 0;
  }
  if (command === 'doctor') return runDoctor();
  if (command === 'policy') return runPolicy(rest);
  if (command === 'audit') {
    const split = splitAuditArgs(rest.slice(1));
    if (!split) return runAudit(undefined, configFrom([]));
    return runAudit(rest[0], configFrom(split.rest), split.exportArgs);
  }
  if (command === 'agent' && rest[0] === 'enroll') return runAgentEnroll(rest.slice(1));
  if (command === 'agent') return runAgent(rest);
  process.stderr.write(USAGE);
  return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: unknown) => {
    if (
      err instanceof ConfigError ||
      err instanceof PolicyError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`nuage: ${(err as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(`nuage: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
