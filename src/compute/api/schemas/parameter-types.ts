// Nova's common request parameter types (nova/api/validation/parameter_types.py) as TypeBox schemas.
// Several are JSON Schema that TypeBox has no builder for (a list of types, numeric strings with a
// minimum), hence Type.Unsafe with the TypeScript type a handler receives.
import { Type, type TSchema } from '@sinclair/typebox';

/** Printable characters as Nova's name regexes define them (see validation/nova-formats.ts). */
const PRINTABLE = '[^\\p{C}\\p{Zl}\\p{Zp}\\u{10000}-\\u{10FFFF}]';

export const BOOLEAN_VALUES = [
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
] as const;

export const boolean = Type.Unsafe<boolean | string>({
  type: ['boolean', 'string'],
  enum: [...BOOLEAN_VALUES],
});

/** oslo strutils.bool_from_string over Nova's boolean values. */
export function isTrue(value: boolean | string | undefined): boolean {
  return (
    value === true || (typeof value === 'string' && ['true', '1', 'on', 'yes'].includes(value.toLowerCase()))
  );
}

export const nameOrNone = Type.Unsafe<string | null>({
  oneOf: [{ type: 'string', minLength: 1, maxLength: 255 }, { type: 'null' }],
});

export const positiveInteger = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^[0-9]*$',
  minimum: 1,
  minLength: 1,
});

export const nonNegativeInteger = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^[0-9]*$',
  minimum: 0,
  minLength: 1,
});

export const hostname = Type.String({
  pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$',
  minLength: 2,
  maxLength: 63,
});

export const fqdn = Type.String({ pattern: '^[a-zA-Z0-9-._]*$', minLength: 1, maxLength: 255 });

export const name = Type.String({ format: 'name', minLength: 1, maxLength: 255 });

export const azName = Type.String({ format: 'az_name', minLength: 1, maxLength: 255 });

export const keypairNameSpecialChars = Type.Unsafe<string>({
  allOf: [name, { type: 'string', pattern: '^[_\\- a-zA-Z0-9]+$', minLength: 1, maxLength: 255 }],
});

export const validDescriptionRegex = `^${PRINTABLE}*$`;

export const description = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  pattern: validDescriptionRegex,
  minLength: 0,
  maxLength: 255,
});

export const projectId = Type.String({ pattern: '^[a-zA-Z0-9-]*$', minLength: 1, maxLength: 255 });

export const uuid = Type.String({ format: 'uuid' });

export const imageIdOrEmptyString = Type.Unsafe<string>({
  oneOf: [
    { type: 'string', format: 'uuid' },
    { type: 'string', maxLength: 0 },
  ],
});

export const adminPassword = Type.String();

export const flavorRef = Type.Unsafe<string | number>({ type: ['string', 'integer'], minLength: 1 });

const METADATA_KEY = '^[a-zA-Z0-9-_:. ]{1,255}$';

export function metadataOf(value: TSchema, extra: Record<string, unknown> = {}) {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    patternProperties: { [METADATA_KEY]: value },
    additionalProperties: false,
    ...extra,
  });
}

export const metadata = metadataOf(Type.String({ maxLength: 255 }));

export const ipAddress = Type.Unsafe<string>({
  type: 'string',
  oneOf: [{ format: 'ipv4' }, { format: 'ipv6' }],
});

export const accessIPv4 = Type.String({ format: 'ipv4' });
export const accessIPv6 = Type.String({ format: 'ipv6' });

export const diskConfig = Type.Unsafe<'AUTO' | 'MANUAL'>({ type: 'string', enum: ['AUTO', 'MANUAL'] });

export const volumeSize = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^[0-9]+$',
  minimum: 1,
  maximum: 0x7fffffff,
});

export const flavorParamPositive = volumeSize;

export const flavorParamNonNegative = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^[0-9]+$',
  minimum: 0,
  maximum: 0x7fffffff,
});

export const personality = Type.Array(
  Type.Object(
    { path: Type.Optional(Type.String()), contents: Type.Optional(Type.String({ format: 'base64' })) },
    { additionalProperties: false },
  ),
);

/** nova.objects.tag.MAX_TAG_LENGTH */
export const tag = Type.String({ pattern: '^[^,/]*$', minLength: 1, maxLength: 60 });

/** nova.objects.instance.MAX_TAG_COUNT */
export const MAX_TAG_COUNT = 50;

export const trustedCerts = Type.Unsafe<string[] | null>({
  type: ['array', 'null'],
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
  items: { type: 'string', minLength: 1 },
});

export const volumeType = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  minLength: 0,
  maxLength: 255,
});

// Query strings: Nova validates each parameter as the list of its values.
export const multiParams = (items: TSchema) => Type.Array(items);
export const singleParam = (items: TSchema) => Type.Array(items, { maxItems: 1 });
export const commonQueryParam = multiParams(Type.String());
export const commonQueryRegexParam = multiParams(Type.String({ format: 'regex' }));
export const paginationParameters = {
  limit: multiParams(nonNegativeInteger),
  marker: multiParams(Type.String()),
};

/** A query schema Nova gives routes without parameters: anything goes, and is ignored. */
export const ANY_QUERY = Type.Object({}, { additionalProperties: true });

/** Query parameters as a schema object, strict (2.75+) or not. */
export function querySchema(properties: Record<string, TSchema>, strict: boolean) {
  return Type.Object(
    Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, Type.Optional(s)])),
    { additionalProperties: !strict },
  );
}

/** An action body whose value is not checked (Nova's `{'os-start': {}}`). */
export function anyAction(action: string) {
  return Type.Object({ [action]: Type.Unknown() }, { additionalProperties: false });
}
