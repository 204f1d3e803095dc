// Builds the one frozen Config: schema defaults → optional TOML file → NUAGE_* environment → CLI flags.
// Unknown keys are rejected and a bad value stops start-up with a message naming the key and the source.
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parse as parseToml } from 'smol-toml';
import { ConfigSchema, type Config } from './schema.js';

export class ConfigError extends Error {}

type Tree = Record<string, unknown>;
interface Leaf {
  path: string[];
  envName: string;
}

/** Every leaf key of the schema with the NUAGE_* variable that sets it. */
export function configLeaves(): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (schema: { properties?: Record<string, unknown> }, path: string[]) => {
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      const child = sub as { type?: string; properties?: Record<string, unknown> };
      if (child.type === 'object' && child.properties) walk(child, [...path, key]);
      else leaves.push({ path: [...path, key], envName: envNameFor([...path, key]) });
    }
  };
  walk(ConfigSchema as unknown as { properties: Record<string, unknown> }, []);
  return leaves;
}

function envNameFor(path: string[]): string {
  return 'NUAGE_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1] as string] = value;
}

function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null
        ? merge(b as Tree, v as Tree)
        : v;
  }
  return out;
}

/** Environment variables named NUAGE_* that are not config keys but are read elsewhere on purpose. */
const NON_CONFIG_ENV = new Set(['NUAGE_CONFIG', 'NUAGE_CACHE_DIR']);

function fromEnv(env: Record<string, string | undefined>): Tree {
  const byName = new Map(configLeaves().map((l) => [l.envName, l]));
  const tree: Tree = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('NUAGE_') || value === undefined) continue;
    if (NON_CONFIG_ENV.has(name) || name.startsWith('NUAGE_TEST_')) continue;
    const leaf = byName.get(name);
    if (!leaf) throw new ConfigError(`unknown environment variable ${name} (not a Nuage config key)`);
    setPath(tree, leaf.path, value);
  }
  return tree;
}

function fromFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text) as Tree;
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid TOML: ${(err as Error).message}`);
  }
}

export interface ConfigSources {
  file?: string | undefined;
  env?: Record<string, string | undefined>;
  /** Dotted key → value, from CLI flags. */
  overrides?: Record<string, unknown>;
}

/** Loads, validates and freezes the configuration. Throws ConfigError with a clear message. */
export function loadConfig(sources: ConfigSources = {}): Config {
  let tree: Tree = {};
  const file = sources.file ?? sources.env?.NUAGE_CONFIG;
  if (file) tree = merge(tree, fromFile(file));
  if (sources.env) tree = merge(tree, fromEnv(sources.env));
  for (const [dotted, value] of Object.entries(sources.overrides ?? {})) {
    if (value !== undefined) setPath(tree, dotted.split('.'), value);
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, tree));
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const lines = errors.slice(0, 10).map((e) => {
      const key = e.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
      return e.message.includes('Unexpected property') || e.schema === undefined
        ? `  ${key}: unknown key`
        : `  ${key}: ${e.message} (got ${JSON.stringify(e.value)})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return deepFreeze(converted as Config);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Splits HOST:PORT (IPv6 in brackets) into its parts. */
export function parseHostPort(value: string): { host: string; port: number } {
  const idx = value.lastIndexOf(':');
  const host = value.slice(0, idx).replace(/^\[(.*)\]$/, '$1');
  const port = Number(value.slice(idx + 1));
  if (!host || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`invalid HOST:PORT ${JSON.stringify(value)}`);
  }
  return { host, port };
}
