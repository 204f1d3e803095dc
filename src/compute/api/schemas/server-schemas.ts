// Request schemas of /servers (nova/api/openstack/compute/schemas/servers.py): create, update, and
// the list and show query strings, by microversion up to our ceiling (2.79).
import { Type, type TSchema } from '@sinclair/typebox';
import type { VersionedSchema } from '../validation/nova-validate.js';
import * as p from './parameter-types.js';

const legacyBdmProperties = {
  virtual_name: Type.String({ maxLength: 255 }),
  volume_id: p.uuid,
  snapshot_id: p.uuid,
  volume_size: p.volumeSize,
  device_name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._/-]*$' }),
  delete_on_termination: p.boolean,
  no_device: Type.Unknown(),
  connection_info: Type.String({ maxLength: 16777215 }),
};

const bdmV2NewProperties = {
  source_type: Type.Unsafe<string>({ type: 'string', enum: ['volume', 'image', 'snapshot', 'blank'] }),
  uuid: Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._-]*$' }),
  image_id: p.uuid,
  destination_type: Type.Unsafe<string>({ type: 'string', enum: ['local', 'volume'] }),
  guest_format: Type.String({ maxLength: 255 }),
  device_type: Type.String({ maxLength: 255 }),
  disk_bus: Type.String({ maxLength: 255 }),
  boot_index: Type.Unsafe<number | string | null>({
    type: ['integer', 'string', 'null'],
    pattern: '^-?[0-9]+$',
  }),
};

function optional(properties: Record<string, TSchema>) {
  return Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, Type.Optional(s)]));
}

function bdmV2(extra: Record<string, TSchema>) {
  return Type.Array(
    Type.Object(optional({ ...legacyBdmProperties, ...bdmV2NewProperties, ...extra }), {
      additionalProperties: false,
    }),
  );
}

const uuidOrArray = (first: 'string' | 'array') => {
  const one = { type: 'string', format: 'uuid' };
  const many = { type: 'array', items: { type: 'string', format: 'uuid' } };
  return Type.Unsafe<string | string[]>({ oneOf: first === 'string' ? [one, many] : [many, one] });
};

/** Nova's _hints; unknown hints are allowed (additionalProperties: true). */
export const schedulerHints = Type.Object(
  optional({
    group: uuidOrArray('array'),
    different_host: uuidOrArray('string'),
    same_host: Type.Unsafe<string | string[]>({
      type: ['string', 'array'],
      items: { type: 'string', format: 'uuid' },
    }),
    query: Type.Unsafe<string | Record<string, unknown>>({ type: ['string', 'object'] }),
    target_cell: p.name,
    different_cell: Type.Unsafe<string | string[]>({ type: ['string', 'array'], items: { type: 'string' } }),
    build_near_host_ip: p.ipAddress,
    cidr: Type.String({ pattern: '^/[0-9a-f.:]+$' }),
  }),
  { additionalProperties: true },
);

export type SchedulerHints = Record<string, unknown> & {
  group?: string | string[];
  different_host?: string | string[];
  same_host?: string | string[];
};

const network = (uuid: TSchema, tag: boolean) =>
  Type.Object(
    optional({
      fixed_ip: p.ipAddress,
      port: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'uuid' }),
      uuid,
      ...(tag && { tag: p.tag }),
    }),
    { additionalProperties: false },
  );

/** server.networks: a list before 2.37; from 2.37 a list of uuids or 'none'/'auto' (and required). */
function networks(minor: number): TSchema {
  if (minor < 37) return Type.Array(network(Type.String(), minor >= 32 && minor <= 36));
  return Type.Unsafe({
    oneOf: [Type.Array(network(p.uuid, minor >= 42)), { type: 'string', enum: ['none', 'auto'] }],
  });
}

/** The `server` object of a create at 2.`minor` (create, create_v219 … create_v274). */
function createServerObject(minor: number) {
  const bdmTag = minor === 32 || minor >= 42;
  const properties: Record<string, TSchema> = {
    name: p.name,
    imageRef: Type.Optional(p.imageIdOrEmptyString),
    flavorRef: p.flavorRef,
    adminPass: Type.Optional(p.adminPassword),
    metadata: Type.Optional(p.metadata),
    networks: minor >= 37 ? networks(minor) : Type.Optional(networks(minor)),
    'OS-DCF:diskConfig': Type.Optional(p.diskConfig),
    accessIPv4: Type.Optional(p.accessIPv4),
    accessIPv6: Type.Optional(p.accessIPv6),
    ...(minor < 57 && { personality: Type.Optional(p.personality) }),
    availability_zone: Type.Optional(p.name),
    block_device_mapping: Type.Optional(
      Type.Array(Type.Object(optional(legacyBdmProperties), { additionalProperties: false })),
    ),
    block_device_mapping_v2: Type.Optional(
      bdmV2({ ...(bdmTag && { tag: p.tag }), ...(minor >= 67 && { volume_type: p.volumeType }) }),
    ),
    config_drive: Type.Optional(p.boolean),
    key_name: Type.Optional(p.name),
    min_count: Type.Optional(p.positiveInteger),
    max_count: Type.Optional(p.positiveInteger),
    return_reservation_id: Type.Optional(p.boolean),
    security_groups: Type.Optional(
      Type.Array(Type.Object({ name: Type.Optional(p.name) }, { additionalProperties: false })),
    ),
    user_data: Type.Optional(Type.String({ format: 'base64', maxLength: 65535 })),
    ...(minor >= 19 && { description: Type.Optional(p.description) }),
    ...(minor >= 52 && { tags: Type.Optional(Type.Array(p.tag, { maxItems: p.MAX_TAG_COUNT })) }),
    ...(minor >= 63 && { trusted_image_certificates: Type.Optional(p.trustedCerts) }),
    ...(minor >= 74 && { host: Type.Optional(p.fqdn), hypervisor_hostname: Type.Optional(p.fqdn) }),
  };
  return Type.Object(properties, { additionalProperties: false });
}

function createBody(minor: number) {
  return Type.Object(
    {
      server: createServerObject(minor),
      'os:scheduler_hints': Type.Optional(schedulerHints),
      'OS-SCH-HNT:scheduler_hints': Type.Optional(schedulerHints),
    },
    { additionalProperties: false },
  );
}

/** Nova's create schemas and their ranges (servers.py ServersController.create). */
export const SERVER_CREATE: readonly VersionedSchema[] = [
  { min: 1, max: 18, schema: createBody(1) },
  { min: 19, max: 31, schema: createBody(19) },
  { min: 32, max: 32, schema: createBody(32) },
  { min: 33, max: 36, schema: createBody(33) },
  { min: 37, max: 41, schema: createBody(37) },
  { min: 42, max: 51, schema: createBody(42) },
  { min: 52, max: 56, schema: createBody(52) },
  { min: 57, max: 62, schema: createBody(57) },
  { min: 63, max: 66, schema: createBody(63) },
  { min: 67, max: 73, schema: createBody(67) },
  { min: 74, schema: createBody(74) },
];

/** What a handler reads from a validated create body (the widest schema's fields). */
export interface ServerCreateBody {
  server: {
    name: string;
    imageRef?: string;
    flavorRef: string | number;
    adminPass?: string;
    metadata?: Record<string, string>;
    networks?: 'auto' | 'none' | { fixed_ip?: string; port?: string | null; uuid?: string; tag?: string }[];
    availability_zone?: string;
    block_device_mapping_v2?: Record<string, unknown>[];
    block_device_mapping?: Record<string, unknown>[];
    config_drive?: boolean | string;
    key_name?: string;
    min_count?: number | string;
    max_count?: number | string;
    return_reservation_id?: boolean | string;
    security_groups?: { name?: string }[];
    user_data?: string;
    description?: string | null;
    tags?: string[];
    trusted_image_certificates?: string[] | null;
    host?: string;
    hypervisor_hostname?: string;
    accessIPv4?: string;
    accessIPv6?: string;
    personality?: unknown[];
    'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL';
  };
  'os:scheduler_hints'?: SchedulerHints;
  'OS-SCH-HNT:scheduler_hints'?: SchedulerHints;
}

function updateBody(minor: number) {
  return Type.Object(
    {
      server: Type.Object(
        optional({
          name: p.name,
          'OS-DCF:diskConfig': p.diskConfig,
          accessIPv4: p.accessIPv4,
          accessIPv6: p.accessIPv6,
          ...(minor >= 19 && { description: p.description }),
        }),
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  );
}

export const SERVER_UPDATE: readonly VersionedSchema[] = [
  { min: 1, max: 18, schema: updateBody(1) },
  { min: 19, schema: updateBody(19) },
];

export interface ServerUpdateBody {
  server: {
    name?: string;
    description?: string | null;
    accessIPv4?: string;
    accessIPv6?: string;
    'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL';
  };
}

// The list query (index_query …): most filters are free strings or regexes.
const REGEX_FILTERS = [
  'kernel_id',
  'ramdisk_id',
  'hostname',
  'key_name',
  'power_state',
  'node',
  'flavor',
  'reservation_id',
  'launched_at',
  'terminated_at',
  'availability_zone',
  'name',
  'display_name',
  'description',
  'display_description',
  'locked_by',
  'root_device_name',
  'config_drive',
  'access_ip_v4',
  'access_ip_v6',
  'auto_disk_config',
  'progress',
  'ip',
  'ip6',
  'created_at',
];
const PLAIN_FILTERS = [
  'user_id',
  'project_id',
  'tenant_id',
  'launch_index',
  'image_ref',
  'image',
  'vm_state',
  'task_state',
  'host',
  'uuid',
  'sort_dir',
  'all_tenants',
  'soft_deleted',
  'deleted',
  'status',
  // Joined-table fields: kept so that the API can refuse them.
  'block_device_mapping',
  'services',
  'metadata',
  'system_metadata',
  'info_cache',
  'security_groups',
  'pci_devices',
];

/** Sort keys Nova accepts but ignores (SERVER_LIST_IGNORE_SORT_KEY). */
export const IGNORED_SORT_KEYS = [
  'architecture',
  'cell_name',
  'cleaned',
  'default_ephemeral_device',
  'default_swap_device',
  'deleted',
  'deleted_at',
  'disable_terminate',
  'ephemeral_gb',
  'ephemeral_key_uuid',
  'id',
  'key_data',
  'launched_on',
  'locked',
  'memory_mb',
  'os_type',
  'reservation_id',
  'root_gb',
  'shutdown_terminate',
  'user_data',
  'vcpus',
  'vm_mode',
];
export const VALID_SORT_KEYS = [
  'access_ip_v4',
  'access_ip_v6',
  'auto_disk_config',
  'availability_zone',
  'config_drive',
  'created_at',
  'display_description',
  'display_name',
  'host',
  'hostname',
  'image_ref',
  'instance_type_id',
  'kernel_id',
  'key_name',
  'launch_index',
  'launched_at',
  'locked_by',
  'node',
  'power_state',
  'progress',
  'project_id',
  'ramdisk_id',
  'root_device_name',
  'task_state',
  'terminated_at',
  'updated_at',
  'user_id',
  'uuid',
  'vm_state',
];

function sortKeys(minor: number): string[] {
  if (minor < 73) return [...VALID_SORT_KEYS, ...IGNORED_SORT_KEYS];
  const ignored = IGNORED_SORT_KEYS.filter((k) => k !== 'locked');
  return minor < 75 ? ['locked', ...VALID_SORT_KEYS, ...ignored] : ['locked', ...VALID_SORT_KEYS];
}

function listQuery(minor: number) {
  const dateTime = p.multiParams(Type.String({ format: 'date-time' }));
  const properties: Record<string, TSchema> = {
    ...Object.fromEntries(REGEX_FILTERS.map((k) => [k, p.commonQueryRegexParam])),
    ...Object.fromEntries(PLAIN_FILTERS.map((k) => [k, p.commonQueryParam])),
    sort_key: p.multiParams(Type.Unsafe<string>({ type: 'string', enum: sortKeys(minor) })),
    'changes-since': dateTime,
    ...p.paginationParameters,
    ...(minor >= 26 && {
      tags: p.commonQueryRegexParam,
      'tags-any': p.commonQueryRegexParam,
      'not-tags': p.commonQueryRegexParam,
      'not-tags-any': p.commonQueryRegexParam,
    }),
    ...(minor >= 66 && { 'changes-before': dateTime }),
    ...(minor >= 73 && { locked: p.commonQueryParam }),
  };
  return Type.Object(Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, Type.Optional(s)])), {
    additionalProperties: minor < 75,
    // Internal attributes (a leading underscore) are kept so that the API refuses them.
    patternProperties: { '^_': p.commonQueryParam },
  });
}

export const SERVER_LIST_QUERY: readonly VersionedSchema[] = [
  { min: 1, max: 25, schema: listQuery(1) },
  { min: 26, max: 65, schema: listQuery(26) },
  { min: 66, max: 72, schema: listQuery(66) },
  { min: 73, max: 74, schema: listQuery(73) },
  { min: 75, schema: listQuery(75) },
];
