// Request validation as Nova does it (nova/api/validation/__init__.py): each route declares, in its
// Fastify config, the TypeBox schemas of its body and query string by microversion range; the compute
// plugin's preHandler (after authentication, before the handler) validates with them and answers 400
// in Nova's words: "Invalid input for field/attribute <field>. Value: <v>. <jsonschema message>".
// Query strings are validated as Nova sees them, a list of values per parameter; parameters a schema
// with additionalProperties: true does not name are dropped, as Nova strips them.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../../common/errors/codes.js';
import type { Microversion } from '../microversion.js';
import { NOVA_FORMATS } from './nova-formats.js';
import { pyStr } from '../../../common/py-repr.js';
import { firstError, type Schema, type SchemaError } from './schema-check.js';

/** A schema for the 2.x microversions min..max (inclusive; open ends when absent). */
export interface VersionedSchema {
  min?: number;
  max?: number;
  schema: TSchema;
}

export type NovaSchema = TSchema | readonly VersionedSchema[];

export interface NovaValidation {
  body?: NovaSchema;
  query?: NovaSchema;
  /** POST …/action: one schema per action name (the body's only key). */
  actions?: Readonly<Record<string, NovaSchema>>;
}

export type NovaQuery = Record<string, string[]>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The compute API's request schemas (validation/nova-validate.ts). */
    nova?: NovaValidation;
  }
  interface FastifyRequest {
    /** The query string as Nova sees it after validation: a list of values per kept parameter. */
    novaQuery: NovaQuery | undefined;
  }
}

/** The schema for `version`, or undefined when the route has none for it. */
export function schemaFor(schemas: NovaSchema, version: Microversion): TSchema | undefined {
  if (!Array.isArray(schemas)) return schemas as TSchema;
  const minor = version.major === 2 ? version.minor : Number.POSITIVE_INFINITY;
  return (schemas as readonly VersionedSchema[]).find(
    (s) => (s.min === undefined || minor >= s.min) && (s.max === undefined || minor <= s.max),
  )?.schema;
}

function message(error: SchemaError, where: 'body' | 'query'): string {
  if (error.cause !== undefined) return error.cause;
  if (error.path.length === 0) return error.message;
  // Nova names the innermost path item for a body, the parameter (the outermost) for a query.
  const field = where === 'body' ? error.path.at(-1) : error.path[0];
  const what = where === 'body' ? 'field/attribute' : 'query parameters';
  return `Invalid input for ${what} ${String(field)}. Value: ${pyStr(error.instance)}. ${error.message}`;
}

/** Throws Nova's 400 when `value` does not match `schema`. */
export function validateNova(schema: TSchema, value: unknown, where: 'body' | 'query'): void {
  const error = firstError(value, schema as Schema, NOVA_FORMATS);
  if (error !== undefined) throw errors.validation(message(error, where));
}

/** Fastify's parsed query as lists of values (Nova's req.GET.dict_of_lists()). */
export function queryLists(raw: unknown): NovaQuery {
  const out: NovaQuery = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (value === undefined) continue;
    out[key] = (Array.isArray(value) ? value : [value]).map(String);
  }
  return out;
}

/** Nova's _strip_additional_query_parameters: with additionalProperties true, unnamed ones go. */
function stripUnknown(schema: Schema, query: NovaQuery): NovaQuery {
  if (schema.additionalProperties !== true) return query;
  const named = (schema.properties ?? {}) as Record<string, unknown>;
  const patterns = Object.keys((schema.patternProperties ?? {}) as Record<string, unknown>).map(
    (p) => new RegExp(p, 'u'),
  );
  return Object.fromEntries(
    Object.entries(query).filter(([key]) => key in named || patterns.some((re) => re.test(key))),
  );
}

function validateAction(actions: Readonly<Record<string, NovaSchema>>, body: unknown, v: Microversion) {
  // nova/api/openstack/wsgi.py action_peek and _get_method.
  const keys = typeof body === 'object' && body !== null ? Object.keys(body) : [];
  const [name] = keys;
  if (name === undefined || keys.length !== 1) throw errors.badRequest('Malformed request body');
  const schemas = actions[name];
  if (schemas === undefined) throw errors.badRequest(`There is no such action: ${name}`);
  const schema = schemaFor(schemas, v);
  // An action added by a later microversion does not exist below it (VersionNotFoundForAPIMethod).
  if (schema === undefined) throw errors.routeNotFound('POST', `action ${name}`);
  validateNova(schema, body, 'body');
}

/** The preHandler step: validates the body and query of a route that declares them. */
export function validateNovaRequest(request: FastifyRequest, version: Microversion): void {
  const nova = request.routeOptions.config.nova;
  const lists = queryLists(request.query);
  request.novaQuery = lists;
  if (nova === undefined) return;
  if (nova.query !== undefined) {
    const schema = schemaFor(nova.query, version);
    if (schema !== undefined) {
      validateNova(schema, lists, 'query');
      request.novaQuery = stripUnknown(schema as Schema, lists);
    }
  }
  if (nova.actions !== undefined) validateAction(nova.actions, request.body, version);
  if (nova.body !== undefined) {
    const schema = schemaFor(nova.body, version);
    if (schema !== undefined) validateNova(schema, request.body ?? null, 'body');
  }
}
