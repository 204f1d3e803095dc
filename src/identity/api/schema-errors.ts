// Keystone's wording of a schema failure (keystone.api.validation.validators): "Invalid input for
// field/attribute <field>. Value: <value>. <jsonschema message>", or the bare message when the failure is
// at the root of the document. Ajv reports the failing keyword; the value is looked up in the request.
import type { FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { ApiError } from '../../common/errors/api-error.js';

/** A value as Python's repr() prints it (jsonschema's messages quote values that way). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function jsonschemaMessage(e: FastifySchemaValidationError, value: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `${pyRepr(value)} is not of type '${String(p.type)}'`;
    case 'enum':
      return `${pyRepr(value)} is not one of ${pyRepr(p.allowedValues)}`;
    case 'const':
      return `${pyRepr(p.allowedValue)} was expected`;
    case 'pattern':
      return `${pyRepr(value)} does not match ${pyRepr(p.pattern)}`;
    case 'minLength':
    case 'minItems':
      return `${pyRepr(value)} is too short`;
    case 'maxLength':
    case 'maxItems':
      return `${pyRepr(value)} is too long`;
    case 'required':
      return `${pyRepr(p.missingProperty)} is a required property`;
    case 'additionalProperties':
      return `Additional properties are not allowed (${pyRepr(p.additionalProperty)} was unexpected)`;
    default:
      return `${pyRepr(value)} is not valid under the given schema (${e.message ?? e.keyword})`;
  }
}

/** The 400 Keystone answers for the first schema failure of a request part. */
export function keystoneSchemaError(
  request: FastifyRequest,
  failures: FastifySchemaValidationError[],
  part: string,
): ApiError {
  const first = failures[0];
  if (!first) return errors.validation('Invalid input.');
  const data = part === 'querystring' ? request.query : part === 'params' ? request.params : request.body;
  const value = valueAt(data, first.instancePath);
  const message = jsonschemaMessage(first, value);
  const segments = first.instancePath.split('/').filter((s) => s.length > 0);
  const field = segments[segments.length - 1];
  if (field === undefined) return errors.validation(message);
  return errors.validation(
    `Invalid input for field/attribute ${field}. Value: ${typeof value === 'string' ? value : pyRepr(value)}. ${message}`,
  );
}
