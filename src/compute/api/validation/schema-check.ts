// A JSON Schema checker with the semantics and messages of Python's jsonschema (Draft 2020-12), as Nova
// runs it (nova/api/validation/validators.py): errors come depth first with their path, the failing
// instance and jsonschema's message, and Nova reports the first. Nova's one extension is kept:
// `minimum`/`maximum` also apply to numeric strings ("10").
// Only the keywords Nova's request schemas use are implemented; the schemas are TypeBox values.
import { pyRepr } from '../../../common/py-repr.js';

export type Schema = Readonly<Record<string, unknown>>;
export type PathItem = string | number;

export interface SchemaError {
  /** Where in the instance, from the root. */
  path: PathItem[];
  instance: unknown;
  message: string;
  /** The failing keyword (jsonschema's `validator`). */
  keyword: string;
  /** The (sub)schema holding the keyword. */
  schema: Schema;
  /** Set by a format checker that explains itself (Nova's InvalidName). */
  cause?: string;
}

/** A format check: true when valid; a string is a failure with Nova's own message (InvalidName). */
export type FormatCheck = (value: string) => true | false | string;

type Check = (value: unknown, arg: unknown, schema: Schema, formats: FormatRegistry) => Iterable<SchemaError>;
type FormatRegistry = Readonly<Record<string, FormatCheck>>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/** jsonschema's equality: booleans never equal numbers, containers compare deeply. */
function equal(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k], b[k]));
  }
  return a === b;
}

/** Nova's _number_from_str: int(), else float(), else not a number (the keyword is skipped). */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^[-+]?\d+$/.test(text) || /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return undefined;
}

const fail = (value: unknown, keyword: string, schema: Schema, message: string): SchemaError => ({
  path: [],
  instance: value,
  message,
  keyword,
  schema,
});

const emptyOr = (n: number, value: unknown, empty: string, other: string) =>
  `${pyRepr(value)} ${n === 1 ? empty : other}`;

const CHECKS: Record<string, Check> = {
  *type(value, arg, schema) {
    const types = Array.isArray(arg) ? (arg as string[]) : [arg as string];
    if (!types.some((t) => isType(value, t)))
      yield fail(value, 'type', schema, `${pyRepr(value)} is not of type ${types.map(pyRepr).join(', ')}`);
  },
  *enum(value, arg, schema) {
    const options = arg as unknown[];
    if (!options.some((o) => equal(o, value)))
      yield fail(value, 'enum', schema, `${pyRepr(value)} is not one of ${pyRepr(options)}`);
  },
  *const(value, arg, schema) {
    if (!equal(arg, value)) yield fail(value, 'const', schema, `${pyRepr(arg)} was expected`);
  },
  *minLength(value, arg, schema) {
    const n = arg as number;
    if (typeof value === 'string' && [...value].length < n)
      yield fail(value, 'minLength', schema, emptyOr(n, value, 'should be non-empty', 'is too short'));
  },
  *maxLength(value, arg, schema) {
    const n = arg as number;
    if (typeof value === 'string' && [...value].length > n)
      yield fail(
        value,
        'maxLength',
        schema,
        `${pyRepr(value)} ${n === 0 ? 'is expected to be empty' : 'is too long'}`,
      );
  },
  *pattern(value, arg, schema) {
    if (typeof value === 'string' && !new RegExp(arg as string, 'u').test(value))
      yield fail(value, 'pattern', schema, `${pyRepr(value)} does not match ${pyRepr(arg)}`);
  },
  *format(value, arg, schema, formats) {
    const check = formats[arg as string];
    if (typeof value !== 'string' || check === undefined) return;
    const result = check(value);
    if (result === true) return;
    const error = fail(value, 'format', schema, `${pyRepr(value)} is not a ${pyRepr(arg)}`);
    yield typeof result === 'string' ? { ...error, cause: result } : error;
  },
  *minimum(value, arg, schema) {
    const n = numberOf(value);
    if (typeof value !== 'boolean' && n !== undefined && n < (arg as number))
      yield fail(value, 'minimum', schema, `${pyRepr(n)} is less than the minimum of ${pyRepr(arg)}`);
  },
  *maximum(value, arg, schema) {
    const n = numberOf(value);
    if (typeof value !== 'boolean' && n !== undefined && n > (arg as number))
      yield fail(value, 'maximum', schema, `${pyRepr(n)} is greater than the maximum of ${pyRepr(arg)}`);
  },
  *exclusiveMinimum(value, arg, schema) {
    if (typeof value === 'number' && value <= (arg as number))
      yield fail(
        value,
        'exclusiveMinimum',
        schema,
        `${pyRepr(value)} is less than or equal to the minimum of ${pyRepr(arg)}`,
      );
  },
  *minItems(value, arg, schema) {
    const n = arg as number;
    if (Array.isArray(value) && value.length < n)
      yield fail(value, 'minItems', schema, emptyOr(n, value, 'should be non-empty', 'is too short'));
  },
  *maxItems(value, arg, schema) {
    const n = arg as number;
    if (Array.isArray(value) && value.length > n)
      yield fail(
        value,
        'maxItems',
        schema,
        `${pyRepr(value)} ${n === 0 ? 'is expected to be empty' : 'is too long'}`,
      );
  },
  *uniqueItems(value, arg, schema) {
    if (arg !== true || !Array.isArray(value)) return;
    if (value.some((x, i) => value.findIndex((y) => equal(x, y)) !== i))
      yield fail(value, 'uniqueItems', schema, `${pyRepr(value)} has non-unique elements`);
  },
  *minProperties(value, arg, schema) {
    const n = arg as number;
    if (isObject(value) && Object.keys(value).length < n)
      yield fail(
        value,
        'minProperties',
        schema,
        emptyOr(n, value, 'should be non-empty', 'does not have enough properties'),
      );
  },
  *maxProperties(value, arg, schema) {
    if (isObject(value) && Object.keys(value).length > (arg as number))
      yield fail(value, 'maxProperties', schema, `${pyRepr(value)} has too many properties`);
  },
  *required(value, arg, schema) {
    if (!isObject(value)) return;
    for (const key of arg as string[])
      if (!(key in value)) yield fail(value, 'required', schema, `${pyRepr(key)} is a required property`);
  },
  *properties(value, arg, schema, formats) {
    if (!isObject(value)) return;
    for (const [key, sub] of Object.entries(arg as Record<string, Schema>))
      if (key in value) yield* descend(value[key], sub, formats, key);
  },
  *patternProperties(value, arg, schema, formats) {
    if (!isObject(value)) return;
    for (const [pattern, sub] of Object.entries(arg as Record<string, Schema>)) {
      const re = new RegExp(pattern, 'u');
      for (const [key, v] of Object.entries(value)) if (re.test(key)) yield* descend(v, sub, formats, key);
    }
  },
  *additionalProperties(value, arg, schema, formats) {
    if (!isObject(value)) return;
    const extras = additionalKeys(value, schema);
    if (isObject(arg)) {
      for (const key of extras) yield* descend(value[key], arg, formats, key);
      return;
    }
    if (arg !== false || extras.length === 0) return;
    const sorted = [...extras].sort();
    const names = sorted.map(pyRepr).join(', ');
    const patterns = schema.patternProperties as Record<string, unknown> | undefined;
    const message =
      patterns === undefined
        ? `Additional properties are not allowed (${names} ${sorted.length === 1 ? 'was' : 'were'} unexpected)`
        : `${names} ${sorted.length === 1 ? 'does' : 'do'} not match any of the regexes: ${Object.keys(patterns).sort().map(pyRepr).join(', ')}`;
    yield fail(value, 'additionalProperties', schema, message);
  },
  *items(value, arg, schema, formats) {
    if (!Array.isArray(value) || !isObject(arg)) return;
    for (let i = 0; i < value.length; i++) yield* descend(value[i], arg, formats, i);
  },
  *allOf(value, arg, schema, formats) {
    for (const sub of arg as Schema[]) yield* iterErrors(value, sub, formats);
  },
  *anyOf(value, arg, schema, formats) {
    const subs = arg as Schema[];
    if (!subs.some((sub) => firstError(value, sub, formats) === undefined))
      yield fail(value, 'anyOf', schema, `${pyRepr(value)} is not valid under any of the given schemas`);
  },
  *oneOf(value, arg, schema, formats) {
    const valid = (arg as Schema[]).filter((sub) => firstError(value, sub, formats) === undefined);
    if (valid.length === 0)
      yield fail(value, 'oneOf', schema, `${pyRepr(value)} is not valid under any of the given schemas`);
    else if (valid.length > 1)
      yield fail(
        value,
        'oneOf',
        schema,
        `${pyRepr(value)} is valid under each of ${valid.map(pyRepr).join(', ')}`,
      );
  },
};

function additionalKeys(value: Record<string, unknown>, schema: Schema): string[] {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const patterns = Object.keys((schema.patternProperties ?? {}) as Record<string, unknown>).map(
    (p) => new RegExp(p, 'u'),
  );
  return Object.keys(value).filter((key) => !(key in properties) && !patterns.some((re) => re.test(key)));
}

function* descend(value: unknown, schema: Schema, formats: FormatRegistry, at: PathItem) {
  for (const error of iterErrors(value, schema, formats)) yield { ...error, path: [at, ...error.path] };
}

/**
 * The order jsonschema meets the keywords in Nova's schemas, which are Python dicts written as
 * {type, format/pattern, bounds, properties, required, additionalProperties}: Nova reports the first
 * error (Validator.validate raises the first of iter_errors), so the order decides the message.
 */
const KEYWORD_ORDER = [
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'minLength',
  'maxLength',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'patternProperties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'allOf',
  'anyOf',
  'oneOf',
] as const;

/** Every error of `value` against `schema`, depth first, keywords in KEYWORD_ORDER. */
export function* iterErrors(
  value: unknown,
  schema: Schema,
  formats: FormatRegistry,
): Generator<SchemaError, void, undefined> {
  for (const key of KEYWORD_ORDER) {
    if (key in schema) yield* (CHECKS[key] as Check)(value, schema[key], schema, formats);
  }
}

/** The error Nova reports: the first one. */
export function firstError(value: unknown, schema: Schema, formats: FormatRegistry): SchemaError | undefined {
  for (const error of iterErrors(value, schema, formats)) return error;
  return undefined;
}
