// Query strings of the block-storage routes. Cinder has no query-string schemas: its controllers parse
// paging (common.get_pagination_params), sorting (get_sort_params) and booleans (utils.get_bool_param)
// with their own messages, which the formats below reproduce. List routes admit further keys as
// filters, which list-filters.ts accepts, drops or refuses as Cinder's filter policy does.
import { Type, type TProperties } from '@sinclair/typebox';
import type { Versioned } from '../validation.js';

const Text = Type.String();
export const BoolParam = Type.String({ format: 'boolean_param' });

const PAGING = {
  limit: Type.Optional(Type.String({ format: 'limit_param' })),
  offset: Type.Optional(Type.String({ format: 'offset_param' })),
  marker: Type.Optional(Text),
  sort: Type.Optional(Text),
  sort_key: Type.Optional(Text),
  sort_dir: Type.Optional(Text),
  with_count: Type.Optional(BoolParam),
  all_tenants: Type.Optional(Text),
};

/** A list: paging, sorting, all_tenants and the resource's filters (further keys: see list-filters.ts). */
function listQuery(filters: TProperties) {
  return Type.Object({ ...PAGING, ...filters }, { additionalProperties: true });
}

const optional = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, Type.Optional(Text)]));

export const VolumeListQuery = listQuery({
  ...optional('name', 'status', 'metadata', 'availability_zone', 'size', 'migration_status', 'group_id'),
  ...optional('created_at', 'updated_at', 'project_id', 'glance_metadata'),
  bootable: Type.Optional(Text),
  consumes_quota: Type.Optional(Text),
});

export const SnapshotListQuery = listQuery({
  ...optional('name', 'status', 'volume_id', 'metadata', 'availability_zone', 'project_id'),
  consumes_quota: Type.Optional(Text),
});

export const BackupListQuery = listQuery(optional('name', 'status', 'volume_id', 'project_id'));

export const AttachmentListQuery = listQuery(
  optional('volume_id', 'status', 'instance_id', 'attach_status', 'project_id'),
);

export const TypeListQuery = listQuery(optional('is_public', 'extra_specs'));

/** DELETE /volumes/{id}: cascade, and force from 3.23 (Cinder ignores other parameters). */
export const VOLUME_DELETE_QUERY: readonly Versioned[] = [
  { to: 22, schema: Type.Object({ cascade: Type.Optional(BoolParam) }, { additionalProperties: true }) },
  {
    from: 23,
    schema: Type.Object(
      { cascade: Type.Optional(BoolParam), force: Type.Optional(BoolParam) },
      { additionalProperties: true },
    ),
  },
];

/** GET /os-quota-sets/{project}: usage. */
export const QuotaShowQuery = Type.Object(
  { usage: Type.Optional(BoolParam) },
  { additionalProperties: true },
);
