// The query strings of the identity API as TypeBox schemas, after Keystone's own request_query schemas:
// every filter a list route implements is typed, and Fastify validates it before the handler. Like
// Keystone, a list route accepts parameters it does not know (additionalProperties true, which is also
// what carries the inexact `<filter>__icontains` comparators) and ignores them; only /v3/regions is
// closed, as in Keystone. Routes without a schema here take any query string, as Keystone's do.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';

/** Keystone's parameter_types.boolean as it reaches a query string (always a string). */
/** A string from a fixed list, as JSON Schema's enum (so failures read "'x' is not one of [...]"). */
const Enum = (values: string[]) => Type.Unsafe<string>({ type: 'string', enum: values });
export const QueryBool = Enum(
  'True TRUE true False FALSE false 1 0 y Y n N on ON off OFF yes no'.split(' ').concat(['']),
);
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' });
const ProjectName = Type.String({ minLength: 1, maxLength: 64, pattern: '[\\S]+' });
const IdString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' });
const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$',
});
const Text = Type.String();
/** Comma-separated tag names (Keystone: each 1–255 characters, no '/'). */
const TagList = Type.String({ pattern: '^[^,/]{1,255}(,[^,/]{1,255})*$' });
/** Keystone accepts any value for the key-only parameters (effective, include_names, scope.system…). */
const Anything = Type.Unknown();
const Limit = Type.String({ pattern: '^[0-9]+$' });
const Paging = { marker: Text, limit: Limit };
const Sorting = { sort_key: Text, sort_dir: Enum(['asc', 'desc']) };

function query(props: Record<string, TSchema>, additionalProperties = true): TObject {
  return Type.Object(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])), {
    additionalProperties,
  });
}

/** Route (as registered, without the /identity prefix) → its query schema. */
export const QUERY_SCHEMAS: Record<string, TObject> = {
  '/v3/users': query({
    domain_id: IdString,
    enabled: QueryBool,
    idp_id: Text,
    name: Name,
    password_expires_at: Text,
    protocol_id: Text,
    unique_id: Text,
    ...Paging,
    ...Sorting,
  }),
  '/v3/groups': query({ domain_id: IdString, name: Name, ...Paging, ...Sorting }),
  '/v3/projects': query({
    domain_id: IdString,
    enabled: QueryBool,
    name: ProjectName,
    parent_id: Uuid,
    is_domain: QueryBool,
    tags: TagList,
    'tags-any': TagList,
    'not-tags': TagList,
    'not-tags-any': TagList,
    ...Paging,
  }),
  '/v3/domains': query({ enabled: QueryBool, name: ProjectName, ...Paging }),
  '/v3/roles': query({ name: Name, domain_id: IdString }),
  '/v3/role_assignments': query({
    effective: Anything,
    include_names: Anything,
    include_subtree: Anything,
    'group.id': IdString,
    'role.id': IdString,
    'scope.system': Anything,
    'scope.domain.id': IdString,
    'scope.project.id': IdString,
    'user.id': Text,
    'scope.OS-INHERIT:inherited_to': Anything,
  }),
  '/v3/regions': query({ parent_region_id: Type.String({ minLength: 1, maxLength: 255 }) }, false),
  '/v3/services': query({}),
  '/v3/endpoints': query({
    interface: Enum(['admin', 'internal', 'public']),
    region_id: Text,
    service_id: Text,
  }),
  '/v3/credentials': query({ user_id: Text, type: Text }),
  '/v3/users/:user_id/application_credentials': query({ name: Text }),
};

/** The filters of a route that name an attribute of the listed items (what `__contains` may apply to). */
export function attributeFilters(path: string): string[] {
  const schema = QUERY_SCHEMAS[path];
  if (!schema) return [];
  const special = new Set(['marker', 'limit', 'sort_key', 'sort_dir']);
  return Object.keys(schema.properties).filter((k) => !special.has(k));
}
