// Runs Debian's real `openstack` CLI (/usr/bin/openstack) against a test server, either with a cloud
// from a clouds.yaml or with explicit --os-* credentials, and returns its exit code and output.
// /usr/bin comes first on PATH because a pyenv python3 may shadow Debian's on developer machines.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export const OPENSTACK_BIN = '/usr/bin/openstack';
const DEFAULT_TIMEOUT_MS = 120_000;

export interface CliResult {
  /** Exit code, or null if the process was killed (e.g. on timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command line, for failure messages (secrets are not masked: test credentials only). */
  command: string;
}

/** Who to authenticate as when not using a cloud from clouds.yaml. */
export interface Credentials {
  authUrl: string;
  /** keystoneauth plugin: `password` (default), `v3applicationcredential` or `token`. */
  authType?: 'password' | 'v3applicationcredential' | 'token';
  username?: string;
  password?: string;
  userDomainName?: string;
  /** Project scope. */
  projectName?: string;
  projectDomainName?: string;
  /** Domain scope (instead of a project). */
  domainName?: string;
  applicationCredentialId?: string;
  applicationCredentialSecret?: string;
  token?: string;
  regionName?: string;
}

export interface CliOptions {
  /** clouds.yaml to use (OS_CLIENT_CONFIG_FILE); required unless `as` is given. */
  cloudsYaml?: string;
  /** Cloud name in clouds.yaml; default `nuage`. */
  cloud?: string;
  /** Authenticate with these explicit --os-* flags instead of --os-cloud. */
  as?: Credentials;
  /** Extra environment for the CLI. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** The CLI's environment: no inherited OS_* or Python overrides, Debian's /usr/bin first. */
function cliEnv(opts: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('OS_') || key.startsWith('PYTHON') || key === 'VIRTUAL_ENV') continue;
    env[key] = value;
  }
  env.PATH = ['/usr/bin', '/bin', process.env.PATH ?? ''].filter(Boolean).join(':');
  // With explicit credentials, keep any clouds.yaml out of the picture.
  env.OS_CLIENT_CONFIG_FILE = opts.as ? '/nonexistent/nuage-test/clouds.yaml' : opts.cloudsYaml;
  return { ...env, ...opts.env };
}

/** The --os-* flags that authenticate as `creds`. */
export function credentialFlags(creds: Credentials): string[] {
  const flags: string[] = ['--os-identity-api-version', '3', '--os-auth-url', creds.authUrl];
  const add = (flag: string, value: string | undefined) => {
    // --flag=value: a value starting with "-" (random secrets do) would otherwise parse as an option.
    if (value !== undefined) flags.push(`${flag}=${value}`);
  };
  add('--os-auth-type', creds.authType ?? 'password');
  add('--os-username', creds.username);
  add('--os-password', creds.password);
  add('--os-user-domain-name', creds.userDomainName);
  add('--os-project-name', creds.projectName);
  add('--os-project-domain-name', creds.projectDomainName);
  add('--os-domain-name', creds.domainName);
  add('--os-application-credential-id', creds.applicationCredentialId);
  add('--os-application-credential-secret', creds.applicationCredentialSecret);
  add('--os-token', creds.token);
  add('--os-region-name', creds.regionName);
  return flags;
}

/**
 * Runs `/usr/bin/openstack` with `args` and resolves its exit code and output (never rejects on a
 * non-zero exit). Example: `await openstack(['project', 'list'], { cloudsYaml: nuage.cloudsYaml })`.
 */
export function openstack(args: string[], opts: CliOptions): Promise<CliResult> {
  if (!opts.as && !opts.cloudsYaml) throw new Error('openstack(): give cloudsYaml or as');
  const auth = opts.as ? credentialFlags(opts.as) : ['--os-cloud', opts.cloud ?? 'nuage'];
  const argv = [...auth, ...args];
  const command = [OPENSTACK_BIN, ...argv]
    .map((a) => (/^[\w./:@=-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
  return new Promise((resolveRun) => {
    const child = spawn(OPENSTACK_BIN, argv, { env: cliEnv(opts), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000}s]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolveRun({ code: null, stdout, stderr: `${stderr}\n[spawn error] ${err.message}`, command });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr, command });
    });
  });
}

/** A readable account of a CLI run, for assertion messages. */
export function describeRun(run: CliResult): string {
  return `$ ${run.command}\nexit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}

/** Like `openstack`, but expects success, adds `-f json` and parses stdout; throws with the output otherwise. */
export async function openstackJson<T = unknown>(args: string[], opts: CliOptions): Promise<T> {
  const run = await openstack([...args, '-f', 'json'], opts);
  if (run.code !== 0) throw new Error(`openstack failed\n${describeRun(run)}`);
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`openstack printed no JSON\n${describeRun(run)}`);
  }
}

/** Like `openstack`, but expects exit 0 and resolves stdout; throws with the output otherwise. */
export async function openstackOk(args: string[], opts: CliOptions): Promise<string> {
  const run = await openstack(args, opts);
  if (run.code !== 0) throw new Error(`openstack failed\n${describeRun(run)}`);
  return run.stdout;
}

interface CloudsFile {
  clouds?: Record<string, CloudEntry>;
}

interface CloudEntry {
  auth?: Record<string, string>;
  auth_type?: string;
  region_name?: string;
  identity_api_version?: string | number;
  interface?: string;
}

/** Reads a cloud from clouds.yaml as explicit credentials (e.g. the server's `nuage` admin cloud). */
export async function readCloud(cloudsYaml: string, cloud = 'nuage'): Promise<Credentials> {
  const parsed = parseYaml(await readFile(cloudsYaml, 'utf8')) as CloudsFile;
  const entry = parsed.clouds?.[cloud];
  if (!entry?.auth?.auth_url) throw new Error(`${cloudsYaml} has no cloud ${cloud} with an auth_url`);
  const auth = entry.auth;
  return {
    authUrl: auth.auth_url as string,
    username: auth.username,
    password: auth.password,
    userDomainName: auth.user_domain_name ?? auth.user_domain_id,
    projectName: auth.project_name,
    projectDomainName: auth.project_domain_name ?? auth.project_domain_id,
    domainName: auth.domain_name,
    regionName: entry.region_name,
  };
}

/** Writes a clouds.yaml (mode 0600) holding one cloud per entry of `clouds`, for `--os-cloud <name>`. */
export async function writeCloudsYaml(path: string, clouds: Record<string, Credentials>): Promise<string> {
  const out: Record<string, CloudEntry> = {};
  for (const [name, c] of Object.entries(clouds)) {
    const auth: Record<string, string> = { auth_url: c.authUrl };
    const set = (key: string, value: string | undefined) => {
      if (value !== undefined) auth[key] = value;
    };
    set('username', c.username);
    set('password', c.password);
    set('user_domain_name', c.userDomainName);
    set('project_name', c.projectName);
    set('project_domain_name', c.projectDomainName);
    set('domain_name', c.domainName);
    set('application_credential_id', c.applicationCredentialId);
    set('application_credential_secret', c.applicationCredentialSecret);
    set('token', c.token);
    out[name] = {
      auth,
      auth_type: c.authType ?? 'password',
      identity_api_version: 3,
      ...(c.regionName ? { region_name: c.regionName } : {}),
    };
  }
  await writeFile(path, stringifyYaml({ clouds: out }), { mode: 0o600 });
  return path;
}
