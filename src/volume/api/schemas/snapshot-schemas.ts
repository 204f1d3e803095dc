// Request bodies of the snapshot routes (cinder/api/schemas/snapshots.py, snapshot_metadata.py).
import { Type, type Static } from '@sinclair/typebox';
import {
  Boolean,
  Description,
  MetadataAllowsNull,
  NameAllowZeroMinLength,
  UuidAllowNull,
} from './parameter-types.js';

export const SnapshotCreateBody = Type.Object(
  {
    snapshot: Type.Object(
      {
        name: Type.Optional(NameAllowZeroMinLength),
        display_name: Type.Optional(NameAllowZeroMinLength),
        description: Type.Optional(Description),
        volume_id: UuidAllowNull,
        force: Type.Optional(Boolean),
        metadata: Type.Optional(MetadataAllowsNull),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type SnapshotCreate = Static<typeof SnapshotCreateBody>['snapshot'];

export const SnapshotUpdateBody = Type.Object(
  {
    snapshot: Type.Object(
      {
        name: Type.Optional(NameAllowZeroMinLength),
        description: Type.Optional(Description),
        display_name: Type.Optional(NameAllowZeroMinLength),
        display_description: Type.Optional(Description),
      },
      {
        additionalProperties: false,
        anyOf: ['name', 'description', 'display_name', 'display_description'].map((k) => ({
          required: [k],
        })),
      },
    ),
  },
  { additionalProperties: false },
);
export type SnapshotUpdate = Static<typeof SnapshotUpdateBody>['snapshot'];

/** Snapshot metadata keys are Cinder's spec keys without '/'. */
const SnapshotMetadata = Type.Unsafe<Record<string, string>>({
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
});

/** POST and PUT …/metadata: Cinder admits other top-level keys here (and ignores them). */
export const SnapshotMetadataBody = Type.Object(
  { metadata: SnapshotMetadata },
  { additionalProperties: true },
);

export const SnapshotMetaItemBody = Type.Object(
  { meta: Type.Unsafe<Record<string, string>>({ ...SnapshotMetadata, minProperties: 1, maxProperties: 1 }) },
  { additionalProperties: true },
);
