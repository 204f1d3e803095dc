// Request schemas of /flavors, os-flavor-access and os-extra_specs (nova/api/openstack/compute/
// schemas/flavors.py, flavor_access.py, flavors_extraspecs.py), by microversion up to 2.79.
import { Type, type TSchema } from '@sinclair/typebox';
import type { VersionedSchema } from '../validation/nova-validate.js';
import * as p from './parameter-types.js';

const flavorDescription = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  minLength: 0,
  maxLength: 65535,
  pattern: p.validDescriptionRegex,
});

function createBody(minor: number) {
  const properties: Record<string, TSchema> = {
    name: p.name,
    id: Type.Optional(
      Type.Unsafe<string | number | null>({
        type: ['string', 'number', 'null'],
        minLength: 1,
        maxLength: 255,
        pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$',
      }),
    ),
    ram: p.flavorParamPositive,
    vcpus: p.flavorParamPositive,
    disk: p.flavorParamNonNegative,
    'OS-FLV-EXT-DATA:ephemeral': Type.Optional(p.flavorParamNonNegative),
    swap: Type.Optional(p.flavorParamNonNegative),
    rxtx_factor: Type.Optional(
      Type.Unsafe<number | string>({
        type: ['number', 'string'],
        pattern: '^[0-9]+(\\.[0-9]+)?$',
        exclusiveMinimum: 0,
        maximum: 3.40282e38,
      }),
    ),
    'os-flavor-access:is_public': Type.Optional(p.boolean),
    ...(minor >= 55 && { description: Type.Optional(flavorDescription) }),
  };
  return Type.Object(
    { flavor: Type.Object(properties, { additionalProperties: false }) },
    {
      additionalProperties: false,
    },
  );
}

export const FLAVOR_CREATE: readonly VersionedSchema[] = [
  { max: 54, schema: createBody(1) },
  { min: 55, schema: createBody(55) },
];

export interface FlavorCreateBody {
  flavor: {
    name: string;
    id?: string | number | null;
    ram: number | string;
    vcpus: number | string;
    disk: number | string;
    'OS-FLV-EXT-DATA:ephemeral'?: number | string;
    swap?: number | string;
    rxtx_factor?: number | string;
    'os-flavor-access:is_public'?: boolean | string;
    description?: string | null;
  };
}

/** PUT /flavors/{id} exists from 2.55 (description only). */
export const FLAVOR_UPDATE = Type.Object(
  {
    flavor: Type.Object({ description: flavorDescription }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export interface FlavorUpdateBody {
  flavor: { description: string | null };
}

export const FLAVOR_SORT_KEYS = [
  'created_at',
  'description',
  'disabled',
  'ephemeral_gb',
  'flavorid',
  'id',
  'is_public',
  'memory_mb',
  'name',
  'root_gb',
  'rxtx_factor',
  'swap',
  'updated_at',
  'vcpu_weight',
  'vcpus',
];

function listQuery(strict: boolean) {
  return p.querySchema(
    {
      ...p.paginationParameters,
      is_public: p.multiParams(Type.String()),
      minRam: p.multiParams(Type.String()),
      minDisk: p.multiParams(Type.String()),
      sort_key: p.multiParams(Type.Unsafe<string>({ type: 'string', enum: FLAVOR_SORT_KEYS })),
      sort_dir: p.multiParams(Type.Unsafe<string>({ type: 'string', enum: ['asc', 'desc'] })),
    },
    strict,
  );
}

export const FLAVOR_LIST_QUERY: readonly VersionedSchema[] = [
  { max: 74, schema: listQuery(false) },
  { min: 75, schema: listQuery(true) },
];

const tenantAccess = (action: string) =>
  Type.Object(
    {
      [action]: Type.Object(
        { tenant: Type.String({ minLength: 1, maxLength: 255 }) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  );

export const FLAVOR_ACTIONS = {
  addTenantAccess: tenantAccess('addTenantAccess'),
  removeTenantAccess: tenantAccess('removeTenantAccess'),
};

const extraSpecs = p.metadataOf(Type.Unsafe<string | number>({ type: ['string', 'number'], maxLength: 255 }));

export const EXTRA_SPECS_CREATE = Type.Object({ extra_specs: extraSpecs }, { additionalProperties: false });

export const EXTRA_SPEC_UPDATE = p.metadataOf(
  Type.Unsafe<string | number>({ type: ['string', 'number'], maxLength: 255 }),
  { minProperties: 1, maxProperties: 1 },
);
