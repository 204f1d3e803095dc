// Parses oslo.policy's rule language ("role:member and project_id:%(project_id)s") into a check
// tree. Tokenising follows oslo.policy's _parser.py (whitespace-separated words, parentheses peeled
// off the ends of words, case-insensitive and/or/not); precedence is not > and > or, as oslo's
// reducer yields. Unlike oslo, which logs and falls back to "never", a rule that does not parse is an
// error naming the rule, so that a typo in an override file stops start-up instead of locking users out.
import type { PolicyCheck, TemplatePart } from './types.js';

export class PolicyParseError extends Error {
  constructor(
    readonly ruleName: string,
    readonly checkString: string,
    readonly reason: string,
  ) {
    super(`policy rule "${ruleName}": cannot parse ${JSON.stringify(checkString)}: ${reason}`);
    this.name = 'PolicyParseError';
  }
}

type Token = { type: 'and' | 'or' | 'not' | '(' | ')' } | { type: 'check'; text: string };

/** oslo peels "(" from the start and ")" from the end of each word; "%(x)s" inside a word stays whole. */
function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  for (const word of rule.split(/\s+/)) {
    if (word === '') continue;
    const afterOpen = word.replace(/^\(+/, '');
    for (let i = 0; i < word.length - afterOpen.length; i++) tokens.push({ type: '(' });
    if (afterOpen === '') continue;
    const clean = afterOpen.replace(/\)+$/, '');
    const lowered = clean.toLowerCase();
    if (lowered === 'and' || lowered === 'or' || lowered === 'not') tokens.push({ type: lowered });
    else if (clean !== '') tokens.push({ type: 'check', text: clean });
    for (let i = 0; i < afterOpen.length - clean.length; i++) tokens.push({ type: ')' });
  }
  return tokens;
}

/** Parses the right-hand side of a check: literal text with `%(key)s` substitutions and `%%`. */
export function parseTemplate(match: string): TemplatePart[] | string {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < match.length; i++) {
    const ch = match[i];
    if (ch !== '%') {
      text += ch;
      continue;
    }
    if (match[i + 1] === '%') {
      text += '%';
      i++;
      continue;
    }
    const m = /^%\(([^)]+)\)s/.exec(match.slice(i));
    if (!m) return `"${match}" has a "%" that is not "%(name)s" or "%%"`;
    if (text) parts.push({ text });
    text = '';
    parts.push({ key: m[1]! });
    i += m[0].length - 1;
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/** The Python literals ast.literal_eval accepts on the left of a generic check, as Python's str() prints them. */
function pythonLiteral(left: string): string | undefined {
  if (left === 'True' || left === 'False' || left === 'None') return left;
  if (/^-?\d+$/.test(left)) return String(Number.parseInt(left, 10));
  const quoted = /^'([^']*)'$/.exec(left) ?? /^"([^"]*)"$/.exec(left);
  return quoted ? quoted[1] : undefined;
}

function parseFieldCheck(match: string): PolicyCheck | string {
  // Neutron's FieldCheck: "networks:shared=True" or "port:device_owner=~^network:".
  const colon = match.indexOf(':');
  const equals = match.indexOf('=', colon + 1);
  if (colon <= 0 || equals < 0) return `field check "field:${match}" is not "field:resource:name=value"`;
  const resource = match.slice(0, colon);
  const field = match.slice(colon + 1, equals);
  const value = match.slice(equals + 1);
  if (!value.startsWith('~')) return { kind: 'field', resource, field, value };
  try {
    return { kind: 'field', resource, field, value, regex: new RegExp(value.slice(1)) };
  } catch {
    return `field check "field:${match}" has an invalid regular expression`;
  }
}

/** One check word: "@", "!", or "kind:match". Returns an error reason as a string. */
function parseCheck(text: string): PolicyCheck | string {
  if (text === '@') return { kind: 'true' };
  if (text === '!') return { kind: 'false' };
  if (/^(['"]).*\1$/.test(text)) return `"${text}" is a quoted string, not a check`;
  const colon = text.indexOf(':');
  if (colon < 0) return `"${text}" is not a check (expected "kind:match", "@" or "!")`;
  const left = text.slice(0, colon);
  const match = text.slice(colon + 1);
  if (left === '') return `"${text}" has nothing before ":"`;
  if (left === 'rule') return match ? { kind: 'rule', name: match } : `"${text}" names no rule`;
  if (left === 'field') return parseFieldCheck(match);
  if (left === 'http' || left === 'https') return `"${text}": remote http checks are not supported`;
  const template = parseTemplate(match);
  if (typeof template === 'string') return template;
  if (left === 'role') return { kind: 'role', match: template };
  const literal = pythonLiteral(left);
  return { kind: 'generic', left, literal, path: left.split('.'), match: template };
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): PolicyCheck | string {
    const tree = this.orExpr();
    if (typeof tree === 'string') return tree;
    const extra = this.tokens[this.pos];
    if (extra) return `unexpected ${describe(extra)} after a complete expression`;
    return tree;
  }

  private orExpr(): PolicyCheck | string {
    return this.list('or', () => this.andExpr());
  }

  private andExpr(): PolicyCheck | string {
    return this.list('and', () => this.unary());
  }

  private list(op: 'and' | 'or', next: () => PolicyCheck | string): PolicyCheck | string {
    const first = next();
    if (typeof first === 'string') return first;
    const checks = [first];
    while (this.tokens[this.pos]?.type === op) {
      this.pos++;
      const more = next();
      if (typeof more === 'string') return more;
      checks.push(more);
    }
    return checks.length === 1 ? first : { kind: op, checks };
  }

  private unary(): PolicyCheck | string {
    const token = this.tokens[this.pos];
    if (!token) return 'expected a check, found the end of the rule';
    this.pos++;
    if (token.type === 'check') return parseCheck(token.text);
    if (token.type === 'not') {
      const inner = this.unary();
      return typeof inner === 'string' ? inner : { kind: 'not', check: inner };
    }
    if (token.type === '(') {
      const inner = this.orExpr();
      if (typeof inner === 'string') return inner;
      if (this.tokens[this.pos]?.type !== ')') return 'missing ")"';
      this.pos++;
      return inner;
    }
    return `expected a check, found ${describe(token)}`;
  }
}

function describe(token: Token): string {
  return token.type === 'check' ? `"${token.text}"` : `"${token.type}"`;
}

/**
 * Parses a check string; an empty string means "always", as in oslo.policy.
 * @throws PolicyParseError naming `ruleName` when the string is not valid policy language.
 */
export function parseRule(ruleName: string, checkString: string): PolicyCheck {
  if (checkString.trim() === '') return { kind: 'true' };
  const result = new Parser(tokenize(checkString)).parse();
  if (typeof result === 'string') throw new PolicyParseError(ruleName, checkString, result);
  return result;
}

/** Prints a check tree back in policy language (fully parenthesised, like oslo's str()). */
export function formatCheck(check: PolicyCheck): string {
  switch (check.kind) {
    case 'true':
      return '@';
    case 'false':
      return '!';
    case 'and':
    case 'or':
      return `(${check.checks.map(formatCheck).join(` ${check.kind} `)})`;
    case 'not':
      return `not ${formatCheck(check.check)}`;
    case 'rule':
      return `rule:${check.name}`;
    case 'role':
      return `role:${formatTemplate(check.match)}`;
    case 'field':
      return `field:${check.resource}:${check.field}=${check.value}`;
    case 'generic':
      return `${check.left}:${formatTemplate(check.match)}`;
  }
}

export function formatTemplate(parts: TemplatePart[]): string {
  return parts.map((p) => ('key' in p ? `%(${p.key})s` : p.text.replaceAll('%', '%%'))).join('');
}
