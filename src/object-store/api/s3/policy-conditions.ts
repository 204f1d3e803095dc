// The Condition block of bucket policy statements: String, IP address, Date, Numeric, Bool and Null
// operators (with ...IfExists and the ForAnyValue:/ForAllValues: set qualifiers), over the condition keys
// this server can know about a request. A condition block is validated when the policy is put:
// unknown operators and keys are MalformedPolicy, as AWS answers.
import { BlockList, isIP } from 'node:net';
import { s3Error } from '../../s3/s3-errors.js';

/** What a request says about itself, by condition key (lower-case); a key that is absent is undefined. */
export type ConditionValues = ReadonlyMap<string, string | undefined>;

/** The condition keys a policy may use: fixed names, and the name prefixes of keyed families. */
const KNOWN_KEYS = new Set([
  'aws:sourceip',
  'aws:securetransport',
  'aws:currenttime',
  'aws:epochtime',
  'aws:useragent',
  'aws:referer',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:userid',
  'aws:username',
  's3:prefix',
  's3:delimiter',
  's3:max-keys',
  's3:x-amz-acl',
  's3:x-amz-content-sha256',
  's3:x-amz-copy-source',
  's3:x-amz-metadata-directive',
  's3:x-amz-storage-class',
  's3:x-amz-grant-read',
  's3:x-amz-grant-write',
  's3:x-amz-grant-read-acp',
  's3:x-amz-grant-write-acp',
  's3:x-amz-grant-full-control',
  's3:versionid',
  's3:signatureversion',
  's3:authtype',
  's3:signatureage',
  's3:resourceaccount',
  's3:object-lock-remaining-retention-days',
]);
const KEY_PREFIXES = ['s3:requestobjecttag/', 's3:existingobjecttag/'];

type Family = 'String' | 'Ip' | 'Date' | 'Numeric' | 'Bool' | 'Null';

export interface Operator {
  family: Family;
  test: (actual: string, expected: string) => boolean;
  /** Negated operators (StringNotEquals…) hold when no expected value matches. */
  negated: boolean;
}

export interface Condition {
  operator: Operator;
  ifExists: boolean;
  qualifier: 'ForAnyValue' | 'ForAllValues' | undefined;
  key: string;
  values: string[];
}

export interface ConditionBlock {
  conditions: Condition[];
}

function malformed(message: string): never {
  throw s3Error('MalformedPolicy', message);
}

/** `*` and `?` wildcards, as StringLike reads them. */
function like(actual: string, pattern: string): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`, 's').test(actual);
}

function ipMatches(actual: string, cidr: string): boolean {
  const address = actual.startsWith('::ffff:') && isIP(actual.slice(7)) === 4 ? actual.slice(7) : actual;
  const [network, bits] = cidr.split('/');
  const family = isIP(network ?? '');
  if (family === 0 || isIP(address) === 0) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  list.addSubnet(network as string, prefix, type);
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

function dateOf(value: string): number {
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
}

const compareDates = (test: (a: number, b: number) => boolean) => (actual: string, expected: string) => {
  const a = dateOf(actual);
  const b = dateOf(expected);
  return !Number.isNaN(a) && !Number.isNaN(b) && test(a, b);
};
const compareNumbers = (test: (a: number, b: number) => boolean) => (actual: string, expected: string) =>
  actual.trim() !== '' && test(Number(actual), Number(expected));

const OPERATORS: Record<string, Operator> = {
  StringEquals: { family: 'String', negated: false, test: (a, e) => a === e },
  StringNotEquals: { family: 'String', negated: true, test: (a, e) => a === e },
  StringEqualsIgnoreCase: {
    family: 'String',
    negated: false,
    test: (a, e) => a.toLowerCase() === e.toLowerCase(),
  },
  StringNotEqualsIgnoreCase: {
    family: 'String',
    negated: true,
    test: (a, e) => a.toLowerCase() === e.toLowerCase(),
  },
  StringLike: { family: 'String', negated: false, test: like },
  StringNotLike: { family: 'String', negated: true, test: like },
  IpAddress: { family: 'Ip', negated: false, test: ipMatches },
  NotIpAddress: { family: 'Ip', negated: true, test: ipMatches },
  DateEquals: { family: 'Date', negated: false, test: compareDates((a, b) => a === b) },
  DateNotEquals: { family: 'Date', negated: true, test: compareDates((a, b) => a === b) },
  DateLessThan: { family: 'Date', negated: false, test: compareDates((a, b) => a < b) },
  DateLessThanEquals: { family: 'Date', negated: false, test: compareDates((a, b) => a <= b) },
  DateGreaterThan: { family: 'Date', negated: false, test: compareDates((a, b) => a > b) },
  DateGreaterThanEquals: { family: 'Date', negated: false, test: compareDates((a, b) => a >= b) },
  NumericEquals: { family: 'Numeric', negated: false, test: compareNumbers((a, b) => a === b) },
  NumericNotEquals: { family: 'Numeric', negated: true, test: compareNumbers((a, b) => a === b) },
  NumericLessThan: { family: 'Numeric', negated: false, test: compareNumbers((a, b) => a < b) },
  NumericLessThanEquals: { family: 'Numeric', negated: false, test: compareNumbers((a, b) => a <= b) },
  NumericGreaterThan: { family: 'Numeric', negated: false, test: compareNumbers((a, b) => a > b) },
  NumericGreaterThanEquals: { family: 'Numeric', negated: false, test: compareNumbers((a, b) => a >= b) },
  Bool: { family: 'Bool', negated: false, test: (a, e) => a.toLowerCase() === e.toLowerCase() },
  Null: { family: 'Null', negated: false, test: () => true },
};

function checkValue(family: Family, value: string): void {
  const bad =
    (family === 'Ip' &&
      (() => {
        const [network, bits] = value.split('/');
        const version = isIP(network ?? '');
        const max = version === 4 ? 32 : 128;
        return version === 0 || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max));
      })()) ||
    (family === 'Date' && Number.isNaN(dateOf(value))) ||
    (family === 'Numeric' && (value.trim() === '' || Number.isNaN(Number(value)))) ||
    ((family === 'Bool' || family === 'Null') && !['true', 'false'].includes(value.toLowerCase()));
  if (bad) malformed(`Invalid Condition value ${value.slice(0, 100)} for the ${family} operator.`);
}

function conditionValues(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || list.length > 100) malformed('A condition has no values, or too many.');
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return malformed('Condition values are strings, numbers or booleans.');
  });
}

function parseOperator(name: string): Pick<Condition, 'operator' | 'ifExists' | 'qualifier'> {
  const qualified = /^(ForAnyValue|ForAllValues):(.+)$/.exec(name);
  const qualifier = qualified?.[1] as Condition['qualifier'];
  let base = qualified?.[2] ?? name;
  const ifExists = base.endsWith('IfExists') && base !== 'IfExists';
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  const operator = Object.hasOwn(OPERATORS, base) ? OPERATORS[base] : undefined;
  if (!operator || (ifExists && operator.family === 'Null'))
    malformed(`Invalid Condition type : ${name.slice(0, 100)}`);
  return { operator, ifExists, qualifier };
}

function checkKey(key: string): string {
  const lower = key.toLowerCase();
  if (KNOWN_KEYS.has(lower) || KEY_PREFIXES.some((p) => lower.startsWith(p) && lower.length > p.length))
    return lower;
  return malformed(`Policy has an invalid condition key: ${key.slice(0, 100)}`);
}

/** Parses and validates a statement's Condition block. */
export function parseConditions(raw: unknown): ConditionBlock {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    malformed('Condition must be an object.');
  const conditions: Condition[] = [];
  for (const [operatorName, keys] of Object.entries(raw as Record<string, unknown>)) {
    const parsed = parseOperator(operatorName);
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys))
      malformed('Condition keys must be an object.');
    if (Object.keys(keys).length === 0) malformed(`The ${operatorName} condition names no key.`);
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      const list = conditionValues(values);
      for (const value of list) checkValue(parsed.operator.family, value);
      conditions.push({ ...parsed, key: checkKey(key), values: list });
      if (conditions.length > 100) malformed('Too many conditions.');
    }
  }
  return { conditions };
}

function holds(c: Condition, values: ConditionValues): boolean {
  const actual = values.get(c.key);
  if (c.operator.family === 'Null')
    return c.values.some((v) => (v.toLowerCase() === 'true') === (actual === undefined));
  // An absent key matches no value: positive operators fail (unless ...IfExists), negated ones hold.
  if (actual === undefined) return c.ifExists || c.operator.negated;
  const matched = c.values.some((expected) => c.operator.test(actual, expected));
  return c.operator.negated ? !matched : matched;
}

/** Whether every condition of the block holds for the request (an empty block always does). */
export function conditionsHold(block: ConditionBlock | undefined, values: ConditionValues): boolean {
  return (block?.conditions ?? []).every((c) => holds(c, values));
}
