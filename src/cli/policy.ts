// `nuage policy list` prints the effective rules (defaults merged with an override file) in the
// override file's own YAML shape; `nuage policy check` explains one decision for a token.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  credentialsFromToken,
  defaultPolicyRegistry,
  type Enforcer,
  loadOverrideFile,
  PolicyError,
  type PolicyTrace,
} from '../common/policy/index.js';

const FLAGS = {
  service: { type: 'string' },
  'policy-file': { type: 'string' },
  'token-json': { type: 'string' },
  target: { type: 'string' },
} as const;

function enforcers(policyFile: string | undefined): Map<string, Enforcer> {
  const overrides = policyFile ? loadOverrideFile(policyFile) : {};
  return defaultPolicyRegistry().resolve(overrides);
}

function listRules(all: Map<string, Enforcer>, service: string | undefined): string {
  if (service && !all.has(service))
    throw new PolicyError(`unknown service "${service}"; known: ${[...all.keys()].join(', ')}`);
  const lines: string[] = [];
  for (const [name, enforcer] of all) {
    if (service && name !== service) continue;
    lines.push(`${name}:`);
    for (const rule of enforcer.rules.values()) {
      const about = [rule.description];
      if (rule.scopeTypes) about.push(`scope: ${rule.scopeTypes.join(', ')}`);
      if (rule.operations) about.push(rule.operations.map((op) => `${op.method} ${op.path}`).join(', '));
      if (rule.source === 'override') about.push('overridden');
      lines.push(`  # ${about.join(' | ')}`, `  ${JSON.stringify(rule.name)}: ${JSON.stringify(rule.check)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function formatTrace(trace: PolicyTrace, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${trace.result ? 'pass' : 'FAIL'}  ${trace.check}${trace.detail ? `  (${trace.detail})` : ''}`;
  return [line, ...(trace.children ?? []).flatMap((child) => formatTrace(child, depth + 1))];
}

function pickEnforcer(all: Map<string, Enforcer>, action: string, service: string | undefined): Enforcer {
  const candidates = [...all.values()].filter((e) => (service ? e.service === service : e.rules.has(action)));
  if (candidates.length === 1 && candidates[0]!.rules.has(action)) return candidates[0]!;
  if (candidates.length > 1)
    throw new PolicyError(`rule "${action}" exists in several services; pass --service`);
  throw new PolicyError(`no rule "${action}"${service ? ` in service "${service}"` : ''}`);
}

function check(
  all: Map<string, Enforcer>,
  positionals: string[],
  values: Record<string, string | undefined>,
) {
  const [action] = positionals;
  const tokenFile = values['token-json'];
  if (!action || !tokenFile)
    throw new PolicyError('usage: nuage policy check --token-json FILE ACTION [--target JSON]');
  const creds = credentialsFromToken(JSON.parse(readFileSync(tokenFile, 'utf8')));
  const target: unknown = values.target ? JSON.parse(values.target) : {};
  if (target === null || typeof target !== 'object' || Array.isArray(target)) {
    throw new PolicyError('--target must be a JSON object');
  }
  const enforcer = pickEnforcer(all, action, values.service);
  const decision = enforcer.enforce(action, creds, target as Record<string, unknown>);
  const head = `${enforcer.service}:${action}: ${decision.allowed ? 'ALLOWED' : 'DENIED'}`;
  return { allowed: decision.allowed, text: [head, ...formatTrace(decision.trace)].join('\n') + '\n' };
}

/** Runs `nuage policy list|check …`; returns the exit code (check: 0 allowed, 1 denied). */
export function runPolicy(argv: string[]): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: FLAGS,
    strict: true,
    allowPositionals: true,
  });
  const all = enforcers(values['policy-file']);
  if (sub === 'list') {
    process.stdout.write(listRules(all, values.service));
    return 0;
  }
  if (sub === 'check') {
    const result = check(all, positionals, values);
    process.stdout.write(result.text);
    return result.allowed ? 0 : 1;
  }
  throw new PolicyError(
    'usage: nuage policy list [--service S] | check --token-json FILE ACTION [--target JSON]',
  );
}
