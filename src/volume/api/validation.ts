// Request validation for the block-storage routes. Each route declares its body and query-string
// schemas in its config (`config: { cinder: { body, query } }`), per microversion range as Cinder's
// @validation.schema(schema, min_version, max_version) does; action routes declare one schema per action.
// The plugin's preHandler hook runs `validateRequest` after authentication, before the handler.
import assert from 'node:assert';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { atLeast, type Microversion } from './microversion.js';
import { validateCinder } from './schemas/cinder-validator.js';

/** A schema for the microversions 3.`from` to 3.`to` (both included; open when absent). */
export interface Versioned {
  from?: number;
  to?: number;
  schema: TSchema;
}

export type PartSchema = TSchema | readonly Versioned[];

/** One action of an `/action` route: its schema and the microversion that added it. */
export interface ActionSchema {
  schema: PartSchema;
  from?: number;
}

export interface CinderSchemas {
  /** The microversion (3.`from`) that added the route: below it the route is a 404, before validation. */
  from?: number;
  body?: PartSchema;
  /** For POST …/action: the body holds exactly one key, the action, validated by its own schema. */
  actions?: Readonly<Record<string, ActionSchema>>;
  query?: PartSchema;
  /** GET and DELETE routes that read no parameters say so; Cinder ignores what they are sent. */
  noQuery?: true;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    cinder?: CinderSchemas;
  }
}

function inRange(v: Microversion, { from, to }: Versioned): boolean {
  return (from === undefined || atLeast(v, from)) && (to === undefined || !atLeast(v, to + 1));
}

/** The schema for this microversion (none: the route does not exist at it, which routes check). */
export function schemaAt(part: PartSchema, v: Microversion): TSchema | undefined {
  if (!Array.isArray(part)) return part as TSchema;
  return (part as readonly Versioned[]).find((p) => inRange(v, p))?.schema;
}

/** webob's MultiDict answers a repeated query parameter with its last value, as Cinder reads it. */
function lastValues(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}

/** The action a body names: Cinder's action_peek wants exactly one key. */
export function actionOf(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length !== 1)
    throw errors.badRequest('Malformed request body');
  return Object.keys(body)[0] as string;
}

function validateActions(request: FastifyRequest, actions: Readonly<Record<string, ActionSchema>>): void {
  const action = actionOf(request.body);
  const known = Object.hasOwn(actions, action) ? actions[action] : undefined;
  const v = request.volumeVersion;
  if (known === undefined) throw errors.badRequest(`There is no such action: ${action}`);
  // A versioned action below its microversion is Cinder's 404 (VersionNotFoundForAPIMethod).
  if (known.from !== undefined && v !== undefined && !atLeast(v, known.from))
    throw errors.routeNotFound(request.method, request.url);
  const schema = v === undefined ? undefined : schemaAt(known.schema, v);
  if (schema === undefined) throw errors.badRequest(`There is no such action: ${action}`);
  const error = validateCinder(schema, request.body);
  if (error) throw error;
}

/** Validates the request against its route's schemas (the query string first, as Cinder parses it). */
export function validateRequest(request: FastifyRequest): void {
  const schemas = request.routeOptions.config.cinder;
  const v = request.volumeVersion;
  if (schemas === undefined || v === undefined) return;
  if (schemas.from !== undefined && !atLeast(v, schemas.from))
    throw errors.routeNotFound(request.method, request.url);
  if (schemas.query !== undefined) {
    const query = lastValues(request.query);
    const schema = schemaAt(schemas.query, v);
    const error = schema && validateCinder(schema, query);
    if (error) throw error;
    (request as { query: unknown }).query = query;
  }
  if (schemas.actions !== undefined) return validateActions(request, schemas.actions);
  if (schemas.body !== undefined) {
    const schema = schemaAt(schemas.body, v);
    const error = schema && validateCinder(schema, request.body ?? null);
    if (error) throw error;
  }
}

/** Every route of the plugin declares its input: a body schema for writes, query schemas for reads. */
export function assertDeclared(route: RouteOptions): void {
  if (route.config?.public === true || route.method === 'HEAD') return;
  const schemas = route.config?.cinder;
  const where = `${String(route.method)} ${route.url}`;
  assert(schemas !== undefined, `${where} declares no request schema`);
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  for (const method of methods) {
    if (method === 'POST' || method === 'PUT')
      assert(schemas.body !== undefined || schemas.actions !== undefined, `${where} declares no body schema`);
    else assert(schemas.query !== undefined || schemas.noQuery === true, `${where} declares no query schema`);
  }
}

/** A route's config declaring its schemas (typed once here, so routes do not re-infer TypeBox types). */
export function declare(schemas: CinderSchemas): { cinder: CinderSchemas } {
  return { cinder: schemas };
}
