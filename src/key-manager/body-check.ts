// Validates a JSON body (or an order's meta) against its TypeBox schema and words the first problem as
// Barbican's validators do (python-jsonschema messages inside Barbican's InvalidObject):
// "Provided object does not match schema 'Secret': 'x' is not of type 'integer'. Invalid property: 'bit_length'".
import { type TSchema, type Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { kmErrors } from './key-manager-errors.js';

/** Python's repr() of a JSON value, as jsonschema prints it. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

function jsonType(schema: TSchema): string {
  const type = (schema as { type?: string | string[] }).type;
  if (Array.isArray(type)) return pythonRepr(type);
  if (type) return `'${type}'`;
  return "'object'";
}

function enumValues(schema: TSchema): unknown[] {
  const anyOf = (schema as { anyOf?: { const?: unknown }[] }).anyOf ?? [];
  return anyOf.map((s) => s.const);
}

function message(error: ValueError): string {
  const s = error.schema as Record<string, unknown>;
  const value = pythonRepr(error.value);
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `${pythonRepr(error.path.split('/').pop())} is a required property`;
    case ValueErrorType.ObjectAdditionalProperties:
      return `Additional properties are not allowed (${pythonRepr(error.path.split('/').pop())} was unexpected)`;
    case ValueErrorType.StringMaxLength:
    case ValueErrorType.ArrayMaxItems:
      return `${value} is too long`;
    case ValueErrorType.StringMinLength:
    case ValueErrorType.ArrayMinItems:
      return `${value} is too short`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `${value} is less than the minimum of ${String(s.minimum)}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `${value} is greater than the maximum of ${String(s.maximum)}`;
    case ValueErrorType.Union:
      return enumValues(error.schema).length > 0 &&
        enumValues(error.schema).every((v) => typeof v === 'string')
        ? `${value} is not one of ${pythonRepr(enumValues(error.schema))}`
        : `${value} is not valid under any of the given schemas`;
    default:
      return `${value} is not of type ${jsonType(error.schema)}`;
  }
}

/** The top-level property an error is about ("meta", "bit_length"), as Barbican names it. */
function propertyOf(error: ValueError): string {
  return error.path.split('/')[1] || 'None';
}

export interface BodyChecker<T extends TSchema> {
  /** The body typed by its schema, or Barbican's 400 naming `schemaName`. */
  check(body: unknown, schemaName: string): Static<T>;
}

export function bodyChecker<T extends TSchema>(schema: T): BodyChecker<T> {
  const compiled: TypeCheck<T> = TypeCompiler.Compile(schema);
  return {
    check(body, schemaName) {
      if (compiled.Check(body)) return body;
      const first = compiled.Errors(body).First();
      if (!first) throw kmErrors.invalidObject(schemaName, 'invalid', 'None');
      throw kmErrors.invalidObject(schemaName, message(first), propertyOf(first));
    },
  };
}
