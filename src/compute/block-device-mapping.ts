// Nova's `block_device_mapping_v2` on server create: the schema checks and BlockDeviceDict.from_api
// rules, reduced to what Nuage boots — an image on a local overlay (imageRef, or an image→local mapping
// with boot_index 0) or a root volume (destination_type volume, boot_index 0) from an existing volume,
// an image or a snapshot. Errors are Nova's 400s ("Block Device Mapping is Invalid: …").
import { errors } from '../common/errors/codes.js';
import type { ApiError } from '../common/errors/api-error.js';

/** What the create asks to boot from, once the mappings are read. */
export type BootSource =
  | { kind: 'image'; imageId: string }
  | {
      kind: 'volume';
      sourceType: 'volume' | 'image' | 'snapshot';
      sourceId: string;
      /** GiB; required for image and snapshot sources (image) or optional (snapshot: its size). */
      sizeGib: number | undefined;
      deleteOnTermination: boolean;
      deviceName: string;
      diskBus: string | null;
      volumeType: string | null;
    };

const SOURCE_TYPES = ['volume', 'image', 'snapshot', 'blank'] as const;
const DESTINATION_TYPES = ['local', 'volume'] as const;
const KNOWN_KEYS = new Set([
  'source_type',
  'destination_type',
  'uuid',
  'boot_index',
  'volume_size',
  'delete_on_termination',
  'device_name',
  'disk_bus',
  'device_type',
  'guest_format',
  'volume_type',
  'tag',
  'no_device',
]);
/** Nova caps a create's mappings too (max_local_block_devices and the API's own limits). */
const MAX_MAPPINGS = 32;
const UUID_PATTERN = /^[a-zA-Z0-9._-]{1,255}$/;
const DEVICE_NAME_PATTERN = /^[a-zA-Z0-9._/-]{1,255}$/;

export function invalidBdm(details?: string): ApiError {
  return errors.badRequest(
    details === undefined
      ? 'Block Device Mapping is Invalid.'
      : `Block Device Mapping is Invalid: ${details}`,
  );
}

function invalidField(field: string, value: unknown): ApiError {
  return errors.badRequest(
    `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value) ?? String(value)}.`,
  );
}

/** Nova's boolean_type: true/false and their usual spellings. */
function booleanOf(field: string, raw: unknown): boolean {
  if (raw === undefined || raw === null) return false;
  if (raw === true || raw === false) return raw;
  if (typeof raw === 'string' && /^(true|t|yes|y|on|1)$/i.test(raw)) return true;
  if (typeof raw === 'string' && /^(false|f|no|n|off|0)$/i.test(raw)) return false;
  if (raw === 1 || raw === 0) return raw === 1;
  throw invalidField(field, raw);
}

/** boot_index: an integer, a string of one, or null (not bootable). */
function bootIndexOf(raw: unknown): number | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (typeof raw === 'string' && /^-?[0-9]+$/.test(raw)) return Number(raw);
  throw invalidField('block_device_mapping_v2/boot_index', raw);
}

function volumeSizeOf(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === 'string' && /^[0-9]+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 2_147_483_647)
    throw invalidField('block_device_mapping_v2/volume_size', raw);
  return n;
}

function optionalText(m: Record<string, unknown>, key: string, pattern?: RegExp): string | null {
  const raw = m[key];
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || raw.length > 255 || (pattern !== undefined && !pattern.test(raw)))
    throw invalidField(`block_device_mapping_v2/${key}`, raw);
  return raw;
}

interface Mapping {
  sourceType: (typeof SOURCE_TYPES)[number];
  destinationType: (typeof DESTINATION_TYPES)[number];
  uuid: string | null;
  bootIndex: number | null;
  volumeSize: number | undefined;
  deleteOnTermination: boolean;
  deviceName: string | null;
  diskBus: string | null;
  volumeType: string | null;
}

/** One entry: the schema (types, enums, patterns, no unknown keys) and from_api's uuid rules. */
function readMapping(raw: unknown): Mapping {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalidField('block_device_mapping_v2', raw);
  const m = raw as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (!KNOWN_KEYS.has(key))
      throw errors.badRequest(`Additional properties are not allowed ('${key}' was unexpected)`);
  }
  const sourceType = m.source_type ?? 'blank';
  if (!SOURCE_TYPES.includes(sourceType as Mapping['sourceType']))
    throw invalidField('block_device_mapping_v2/source_type', sourceType);
  const destinationType = m.destination_type ?? (sourceType === 'volume' ? 'volume' : 'local');
  if (!DESTINATION_TYPES.includes(destinationType as Mapping['destinationType']))
    throw invalidField('block_device_mapping_v2/destination_type', destinationType);
  const uuid = optionalText(m, 'uuid', UUID_PATTERN);
  if (sourceType === 'blank' && uuid !== null) throw invalidBdm('Invalid device UUID.');
  if (sourceType !== 'blank' && uuid === null) throw invalidBdm('Missing device UUID.');
  return {
    sourceType: sourceType as Mapping['sourceType'],
    destinationType: destinationType as Mapping['destinationType'],
    uuid,
    bootIndex: bootIndexOf(m.boot_index),
    volumeSize: volumeSizeOf(m.volume_size),
    deleteOnTermination: booleanOf('block_device_mapping_v2/delete_on_termination', m.delete_on_termination),
    deviceName: optionalText(m, 'device_name', DEVICE_NAME_PATTERN),
    diskBus: optionalText(m, 'disk_bus'),
    volumeType: optionalText(m, 'volume_type'),
  };
}

/** The boot indexes must be 0, 1, 2…: Nova's InvalidBDMBootSequence otherwise. */
function checkBootSequence(mappings: readonly Mapping[], imageRef: string): void {
  const indexes = mappings
    .map((m) => m.bootIndex)
    .filter((i): i is number => i !== null && i >= 0)
    .sort((a, b) => a - b);
  const contiguous = indexes.every((index, position) => index === position);
  if ((indexes.length === 0 && imageRef === '') || !contiguous) {
    throw invalidBdm(
      'Boot sequence for the instance and image/block device mapping combination is not valid.',
    );
  }
}

/**
 * Reads `imageRef` and `block_device_mapping_v2` of a create body into what to boot from. `imageRef`
 * alone (today's behaviour) and an image→local mapping with boot_index 0 boot the image on an overlay.
 * `maxCount` > 1 cannot share one existing volume.
 */
export function bootSourceOf(imageRefRaw: unknown, bdmRaw: unknown, maxCount: number): BootSource {
  if (imageRefRaw !== undefined && typeof imageRefRaw !== 'string')
    throw invalidField('imageRef', imageRefRaw);
  const imageRef = imageRefRaw ?? '';
  if (bdmRaw === undefined || bdmRaw === null) {
    if (imageRef === '') throw errors.badRequest('Missing imageRef attribute');
    return { kind: 'image', imageId: imageRef };
  }
  if (!Array.isArray(bdmRaw) || bdmRaw.length > MAX_MAPPINGS)
    throw invalidField('block_device_mapping_v2', bdmRaw);
  const mappings = bdmRaw.map(readMapping);
  for (const m of mappings) {
    if (m.sourceType === 'image' && m.destinationType === 'local' && m.bootIndex !== 0)
      throw invalidBdm('Mapping image to local is not supported.');
  }
  checkBootSequence(mappings, imageRef);
  const root = mappings.find((m) => m.bootIndex === 0);
  const others = mappings.filter((m) => m !== root);
  if (others.length > 0) {
    // Nova attaches these too; here a server boots with its root disk only (attach data volumes after).
    throw invalidBdm(
      'only the boot device (boot_index 0) is supported at create; attach other volumes after the boot.',
    );
  }
  if (root === undefined) return { kind: 'image', imageId: imageRef };
  if (root.destinationType === 'local') {
    if (root.sourceType !== 'image' || root.uuid === null)
      throw invalidBdm('blank local (ephemeral or swap) devices are not supported.');
    return { kind: 'image', imageId: root.uuid };
  }
  if (root.sourceType === 'blank' || root.uuid === null)
    throw invalidBdm(
      'Boot sequence for the instance and image/block device mapping combination is not valid.',
    );
  if (root.sourceType === 'image' && !root.volumeSize)
    throw errors.badRequest("Images with destination_type 'volume' need to have a non-zero size specified");
  if (root.sourceType === 'volume' && maxCount > 1)
    throw invalidBdm(`volume ${root.uuid} cannot be the root disk of more than one server.`);
  return {
    kind: 'volume',
    sourceType: root.sourceType,
    sourceId: root.uuid,
    sizeGib: root.volumeSize === 0 ? undefined : root.volumeSize,
    deleteOnTermination: root.deleteOnTermination,
    deviceName: root.deviceName ?? '/dev/vda',
    diskBus: root.diskBus,
    volumeType: root.volumeType,
  };
}
