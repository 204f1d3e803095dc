// The JSON schemas Glance publishes under /v2/schemas. Clients fetch them: openstackclient and
// openstacksdk use the image schema to tell core attributes from custom properties, which it admits as
// `additionalProperties: {type: string}`.
import { CONTAINER_FORMATS, DISK_FORMATS } from '../model.js';

const str = (description: string, extra: Record<string, unknown> = {}) => ({
  type: 'string',
  description,
  ...extra,
});
const readOnly = { readOnly: true };
const nullableStr = (description: string, extra: Record<string, unknown> = {}) => ({
  type: ['null', 'string'],
  description,
  ...extra,
});

const IMAGE_PROPERTIES: Record<string, unknown> = {
  id: str('An identifier for the image', {
    pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
  }),
  name: nullableStr('Descriptive name for the image', { maxLength: 255 }),
  status: str('Status of the image', {
    ...readOnly,
    enum: [
      'queued',
      'saving',
      'active',
      'killed',
      'deleted',
      'uploading',
      'importing',
      'pending_delete',
      'deactivated',
    ],
  }),
  visibility: str('Scope of image accessibility', { enum: ['community', 'public', 'private', 'shared'] }),
  protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
  os_hidden: {
    type: 'boolean',
    description: 'If true, image will not appear in default image list response.',
  },
  checksum: nullableStr('md5 hash of image contents.', { ...readOnly, maxLength: 32 }),
  os_hash_algo: nullableStr('Algorithm to calculate the os_hash_value', { ...readOnly, maxLength: 64 }),
  os_hash_value: nullableStr(
    'Hexdigest of the image contents using the algorithm specified by the os_hash_algo',
    {
      ...readOnly,
      maxLength: 128,
    },
  ),
  owner: nullableStr('Owner of the image', { maxLength: 255 }),
  size: { type: ['null', 'integer'], description: 'Size of image file in bytes', ...readOnly },
  virtual_size: { type: ['null', 'integer'], description: 'Virtual size of image in bytes', ...readOnly },
  container_format: {
    type: ['null', 'string'],
    description: 'Format of the container',
    enum: [null, ...CONTAINER_FORMATS],
  },
  disk_format: { type: ['null', 'string'], description: 'Format of the disk', enum: [null, ...DISK_FORMATS] },
  created_at: str('Date and time of image registration', readOnly),
  updated_at: str('Date and time of the last image modification', readOnly),
  tags: {
    type: 'array',
    description: 'List of strings related to the image',
    items: { type: 'string', maxLength: 255 },
  },
  direct_url: str('URL to access the image file kept in external store', readOnly),
  min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
  min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
  self: str('An image self url', readOnly),
  file: str('An image file url', readOnly),
  stores: str('Store in which image data resides.', readOnly),
  schema: str('An image schema url', readOnly),
  locations: {
    type: 'array',
    description: 'A set of URLs to access the image file kept in external store',
    items: { type: 'object' },
  },
};

export function imageSchema(): Record<string, unknown> {
  return {
    name: 'image',
    properties: IMAGE_PROPERTIES,
    additionalProperties: { type: 'string' },
    links: [
      { rel: 'self', href: '{self}' },
      { rel: 'enclosure', href: '{file}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

export function imagesSchema(): Record<string, unknown> {
  return {
    name: 'images',
    properties: {
      images: { type: 'array', items: imageSchema() },
      schema: { type: 'string' },
      first: { type: 'string' },
      next: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

const MEMBER_PROPERTIES = {
  created_at: str('Date and time of image member creation'),
  image_id: str('An identifier for the image'),
  member_id: str('An identifier for the image member (tenantId)'),
  status: str('The status of this image member', { enum: ['pending', 'accepted', 'rejected'] }),
  updated_at: str('Date and time of last modification of image member'),
  schema: { type: 'string', readOnly: true },
};

export function memberSchema(): Record<string, unknown> {
  return { name: 'member', properties: MEMBER_PROPERTIES };
}

export function membersSchema(): Record<string, unknown> {
  return {
    name: 'members',
    properties: {
      members: { type: 'array', items: memberSchema() },
      schema: { type: 'string' },
    },
    links: [{ rel: 'schema', href: '{schema}' }],
  };
}
