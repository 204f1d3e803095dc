// Evaluates a parsed check tree against credentials and a target, recording why each evaluated
// sub-check passed or failed. Semantics follow oslo.policy's _checks.py: and/or short-circuit, a
// missing %(key)s in the target fails the check, a `rule:` naming no rule fails closed, role names
// compare case-insensitively, and generic checks compare Python's str() of both sides.
import assert from 'node:assert';
import { formatCheck } from './parser.js';
import type { PolicyCheck, PolicyTarget, PolicyTrace, TemplatePart } from './types.js';

/** oslo's policy values: the credential dict rules are written against (`user_id`, `roles`…). */
export type PolicyValues = Readonly<Record<string, unknown>>;

/** Rule chains deeper than this are a cycle the loader missed; fail closed rather than recurse forever. */
const MAX_RULE_DEPTH = 32;

/** Python's str() of a JSON-ish value, so `is_admin:True` matches a boolean true as oslo does. */
export function pythonString(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Looks a `%(key)s` up: the flat key first (keystone and neutron flatten targets), then a dotted path. */
function lookupTarget(target: PolicyTarget, key: string): { found: boolean; value?: unknown } {
  if (Object.hasOwn(target, key)) return { found: true, value: target[key] };
  let node: unknown = target;
  for (const segment of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return { found: false };
    node = (node as Record<string, unknown>)[segment];
  }
  return { found: true, value: node };
}

function render(parts: TemplatePart[], target: PolicyTarget): { text?: string; missing?: string } {
  let text = '';
  for (const part of parts) {
    if ('text' in part) {
      text += part.text;
      continue;
    }
    const hit = lookupTarget(target, part.key);
    if (!hit.found) return { missing: part.key };
    text += pythonString(hit.value);
  }
  return { text };
}

/** oslo's GenericCheck._find_in_dict: walk the path; a list matches when any element does. */
function findInCredentials(node: unknown, path: readonly string[], match: string): boolean {
  if (path.length === 0) return match === pythonString(node);
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  const [key, ...rest] = path;
  if (!Object.hasOwn(node, key!)) return false;
  const value = (node as Record<string, unknown>)[key!];
  if (Array.isArray(value)) return value.some((item) => findInCredentials(item, rest, match));
  return findInCredentials(value, rest, match);
}

export class CheckEvaluator {
  constructor(
    private readonly rules: ReadonlyMap<string, PolicyCheck>,
    private readonly creds: PolicyValues,
    private readonly target: PolicyTarget,
  ) {}

  evaluate(check: PolicyCheck, depth = 0): PolicyTrace {
    const label = formatCheck(check);
    switch (check.kind) {
      case 'true':
        return { check: label, result: true, detail: 'always' };
      case 'false':
        return { check: label, result: false, detail: 'never' };
      case 'not': {
        const inner = this.evaluate(check.check, depth);
        return { check: label, result: !inner.result, children: [inner] };
      }
      case 'and':
      case 'or':
        return this.combine(check.kind, check.checks, label, depth);
      case 'rule':
        return this.rule(check.name, label, depth);
      case 'role':
        return this.role(check.match, label);
      case 'field':
        return this.field(check, label);
      case 'generic':
        return this.generic(check, label);
    }
  }

  /**
   * The same decision as evaluate() without building the trace (no labels, no details): what services
   * call on every request and every listed row.
   */
  test(check: PolicyCheck, depth = 0): boolean {
    switch (check.kind) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !this.test(check.check, depth);
      case 'and':
        return check.checks.every((sub) => this.test(sub, depth));
      case 'or':
        return check.checks.some((sub) => this.test(sub, depth));
      case 'rule': {
        const rule = this.rules.get(check.name);
        if (!rule) return false;
        assert(
          depth < MAX_RULE_DEPTH,
          `policy rule chain deeper than ${MAX_RULE_DEPTH} at rule:${check.name}`,
        );
        return this.test(rule, depth + 1);
      }
      case 'role': {
        const rendered = render(check.match, this.target).text;
        return rendered !== undefined && this.lowerRoles().includes(rendered.toLowerCase());
      }
      case 'field': {
        if (!Object.hasOwn(this.target, check.field)) return false;
        const actual = pythonString(this.target[check.field]);
        return check.regex ? check.regex.test(actual) : actual === check.value;
      }
      case 'generic': {
        const match = render(check.match, this.target).text;
        if (match === undefined) return false;
        if (check.literal !== undefined) return match === check.literal;
        return findInCredentials(this.creds, check.path, match);
      }
    }
  }

  private roles?: string[];
  private lowerRoles(): string[] {
    this.roles ??= Array.isArray(this.creds.roles)
      ? this.creds.roles.map((r) => pythonString(r).toLowerCase())
      : [];
    return this.roles;
  }

  private combine(op: 'and' | 'or', checks: PolicyCheck[], label: string, depth: number): PolicyTrace {
    const children: PolicyTrace[] = [];
    // Short-circuit as oslo does: `and` stops at the first failure, `or` at the first success.
    for (const sub of checks) {
      const trace = this.evaluate(sub, depth);
      children.push(trace);
      if (trace.result === (op === 'or')) return { check: label, result: op === 'or', children };
    }
    return { check: label, result: op === 'and', children };
  }

  private rule(name: string, label: string, depth: number): PolicyTrace {
    const check = this.rules.get(name);
    if (!check) return { check: label, result: false, detail: `no rule named "${name}" (fails closed)` };
    assert(depth < MAX_RULE_DEPTH, `policy rule chain deeper than ${MAX_RULE_DEPTH} at rule:${name}`);
    const inner = this.evaluate(check, depth + 1);
    return { check: label, result: inner.result, children: [inner] };
  }

  private role(match: TemplatePart[], label: string): PolicyTrace {
    const rendered = render(match, this.target);
    if (rendered.text === undefined) return missing(label, rendered.missing!);
    const roles = Array.isArray(this.creds.roles)
      ? this.creds.roles.map((r) => pythonString(r).toLowerCase())
      : [];
    const result = roles.includes(rendered.text.toLowerCase());
    const detail = `role "${rendered.text}" ${result ? 'is' : 'is not'} among [${roles.join(', ')}]`;
    return { check: label, result, detail };
  }

  private field(check: Extract<PolicyCheck, { kind: 'field' }>, label: string): PolicyTrace {
    if (!Object.hasOwn(this.target, check.field)) return missing(label, check.field);
    const actual = pythonString(this.target[check.field]);
    const result = check.regex ? check.regex.test(actual) : actual === check.value;
    return { check: label, result, detail: `target ${check.field} is "${actual}"` };
  }

  private generic(check: Extract<PolicyCheck, { kind: 'generic' }>, label: string): PolicyTrace {
    const rendered = render(check.match, this.target);
    if (rendered.text === undefined) return missing(label, rendered.missing!);
    const match = rendered.text;
    if (check.literal !== undefined) {
      const result = match === check.literal;
      return { check: label, result, detail: `"${check.literal}" ${result ? '==' : '!='} "${match}"` };
    }
    const result = findInCredentials(this.creds, check.path, match);
    const actual = describeCredential(this.creds, check.path);
    return { check: label, result, detail: `credential ${check.left} is ${actual}, wanted "${match}"` };
  }
}

function missing(label: string, key: string): PolicyTrace {
  return { check: label, result: false, detail: `target has no "${key}"` };
}

function describeCredential(creds: PolicyValues, path: readonly string[]): string {
  let node: unknown = creds;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return 'absent';
    node = (node as Record<string, unknown>)[segment];
  }
  return Array.isArray(node) ? `[${node.map(pythonString).join(', ')}]` : `"${pythonString(node)}"`;
}
