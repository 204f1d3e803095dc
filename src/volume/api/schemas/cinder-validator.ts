// Cinder's request validation (cinder/api/validation/validators.py): a Draft 4 JSON-schema check of the
// TypeBox schemas in this folder that stops at the first error, as Python's jsonschema does, and words
// it as Cinder does: "Invalid input for field/attribute <key>. Value: <value>. <jsonschema message>",
// or the bare message for the body itself. As in Cinder, `minimum`/`maximum` also bound numeric
// strings, and a format checker may answer with its own message (Cinder raises its own exception).
import type { TSchema } from '@sinclair/typebox';
import { errors } from '../../../common/errors/codes.js';
import type { ApiError } from '../../../common/errors/api-error.js';
import { checkFormat } from './cinder-formats.js';
import { pyRepr, pyStr } from '../../../common/py-repr.js';

/** The JSON-schema keywords this validator reads (TypeBox emits them as plain properties). */
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minProperties?: number;
  maxProperties?: number;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  uniqueItems?: boolean;
}

/** The first failure: where it is, the instance there, and jsonschema's message (or Cinder's own). */
export interface Failure {
  path: string[];
  instance: unknown;
  message: string;
  /** A format checker's own message, which Cinder returns as is. */
  own?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isType(value: unknown, type: string): boolean {
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
      return true;
  }
}

/** Cinder's _number_from_str: numbers, and strings that Python's int() or float() accept. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const fail = (path: string[], instance: unknown, message: string): Failure => ({ path, instance, message });

function checkScalar(s: Schema, v: unknown, path: string[]): Failure | undefined {
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => isType(v, t)))
      return fail(path, v, `${pyRepr(v)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`);
  }
  if (s.enum !== undefined && !s.enum.some((e) => deepEqual(e, v)))
    return fail(path, v, `${pyRepr(v)} is not one of ${pyRepr(s.enum)}`);
  if (s.const !== undefined && !deepEqual(s.const, v))
    return fail(path, v, `${pyRepr(s.const)} was expected`);
  if (typeof v === 'string') {
    const length = [...v].length;
    if (s.minLength !== undefined && length < s.minLength) return fail(path, v, `${pyRepr(v)} is too short`);
    if (s.maxLength !== undefined && length > s.maxLength) return fail(path, v, `${pyRepr(v)} is too long`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v))
      return fail(path, v, `${pyRepr(v)} does not match ${pyRepr(s.pattern)}`);
  }
  if (s.format !== undefined) {
    const verdict = checkFormat(s.format, v, path[path.length - 1]);
    if (verdict === false) return fail(path, v, `${pyRepr(v)} is not a ${pyRepr(s.format)}`);
    if (typeof verdict === 'string') return { path, instance: v, message: verdict, own: true };
  }
  const n = numberOf(v);
  if (n !== undefined && typeof v !== 'boolean') {
    if (s.minimum !== undefined && n < s.minimum)
      return fail(path, v, `${pyRepr(n)} is less than the minimum of ${pyRepr(s.minimum)}`);
    if (s.maximum !== undefined && n > s.maximum)
      return fail(path, v, `${pyRepr(n)} is greater than the maximum of ${pyRepr(s.maximum)}`);
  }
  return undefined;
}

function extraKeys(s: Schema, v: Json): string[] {
  const patterns = Object.keys(s.patternProperties ?? {}).map((p) => new RegExp(p, 'u'));
  return Object.keys(v).filter(
    (k) => !(s.properties && Object.hasOwn(s.properties, k)) && !patterns.some((p) => p.test(k)),
  );
}

function checkObject(s: Schema, v: Json, path: string[]): Failure | undefined {
  const count = Object.keys(v).length;
  if (s.minProperties !== undefined && count < s.minProperties)
    return fail(path, v, `${pyRepr(v)} does not have enough properties`);
  if (s.maxProperties !== undefined && count > s.maxProperties)
    return fail(path, v, `${pyRepr(v)} has too many properties`);
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    if (!Object.hasOwn(v, key)) continue;
    const f = check(sub, v[key], [...path, key]);
    if (f) return f;
  }
  for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
    const re = new RegExp(pattern, 'u');
    for (const key of Object.keys(v).filter((k) => re.test(k))) {
      const f = check(sub, v[key], [...path, key]);
      if (f) return f;
    }
  }
  for (const key of s.required ?? []) {
    if (!Object.hasOwn(v, key)) return fail(path, v, `${pyRepr(key)} is a required property`);
  }
  const extras = extraKeys(s, v);
  if (s.additionalProperties === false && extras.length > 0) {
    if (s.patternProperties !== undefined) {
      const patterns = Object.keys(s.patternProperties).sort().map(pyRepr).join(', ');
      const verb = extras.length === 1 ? 'does' : 'do';
      return fail(
        path,
        v,
        `${extras.sort().map(pyRepr).join(', ')} ${verb} not match any of the regexes: ${patterns}`,
      );
    }
    const verb = extras.length === 1 ? 'was' : 'were';
    return fail(
      path,
      v,
      `Additional properties are not allowed (${extras.map(pyRepr).join(', ')} ${verb} unexpected)`,
    );
  }
  if (typeof s.additionalProperties === 'object') {
    for (const key of extras) {
      const f = check(s.additionalProperties, v[key], [...path, key]);
      if (f) return f;
    }
  }
  return undefined;
}

function checkArray(s: Schema, v: unknown[], path: string[]): Failure | undefined {
  if (s.items !== undefined) {
    for (const [i, item] of v.entries()) {
      const f = check(s.items, item, [...path, String(i)]);
      if (f) return f;
    }
  }
  if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length)
    return fail(path, v, `${pyRepr(v)} has non-unique elements`);
  return undefined;
}

function checkCombinators(s: Schema, v: unknown, path: string[]): Failure | undefined {
  if (s.anyOf !== undefined && !s.anyOf.some((sub) => check(sub, v, path) === undefined))
    return fail(path, v, `${pyRepr(v)} is not valid under any of the given schemas`);
  if (s.oneOf !== undefined) {
    const passing = s.oneOf.filter((sub) => check(sub, v, path) === undefined).length;
    if (passing === 0) return fail(path, v, `${pyRepr(v)} is not valid under any of the given schemas`);
    if (passing > 1) return fail(path, v, `${pyRepr(v)} is valid under each of ${s.oneOf.length} schemas`);
  }
  return undefined;
}

/** The first error of `value` against `schema`, in the order Cinder's schemas list their keywords. */
export function check(schema: TSchema | Schema, value: unknown, path: string[] = []): Failure | undefined {
  const s = schema as Schema;
  return (
    checkScalar(s, value, path) ??
    (isObject(value) ? checkObject(s, value, path) : undefined) ??
    (Array.isArray(value) ? checkArray(s, value, path) : undefined) ??
    checkCombinators(s, value, path)
  );
}

/** Cinder's wording of a failure (validators.py _SchemaValidator.validate). */
export function cinderMessage(f: Failure): string {
  const key = f.path[f.path.length - 1];
  if (f.own || key === undefined) return f.message;
  return `Invalid input for field/attribute ${key}. Value: ${pyStr(f.instance)}. ${f.message}`;
}

/** Validates a request part; Cinder's 400 on the first error. */
export function validateCinder(schema: TSchema, value: unknown): ApiError | undefined {
  const f = check(schema, value);
  return f ? errors.badRequest(cinderMessage(f)) : undefined;
}
