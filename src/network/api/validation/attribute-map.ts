// A Neutron resource's attribute map (neutron_lib's RESOURCE_ATTRIBUTE_MAP): which attributes a POST
// and a PUT may carry, which are required, which are list filters and sort keys, and the kind of each
// value. From it come the TypeBox schemas of the request bodies and list queries.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { Kind } from './kinds.js';
import { kinds } from './kinds.js';

export interface Attribute {
  /** The accepted values; absent for attributes that are never written. */
  kind?: Kind;
  post: boolean;
  put: boolean;
  /** A POST without it fails: the attribute has no default. */
  required?: boolean;
  /** Usable as a list filter (is_filter). */
  filter?: boolean;
  /** Usable as a sort key (is_sort_key). */
  sort?: boolean;
}

export type AttributeMap = Record<string, Attribute>;

export interface ResourceSpec {
  resource: string;
  collection: string;
  attributes: AttributeMap;
  /** POST with {"<collection>": [...]} creates several at once. */
  allowBulk: boolean;
  /** Attributes only a cloud admin sees (Neutron's get_<resource>:<attr> admin-only policies). */
  adminOnlyFields?: string[];
}

type Flags = Pick<Attribute, 'required' | 'filter' | 'sort'>;

/** Writable on create and update. */
export const rw = (kind: Kind, flags: Flags = {}): Attribute => ({ kind, post: true, put: true, ...flags });
/** Writable on create only. */
export const createOnly = (kind: Kind, flags: Flags = {}): Attribute => ({
  kind,
  post: true,
  put: false,
  ...flags,
});
/** Writable on update only (router routes). */
export const updateOnly = (kind: Kind, flags: Flags = {}): Attribute => ({
  kind,
  post: false,
  put: true,
  ...flags,
});
/** Shown, never written. */
export const readOnly = (flags: Flags = {}): Attribute => ({ post: false, put: false, ...flags });

/** What every resource shares: id, owner, description and the standard attributes. */
export function standardAttributes(): AttributeMap {
  return {
    id: readOnly({ filter: true, sort: true }),
    project_id: createOnly(kinds.string(255), { filter: true, sort: true }),
    tenant_id: createOnly(kinds.string(255), { filter: true, sort: true }),
    description: rw(kinds.string(255), { filter: true }),
    created_at: readOnly({ filter: true, sort: true }),
    updated_at: readOnly({ filter: true, sort: true }),
    revision_number: readOnly({ filter: true, sort: true }),
    tags: readOnly(),
  };
}

function bodySchema(spec: ResourceSpec, op: 'post' | 'put'): TObject {
  const props: Record<string, TSchema> = {};
  for (const [name, attr] of Object.entries(spec.attributes)) {
    if (!attr[op] || !attr.kind) continue;
    props[name] = attr.required && op === 'post' ? attr.kind.schema : Type.Optional(attr.kind.schema);
  }
  return Type.Object(props, { additionalProperties: false });
}

/** The TypeBox schema of a create body: one object, or (bulk) a list of them. */
export function createBodySchema(spec: ResourceSpec): TSchema {
  const one = bodySchema(spec, 'post');
  const single = Type.Object({ [spec.resource]: one }, { additionalProperties: false });
  if (!spec.allowBulk) return single;
  const many = Type.Object(
    { [spec.collection]: Type.Array(one, { minItems: 1, maxItems: MAX_BULK }) },
    { additionalProperties: false },
  );
  return Type.Union([single, many]);
}

export function updateBodySchema(spec: ResourceSpec): TSchema {
  return Type.Object({ [spec.resource]: bodySchema(spec, 'put') }, { additionalProperties: false });
}

/** Most resources one bulk create may carry (Neutron has no limit; every list here has one). */
export const MAX_BULK = 1000;

const QueryValue = Type.Union([
  Type.String({ maxLength: 1024 }),
  Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 200 }),
]);

export const LIST_CONTROLS = ['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse'] as const;

/** The TypeBox schema of a list query: Neutron's paging controls and the resource's filters. */
export function listQuerySchema(spec: ResourceSpec, extraFilters: string[] = []): TObject {
  const props: Record<string, TSchema> = {};
  for (const key of LIST_CONTROLS) props[key] = Type.Optional(QueryValue);
  for (const [name, attr] of Object.entries(spec.attributes))
    if (attr.filter) props[name] = Type.Optional(QueryValue);
  for (const name of extraFilters) props[name] = Type.Optional(QueryValue);
  return Type.Object(props, { additionalProperties: false });
}

/** The query of GET on one resource: only `fields`. */
export const ShowQuerySchema = Type.Object(
  { fields: Type.Optional(QueryValue) },
  { additionalProperties: false },
);
