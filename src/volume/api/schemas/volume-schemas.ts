// Request bodies of the volume routes (cinder/api/schemas/volumes.py, volume_metadata.py), by
// microversion: create gains group_id at 3.13 and backup_id at 3.47, and refuses unknown fields from
// 3.53 (before, Cinder accepts and ignores them); update needs at least one field from 3.53.
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import type { Versioned } from '../validation.js';
import {
  AvailabilityZone,
  ExtraSpecs,
  MetadataAllowsNull,
  NameAllowZeroMinLength,
  OptionalBoolean,
  OptionalUuid,
  VolumeSizeAllowsNull,
} from './parameter-types.js';

const trimmedName = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  format: 'name_non_mandatory_remove_white_spaces',
});
const trimmedDescription = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  format: 'description_non_mandatory_remove_white_spaces',
});
const imageRef = Type.Unsafe<string | null>({ type: ['string', 'null'], minLength: 0, maxLength: 255 });

const createFields = {
  name: Type.Optional(trimmedName),
  description: Type.Optional(trimmedDescription),
  display_name: Type.Optional(trimmedName),
  display_description: Type.Optional(trimmedDescription),
  volume_type: Type.Optional(NameAllowZeroMinLength),
  metadata: Type.Optional(MetadataAllowsNull),
  snapshot_id: Type.Optional(OptionalUuid),
  source_volid: Type.Optional(OptionalUuid),
  consistencygroup_id: Type.Optional(OptionalUuid),
  size: Type.Optional(VolumeSizeAllowsNull),
  availability_zone: Type.Optional(AvailabilityZone),
  multiattach: Type.Optional(OptionalBoolean),
  image_id: Type.Optional(imageRef),
  imageRef: Type.Optional(imageRef),
};
const groupId = Type.Unsafe<string | null>({ type: ['string', 'null'], minLength: 0, maxLength: 255 });

/** Cinder's scheduler hints: known hints typed, others admitted (cinder/api/schemas/scheduler_hints.py). */
const uuidOrUuids = Type.Unsafe<string | string[]>({
  oneOf: [
    { type: 'string', format: 'uuid' },
    { type: 'array', items: { type: 'string', format: 'uuid' }, uniqueItems: true },
  ],
});
const SchedulerHints = Type.Unsafe<Record<string, unknown> | null>({
  type: ['object', 'null'],
  properties: {
    local_to_instance: OptionalUuid,
    different_host: uuidOrUuids,
    same_host: uuidOrUuids,
    query: { type: ['string', 'object'] },
  },
  additionalProperties: true,
});

function createBody<P extends TProperties>(fields: P, strict: boolean) {
  return Type.Object(
    {
      volume: Type.Object(fields, { additionalProperties: !strict }),
      'OS-SCH-HNT:scheduler_hints': Type.Optional(SchedulerHints),
    },
    { additionalProperties: false },
  );
}

const v313Fields = { ...createFields, group_id: Type.Optional(groupId) };
const v347Fields = { ...v313Fields, backup_id: Type.Optional(OptionalUuid) };

export const VolumeCreateBody = createBody(v347Fields, true);
export type VolumeCreate = Static<typeof VolumeCreateBody>['volume'];

export const VOLUME_CREATE: readonly Versioned[] = [
  { to: 12, schema: createBody(createFields, false) },
  { from: 13, to: 46, schema: createBody(v313Fields, false) },
  { from: 47, to: 52, schema: createBody(v347Fields, false) },
  { from: 53, schema: VolumeCreateBody },
];

const updateFields = {
  name: Type.Optional(trimmedName),
  description: Type.Optional(trimmedDescription),
  display_name: Type.Optional(trimmedName),
  display_description: Type.Optional(trimmedDescription),
  metadata: Type.Optional(ExtraSpecs),
};
const AT_LEAST_ONE = ['name', 'description', 'display_name', 'display_description', 'metadata'].map(
  (key) => ({ required: [key] }),
);

export const VolumeUpdateBody = Type.Object(
  { volume: Type.Object(updateFields, { additionalProperties: false }) },
  { additionalProperties: false },
);
export type VolumeUpdate = Static<typeof VolumeUpdateBody>['volume'];

export const VOLUME_UPDATE: readonly Versioned[] = [
  { to: 52, schema: VolumeUpdateBody },
  {
    from: 53,
    schema: Type.Object(
      { volume: Type.Object(updateFields, { additionalProperties: false, anyOf: AT_LEAST_ONE }) },
      { additionalProperties: false },
    ),
  },
];

/** POST and PUT …/metadata (volume_metadata.create). */
export const VolumeMetadataBody = Type.Object({ metadata: ExtraSpecs }, { additionalProperties: false });

/** PUT …/metadata/{key} (volume_metadata.update): exactly one key. */
export const VolumeMetaItemBody = Type.Object(
  { meta: Type.Unsafe<Record<string, string>>({ ...ExtraSpecs, minProperties: 1, maxProperties: 1 }) },
  { additionalProperties: false },
);
