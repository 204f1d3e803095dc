// Request schemas of the smaller compute resources (nova/api/openstack/compute/schemas/
// server_metadata.py, server_tags.py, quota_sets.py, services.py, hypervisors.py,
// volume_attachments.py, instance_actions.py, limits.py), by microversion up to 2.79.
import { Type, type TSchema } from '@sinclair/typebox';
import type { VersionedSchema } from '../validation/nova-validate.js';
import * as p from './parameter-types.js';

// --- server metadata ---------------------------------------------------------------------------
export const METADATA_ALL = Type.Object({ metadata: p.metadata }, { additionalProperties: false });
export const METADATA_ITEM = Type.Object(
  { meta: p.metadataOf(Type.String({ maxLength: 255 }), { minProperties: 1, maxProperties: 1 }) },
  { additionalProperties: false },
);

// --- server tags (2.26) --------------------------------------------------------------------------
export const TAGS_ALL = Type.Object(
  { tags: Type.Array(p.tag, { maxItems: p.MAX_TAG_COUNT }) },
  { additionalProperties: false },
);
/** PUT /servers/{id}/tags/{tag} takes no body (Nova's schema is type null). */
export const TAG_ONE = Type.Null();

// --- os-quota-sets -------------------------------------------------------------------------------
const quotaValue = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^-?[0-9]+$',
  minimum: -1,
  maximum: 0x7fffffff,
});

const QUOTA_KEYS = [
  'instances',
  'cores',
  'ram',
  'floating_ips',
  'fixed_ips',
  'metadata_items',
  'key_pairs',
  'security_groups',
  'security_group_rules',
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'server_groups',
  'server_group_members',
];
const GONE_IN_236 = ['fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules'];
const GONE_IN_257 = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

function quotaUpdate(minor: number) {
  const keys = QUOTA_KEYS.filter(
    (k) => !(minor >= 36 && GONE_IN_236.includes(k)) && !(minor >= 57 && GONE_IN_257.includes(k)),
  );
  const properties: Record<string, TSchema> = Object.fromEntries(keys.map((k) => [k, quotaValue]));
  properties.force = p.boolean;
  return Type.Object({ quota_set: p.querySchema(properties, true) }, { additionalProperties: false });
}

export const QUOTA_UPDATE: readonly VersionedSchema[] = [
  { max: 35, schema: quotaUpdate(1) },
  { min: 36, max: 56, schema: quotaUpdate(36) },
  { min: 57, schema: quotaUpdate(57) },
];

/** show, detail, update and delete take user_id. */
export const QUOTA_QUERY: readonly VersionedSchema[] = [
  { max: 74, schema: p.querySchema({ user_id: p.multiParams(Type.String()) }, false) },
  { min: 75, schema: p.querySchema({ user_id: p.multiParams(Type.String()) }, true) },
];

// --- os-services ---------------------------------------------------------------------------------
const reason = Type.String({ minLength: 1, maxLength: 255 });

function legacyServiceUpdate(forcedDown: boolean) {
  return Type.Object(
    {
      host: p.fqdn,
      binary: Type.String({ minLength: 1, maxLength: 255 }),
      disabled_reason: Type.Optional(reason),
      ...(forcedDown && { forced_down: Type.Optional(p.boolean) }),
    },
    { additionalProperties: false },
  );
}

export const SERVICE_UPDATE: readonly VersionedSchema[] = [
  { max: 10, schema: legacyServiceUpdate(false) },
  { min: 11, max: 52, schema: legacyServiceUpdate(true) },
  {
    min: 53,
    schema: Type.Object(
      {
        status: Type.Optional(
          Type.Unsafe<'enabled' | 'disabled'>({ type: 'string', enum: ['enabled', 'disabled'] }),
        ),
        disabled_reason: Type.Optional(reason),
        forced_down: Type.Optional(p.boolean),
      },
      { additionalProperties: false },
    ),
  },
];

export interface ServiceUpdateBody {
  host?: string;
  binary?: string;
  status?: 'enabled' | 'disabled';
  disabled_reason?: string;
  forced_down?: boolean | string;
}

export const SERVICE_LIST_QUERY: readonly VersionedSchema[] = [
  { max: 74, schema: p.querySchema({ host: p.commonQueryParam, binary: p.commonQueryParam }, false) },
  { min: 75, schema: p.querySchema({ host: p.commonQueryParam, binary: p.commonQueryParam }, true) },
];

// --- os-hypervisors ------------------------------------------------------------------------------
export const HYPERVISOR_LIST_QUERY: readonly VersionedSchema[] = [
  { max: 32, schema: p.ANY_QUERY },
  { min: 33, max: 52, schema: p.querySchema(p.paginationParameters, false) },
  {
    min: 53,
    schema: p.querySchema(
      {
        limit: p.singleParam(p.nonNegativeInteger),
        marker: p.singleParam(Type.String()),
        hypervisor_hostname_pattern: p.singleParam(p.fqdn),
        with_servers: p.singleParam(p.boolean),
      },
      true,
    ),
  },
];

export const HYPERVISOR_SHOW_QUERY: readonly VersionedSchema[] = [
  { max: 52, schema: p.ANY_QUERY },
  { min: 53, schema: p.querySchema({ with_servers: p.singleParam(p.boolean) }, true) },
];

// --- os-volume_attachments -----------------------------------------------------------------------
const DEVICE = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  pattern: '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$',
});

function attachBody(minor: number) {
  return Type.Object(
    {
      volumeAttachment: Type.Object(
        {
          volumeId: p.uuid,
          device: Type.Optional(DEVICE),
          ...(minor >= 49 && { tag: Type.Optional(p.tag) }),
          ...(minor >= 79 && { delete_on_termination: Type.Optional(p.boolean) }),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  );
}

export const VOLUME_ATTACH: readonly VersionedSchema[] = [
  { max: 48, schema: attachBody(1) },
  { min: 49, max: 78, schema: attachBody(49) },
  { min: 79, schema: attachBody(79) },
];

export interface VolumeAttachBody {
  volumeAttachment: {
    volumeId: string;
    device?: string | null;
    tag?: string;
    delete_on_termination?: boolean | string;
  };
}

export const VOLUME_SWAP = Type.Object(
  { volumeAttachment: Type.Object({ volumeId: p.uuid }, { additionalProperties: false }) },
  { additionalProperties: false },
);

const attachmentListQuery = (strict: boolean) =>
  p.querySchema(
    { limit: p.multiParams(p.nonNegativeInteger), offset: p.multiParams(p.nonNegativeInteger) },
    strict,
  );

export const VOLUME_ATTACHMENT_LIST_QUERY: readonly VersionedSchema[] = [
  { max: 74, schema: attachmentListQuery(false) },
  { min: 75, schema: attachmentListQuery(true) },
];

// --- os-instance-actions -------------------------------------------------------------------------
const dateTimeParam = p.singleParam(Type.String({ format: 'date-time' }));
const actionsQuery = (before: boolean) =>
  p.querySchema(
    {
      limit: p.singleParam(p.nonNegativeInteger),
      marker: p.singleParam(Type.String()),
      'changes-since': dateTimeParam,
      ...(before && { 'changes-before': dateTimeParam }),
    },
    true,
  );

export const INSTANCE_ACTION_LIST_QUERY: readonly VersionedSchema[] = [
  { max: 57, schema: p.ANY_QUERY },
  { min: 58, max: 65, schema: actionsQuery(false) },
  { min: 66, schema: actionsQuery(true) },
];

// --- limits --------------------------------------------------------------------------------------
export const LIMITS_QUERY: readonly VersionedSchema[] = [
  { max: 74, schema: p.querySchema({ tenant_id: p.commonQueryParam }, false) },
  { min: 75, schema: p.querySchema({ tenant_id: p.commonQueryParam }, true) },
];
