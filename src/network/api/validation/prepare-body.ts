// Neutron's prepare_request_body over our attribute maps: the body is checked against the resource's
// TypeBox schema before any handler runs; when it does not match, the first fault is reported in
// Neutron's order and words (missing resource, owner mismatch, unrecognized attributes, attributes not
// allowed in POST / read-only in PUT, required attributes, then each value). Accepted values come back
// converted to their canonical form.
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { badRequest } from '../../errors.js';
import {
  MAX_BULK,
  createBodySchema,
  updateBodySchema,
  type AttributeMap,
  type ResourceSpec,
} from './attribute-map.js';
import { accepts } from './kinds.js';

export type Item = Record<string, unknown>;

/** Who asks: Neutron lets only an admin name another project as the owner. */
export interface Requester {
  projectId: string | undefined;
  mayActForOthers: boolean;
}

const webob = (message: string) => badRequest(message, 'HTTPBadRequest');
const isDict = (v: unknown): v is Item => typeof v === 'object' && v !== null && !Array.isArray(v);

const checks = new WeakMap<ResourceSpec, { post: TypeCheck<TSchema>; put: TypeCheck<TSchema> }>();

function compiledFor(spec: ResourceSpec) {
  let c = checks.get(spec);
  if (!c) {
    c = {
      post: TypeCompiler.Compile(createBodySchema(spec)),
      put: TypeCompiler.Compile(updateBodySchema(spec)),
    };
    checks.set(spec, c);
  }
  return c;
}

function populateProject(item: Item, who: Requester, op: 'post' | 'put'): void {
  if (item.tenant_id !== undefined && item.project_id === undefined) item.project_id = item.tenant_id;
  if (item.project_id !== undefined && item.tenant_id === undefined) item.tenant_id = item.project_id;
  if (item.project_id !== item.tenant_id) throw webob("'project_id' and 'tenant_id' do not match");
  if (item.project_id !== undefined && item.project_id !== who.projectId && !who.mayActForOthers)
    throw webob(
      "Specifying 'project_id' other than the authenticated project in request is not allowed for the current user.",
    );
  if (op === 'post' && item.project_id === undefined && who.projectId === undefined)
    throw webob('Running without keystone AuthN requires that project_id is specified');
}

function verifyAttributes(map: AttributeMap, item: Item, op: 'post' | 'put'): void {
  const extra = Object.keys(item).filter((k) => !(k in map));
  if (extra.length > 0) throw webob(`Unrecognized attribute(s) '${extra.join(', ')}'`);
  for (const [name, attr] of Object.entries(map)) {
    if (op === 'post') {
      if (!attr.post && name in item) throw webob(`Attribute '${name}' not allowed in POST`);
      if (attr.post && attr.required && !(name in item))
        throw webob(`Failed to parse request. Required attribute '${name}' not specified`);
    } else if (!attr.put && name in item) throw webob(`Cannot update read-only attribute ${name}`);
  }
}

function convertValues(map: AttributeMap, item: Item): Item {
  const out: Item = {};
  for (const [name, value] of Object.entries(item)) {
    const kind = map[name]?.kind;
    if (!kind) continue;
    if (!accepts(kind, value)) throw kind.fail(value, name);
    out[name] = kind.convert ? kind.convert(value, name) : value;
  }
  return out;
}

function prepareItem(spec: ResourceSpec, raw: unknown, who: Requester, op: 'post' | 'put'): Item {
  if (!isDict(raw)) throw webob(`Object '${spec.resource}' contains invalid data`);
  const item: Item = { ...raw };
  populateProject(item, who, op);
  verifyAttributes(spec.attributes, item, op);
  return convertValues(spec.attributes, item);
}

/**
 * Validates a POST body and returns its items (one, or several for a bulk create), converted.
 * Throws Neutron's 400 for anything the create schema rejects.
 */
export function prepareCreateBody(
  spec: ResourceSpec,
  body: unknown,
  who: Requester,
): { items: Item[]; bulk: boolean } {
  if (!isDict(body) || Object.keys(body).length === 0) throw webob('Resource body required');
  const many = body[spec.collection];
  if (many !== undefined) {
    if (!spec.allowBulk) throw webob('Bulk operation not supported');
    if (!Array.isArray(many)) throw webob('Body contains invalid data');
    if (many.length === 0) throw webob('Resources required');
    if (many.length > MAX_BULK)
      throw webob(`Bulk operation is limited to ${MAX_BULK} ${spec.collection} per request`);
    const items = many.map((one: unknown) =>
      prepareItem(spec, isDict(one) && spec.resource in one ? one[spec.resource] : one, who, 'post'),
    );
    return { items, bulk: true };
  }
  const unknownTop = Object.keys(body).filter((k) => k !== spec.resource);
  if (body[spec.resource] === undefined) throw webob(`Unable to find '${spec.resource}' in request body`);
  const item = prepareItem(spec, body[spec.resource], who, 'post');
  // The schema is the gate: anything the walk above let through but the schema refuses is still a 400.
  if (unknownTop.length > 0 || !compiledFor(spec).post.Check({ [spec.resource]: body[spec.resource] }))
    throw webob(`Unrecognized attribute(s) '${unknownTop.join(', ') || spec.resource}'`);
  return { items: [item], bulk: false };
}

/** Validates a PUT body and returns the converted changes. */
export function prepareUpdateBody(spec: ResourceSpec, body: unknown, who: Requester): Item {
  if (!isDict(body) || Object.keys(body).length === 0) throw webob('Resource body required');
  if (body[spec.collection] !== undefined) throw webob('Bulk operation not supported');
  if (body[spec.resource] === undefined) throw webob(`Unable to find '${spec.resource}' in request body`);
  const item = prepareItem(spec, body[spec.resource], who, 'put');
  const unknownTop = Object.keys(body).filter((k) => k !== spec.resource);
  if (unknownTop.length > 0 || !compiledFor(spec).put.Check(body))
    throw webob(`Unrecognized attribute(s) '${unknownTop.join(', ') || spec.resource}'`);
  return item;
}
