// Request bodies of the backup routes (cinder/api/schemas/backups.py): create gains metadata at 3.43 and
// availability_zone at 3.51; update (3.9) gains metadata at 3.43; restore.
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import type { Versioned } from '../validation.js';
import {
  Boolean,
  Container,
  Description,
  ExtraSpecs,
  MetadataAllowsNull,
  NameAllowZeroMinLength,
  NullableString,
  Uuid,
  UuidAllowNull,
} from './parameter-types.js';

const wrap = <P extends TProperties>(key: string, properties: P) =>
  Type.Object(
    { [key]: Type.Object(properties, { additionalProperties: false }) },
    { additionalProperties: false },
  );

const createFields = {
  volume_id: Uuid,
  container: Type.Optional(Container),
  description: Type.Optional(Description),
  incremental: Type.Optional(Boolean),
  force: Type.Optional(Boolean),
  name: Type.Optional(NameAllowZeroMinLength),
  snapshot_id: Type.Optional(UuidAllowNull),
};
const createV343Fields = { ...createFields, metadata: Type.Optional(MetadataAllowsNull) };
const createV351Fields = { ...createV343Fields, availability_zone: Type.Optional(NullableString) };

export const BackupCreate = Type.Object(createV351Fields);
export type BackupCreate = Static<typeof BackupCreate>;

export const BACKUP_CREATE: readonly Versioned[] = [
  { to: 42, schema: wrap('backup', createFields) },
  { from: 43, to: 50, schema: wrap('backup', createV343Fields) },
  { from: 51, schema: wrap('backup', createV351Fields) },
];

const updateFields = {
  name: Type.Optional(NameAllowZeroMinLength),
  description: Type.Optional(Description),
};
const updateV343Fields = { ...updateFields, metadata: Type.Optional(ExtraSpecs) };

/** Cinder's update admits `{"backup": null}` (nothing to change). */
const nullable = <P extends TProperties>(properties: P) =>
  Type.Object(
    {
      backup: Type.Unsafe<Static<ReturnType<typeof Type.Object<P>>> | null>({
        ...Type.Object(properties, { additionalProperties: false }),
        type: ['object', 'null'],
      }),
    },
    { additionalProperties: false },
  );

export const BackupUpdate = Type.Object(updateV343Fields);
export type BackupUpdate = Static<typeof BackupUpdate>;

export const BACKUP_UPDATE: readonly Versioned[] = [
  { to: 42, schema: nullable(updateFields) },
  { from: 43, schema: nullable(updateV343Fields) },
];

export const BackupRestoreBody = Type.Object(
  {
    restore: Type.Unsafe<{ name?: string | null; volume_id?: string | null } | null>({
      type: ['object', 'null'],
      properties: { name: NameAllowZeroMinLength, volume_id: UuidAllowNull },
      additionalProperties: false,
    }),
  },
  { additionalProperties: false },
);
