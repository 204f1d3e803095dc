// Rules as data: each service registers its defaults once; an operator's overrides are merged over
// them to give the effective rules, and an Enforcer answers "may these credentials do this?".
import { CheckEvaluator, type PolicyValues } from './evaluate.js';
import { parseRule, PolicyParseError } from './parser.js';
import type {
  PolicyCheck,
  PolicyCredentials,
  PolicyDecision,
  PolicyTarget,
  RuleDefault,
  ScopeType,
} from './types.js';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export interface EffectiveRule extends RuleDefault {
  /** Where the check string came from. */
  source: 'default' | 'override';
  parsed: PolicyCheck;
}

/** Operator overrides: service → rule name → check string. */
export type PolicyOverrides = Readonly<Record<string, Readonly<Record<string, string>>>>;

export class PolicyRegistry {
  private readonly services = new Map<string, Map<string, RuleDefault>>();

  /** Registers a service's defaults; a rule name registered twice is a programming error. */
  registerDefaults(service: string, rules: readonly RuleDefault[]): void {
    const known = this.services.get(service) ?? new Map<string, RuleDefault>();
    for (const rule of rules) {
      if (known.has(rule.name))
        throw new PolicyError(`policy rule ${service}:${rule.name} is registered twice`);
      known.set(rule.name, rule);
    }
    this.services.set(service, known);
  }

  serviceNames(): string[] {
    return [...this.services.keys()].sort();
  }

  defaults(service: string): readonly RuleDefault[] {
    return [...(this.services.get(service)?.values() ?? [])];
  }

  /**
   * The effective rules of every service with `overrides` merged in.
   * @throws PolicyError listing every unknown service or rule, unparsable check string, reference to a
   *   missing rule, and cycle, so an operator fixes the file in one pass.
   */
  resolve(overrides: PolicyOverrides = {}): Map<string, Enforcer> {
    const problems: string[] = [];
    for (const service of Object.keys(overrides)) {
      if (!this.services.has(service)) problems.push(`${service}: unknown service`);
    }
    const enforcers = new Map<string, Enforcer>();
    for (const [service, defaults] of this.services) {
      const rules = this.merge(service, defaults, overrides[service] ?? {}, problems);
      problems.push(...checkReferences(service, rules));
      enforcers.set(service, new Enforcer(service, rules));
    }
    if (problems.length > 0) {
      throw new PolicyError(`invalid policy (${problems.length} problem(s)):\n  ${problems.join('\n  ')}`);
    }
    return enforcers;
  }

  private merge(
    service: string,
    defaults: Map<string, RuleDefault>,
    overrides: Readonly<Record<string, string>>,
    problems: string[],
  ): Map<string, EffectiveRule> {
    const rules = new Map<string, EffectiveRule>();
    for (const name of Object.keys(overrides)) {
      if (!defaults.has(name)) problems.push(`${service}:${name}: unknown rule`);
    }
    for (const [name, rule] of defaults) {
      const override = overrides[name];
      const check = override ?? rule.check;
      try {
        const parsed = parseRule(name, check);
        rules.set(name, { ...rule, check, source: override === undefined ? 'default' : 'override', parsed });
      } catch (err) {
        if (!(err instanceof PolicyParseError)) throw err;
        problems.push(`${service}:${name}: cannot parse ${JSON.stringify(check)}: ${err.reason}`);
      }
    }
    return rules;
  }
}

function referencedRules(check: PolicyCheck): string[] {
  switch (check.kind) {
    case 'rule':
      return [check.name];
    case 'not':
      return referencedRules(check.check);
    case 'and':
    case 'or':
      return check.checks.flatMap(referencedRules);
    default:
      return [];
  }
}

/** oslo's check_rules: every `rule:` must exist and no rule may reach itself. */
function checkReferences(service: string, rules: Map<string, EffectiveRule>): string[] {
  const problems: string[] = [];
  for (const [name, rule] of rules) {
    for (const ref of referencedRules(rule.parsed)) {
      if (!rules.has(ref)) problems.push(`${service}:${name}: refers to undefined rule "${ref}"`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done' || !rules.has(name)) return;
    if (state.get(name) === 'visiting') {
      problems.push(`${service}:${name}: cycle ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const ref of referencedRules(rules.get(name)!.parsed)) visit(ref, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of rules.keys()) visit(name, []);
  return problems;
}

/** The scope a token carries, as oslo.policy derives it for scope_types enforcement. */
export function tokenScope(creds: PolicyCredentials): ScopeType | undefined {
  if (creds.systemScope) return 'system';
  if (creds.domainId) return 'domain';
  if (creds.projectId) return 'project';
  return undefined;
}

/** oslo's RequestContext.to_policy_values(). */
export function policyValues(creds: PolicyCredentials): PolicyValues {
  return {
    user_id: creds.userId,
    user_domain_id: creds.userDomainId,
    project_id: creds.projectId,
    project_domain_id: creds.projectDomainId,
    domain_id: creds.domainId,
    system_scope: creds.systemScope,
    roles: [...creds.roles],
    is_admin: creds.isAdmin ?? false,
    is_reader_admin: creds.isReaderAdmin ?? creds.isAdmin ?? false,
    is_admin_project: creds.isAdminProject ?? true,
  };
}

// Credentials objects are not mutated once built (identity caches one per AuthContext).
const valuesCache = new WeakMap<PolicyCredentials, PolicyValues>();
function valuesOf(creds: PolicyCredentials): PolicyValues {
  let values = valuesCache.get(creds);
  if (!values) {
    values = policyValues(creds);
    valuesCache.set(creds, values);
  }
  return values;
}

/** One service's effective rules. */
export class Enforcer {
  private readonly parsed: Map<string, PolicyCheck>;

  constructor(
    readonly service: string,
    readonly rules: ReadonlyMap<string, EffectiveRule>,
  ) {
    this.parsed = new Map([...rules].map(([name, rule]) => [name, rule.parsed]));
  }

  /**
   * Decides whether `creds` may perform rule `name` on `target`, with the reasons.
   * A token whose scope is not among the rule's scope types is refused (oslo's enforce_scope).
   * @throws PolicyError if `name` is not a registered rule (a programming error, as oslo's authorize()).
   */
  /** enforce()'s decision without its explanation (cheaper: no trace is built). */
  allows(name: string, creds: PolicyCredentials, target: PolicyTarget): boolean {
    const rule = this.rules.get(name);
    if (!rule) throw new PolicyError(`policy rule ${this.service}:${name} is not registered`);
    const scope = tokenScope(creds);
    if (rule.scopeTypes && !(scope && rule.scopeTypes.includes(scope))) return false;
    return new CheckEvaluator(this.parsed, valuesOf(creds), target).test(rule.parsed);
  }

  enforce(name: string, creds: PolicyCredentials, target: PolicyTarget): PolicyDecision {
    const rule = this.rules.get(name);
    if (!rule) throw new PolicyError(`policy rule ${this.service}:${name} is not registered`);
    const scope = tokenScope(creds);
    if (rule.scopeTypes && !(scope && rule.scopeTypes.includes(scope))) {
      const detail = `token scope ${scope ?? 'none'} is not one of [${rule.scopeTypes.join(', ')}]`;
      return { allowed: false, trace: { check: `scope_types of ${name}`, result: false, detail } };
    }
    const evaluator = new CheckEvaluator(this.parsed, policyValues(creds), target);
    const trace = evaluator.evaluate(rule.parsed);
    return {
      allowed: trace.result,
      trace: { check: `rule:${name}`, result: trace.result, children: [trace] },
    };
  }
}
