// Cinder's common parameter types (cinder/api/validation/parameter_types.py) as TypeBox schemas. Cinder's
// fields often take several JSON types (`['integer', 'string']`), which TypeBox declares with Type.Unsafe
// so that the JSON schema stays Cinder's own, keyword for keyword.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const DB_MAX_INT = 0x7fffffff;

/** Printable characters of the Basic Multilingual Plane (Cinder builds the same class from 0..0xFFFF). */
const PRINTABLE = '^[^\\p{C}\\p{Zl}\\p{Zp}\\u{10000}-\\u{10FFFF}]*$';

export const Name = Type.String({ minLength: 1, maxLength: 255, format: 'name' });

export const UpdateName = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  minLength: 1,
  maxLength: 255,
});

export const Description = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  minLength: 0,
  maxLength: 255,
  pattern: PRINTABLE,
});

/** A JSON boolean or one of the strings oslo's bool_from_string accepts strictly. */
export const Boolean = Type.Unsafe<boolean | string>({
  type: ['boolean', 'string'],
  enum: [
    true,
    'True',
    'TRUE',
    'true',
    '1',
    'ON',
    'On',
    'on',
    'YES',
    'Yes',
    'yes',
    'y',
    't',
    false,
    'False',
    'FALSE',
    'false',
    '0',
    'OFF',
    'Off',
    'off',
    'NO',
    'No',
    'no',
    'n',
    'f',
  ],
});

export const OptionalBoolean = Type.Unsafe<boolean | string | null>({ oneOf: [{ type: 'null' }, Boolean] });

export const Uuid = Type.String({ format: 'uuid' });

export const UuidAllowNull = Type.Unsafe<string | null>({ oneOf: [Uuid, { type: 'null' }] });

export const OptionalUuid = Type.Unsafe<string | null>({ oneOf: [{ type: 'null' }, Uuid] });

/** Metadata and extra specs: keys of 1–255 characters from Cinder's set, string values. */
const SPEC_KEY = '^[a-zA-Z0-9-_:. /]{1,255}$';

function specs<V extends TSchema>(value: V, type: 'object' | ['object', 'null'], key = SPEC_KEY) {
  return Type.Unsafe<Record<string, Static<V>>>({
    type,
    patternProperties: { [key]: value },
    additionalProperties: false,
  });
}

export const ExtraSpecs = specs(Type.String({ maxLength: 255 }), 'object');

export const MetadataAllowsNull = Type.Unsafe<Record<string, string> | null>(
  specs(Type.String({ maxLength: 255 }), ['object', 'null']),
);

export const ExtraSpecsWithNull = specs(
  Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 255 }),
  'object',
);

export const ExtraSpecsWithNoSpacesKey = specs(
  Type.Unsafe<string | null>({ type: ['string', 'null'], minLength: 0, maxLength: 255 }),
  'object',
  '^[a-zA-Z0-9-_:.]{1,255}$',
);

export const ImageMetadata = specs(Type.String({ format: 'mysql_text' }), 'object');

export const NameAllowZeroMinLength = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  minLength: 0,
  maxLength: 255,
});

export const NullableString = NameAllowZeroMinLength;
export const Container = NameAllowZeroMinLength;

export const AvailabilityZone = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  minLength: 1,
  maxLength: 255,
});

export const VolumeSize = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^[0-9]+$',
  minimum: 1,
  maximum: DB_MAX_INT,
});

export const VolumeSizeAllowsNull = Type.Unsafe<number | string | null>({
  type: ['integer', 'string', 'null'],
  pattern: '^[0-9]+$',
  minimum: 1,
  maximum: DB_MAX_INT,
});

/** `{"os-force_delete": {}}`-style actions: Cinder accepts any value under the action key. */
export const AnyValue = Type.Unsafe<unknown>({});

const TRUE_STRINGS = new Set(['1', 't', 'true', 'on', 'y', 'yes']);

/** oslo's bool_from_string for a value that passed `Boolean` (strict strings are already checked). */
export function boolOf(value: boolean | string | null | undefined, fallback = false): boolean {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  return TRUE_STRINGS.has(value.trim().toLowerCase());
}

/** A size that passed `VolumeSize` (an integer or a string of digits). */
export function sizeOf(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}
