// Reads the operator's policy override file: YAML, one mapping per service of rule name → check
// string, e.g. `network: { create_network: "rule:admin_only" }`. Shape errors are reported for every
// offending key at once; rule names and check strings are validated by PolicyRegistry.resolve().
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { PolicyError, type PolicyOverrides } from './registry.js';

export function parseOverrides(text: string, origin: string): PolicyOverrides {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new PolicyError(`${origin}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new PolicyError(`${origin}: expected a mapping of service name to rules`);
  }
  const problems: string[] = [];
  const result: Record<string, Record<string, string>> = {};
  for (const [service, rules] of Object.entries(doc as Record<string, unknown>)) {
    if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) {
      problems.push(`${service}: expected a mapping of rule name to check string`);
      continue;
    }
    result[service] = {};
    for (const [name, check] of Object.entries(rules as Record<string, unknown>)) {
      if (typeof check === 'string') result[service][name] = check;
      else problems.push(`${service}:${name}: the check must be a string, not ${JSON.stringify(check)}`);
    }
  }
  if (problems.length > 0)
    throw new PolicyError(`${origin}: invalid policy file:\n  ${problems.join('\n  ')}`);
  return result;
}

export function loadOverrideFile(path: string): PolicyOverrides {
  return parseOverrides(readFileSync(path, 'utf8'), path);
}
