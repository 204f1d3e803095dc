// Maps `nuage` command-line flags onto config keys (dotted paths), for loadConfig's override layer.
import { parseArgs } from 'node:util';

export const SERVER_FLAGS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  listen: { type: 'string' },
  's3-listen': { type: 'string' },
  'metrics-listen': { type: 'string' },
  'public-url': { type: 'string' },
  'database-url': { type: 'string' },
  region: { type: 'string' },
  'log-level': { type: 'string' },
  'admin-project-name': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'no-local-agent': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FLAG_TO_KEY: Record<string, string> = {
  'data-dir': 'dataDir',
  listen: 'listen',
  's3-listen': 's3Listen',
  'metrics-listen': 'metrics.listen',
  'public-url': 'publicUrl',
  'database-url': 'databaseUrl',
  region: 'region',
  'log-level': 'logLevel',
  'admin-project-name': 'identity.adminProjectName',
  'tls-cert': 'tls.cert',
  'tls-key': 'tls.key',
};

export function parseServerArgs(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: SERVER_FLAGS, strict: true, allowPositionals: false });
  const overrides: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(FLAG_TO_KEY)) {
    const value = (values as Record<string, unknown>)[flag];
    if (value !== undefined) overrides[key] = value;
  }
  // An API node only: no guests run in this process (docs/multi-host.md).
  if (values['no-local-agent'] === true) overrides['compute.localAgent'] = false;
  return { overrides, configFile: values.config, help: values.help === true };
}
