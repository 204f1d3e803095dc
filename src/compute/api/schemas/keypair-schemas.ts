// Request schemas of os-keypairs (nova/api/openstack/compute/schemas/keypairs.py) up to 2.79.
import { Type, type TSchema } from '@sinclair/typebox';
import type { VersionedSchema } from '../validation/nova-validate.js';
import * as p from './parameter-types.js';

function createBody(minor: number) {
  const properties: Record<string, TSchema> = {
    name: p.keypairNameSpecialChars,
    ...(minor >= 2 && {
      type: Type.Optional(Type.Unsafe<'ssh' | 'x509'>({ type: 'string', enum: ['ssh', 'x509'] })),
    }),
    public_key: Type.Optional(Type.String()),
    ...(minor >= 10 && { user_id: Type.Optional(Type.String()) }),
  };
  return Type.Object(
    { keypair: Type.Object(properties, { additionalProperties: false }) },
    {
      additionalProperties: false,
    },
  );
}

export const KEYPAIR_CREATE: readonly VersionedSchema[] = [
  { max: 1, schema: createBody(1) },
  { min: 2, max: 9, schema: createBody(2) },
  { min: 10, schema: createBody(10) },
];

export interface KeyPairCreateBody {
  keypair: { name: string; type?: 'ssh' | 'x509'; public_key?: string; user_id?: string };
}

const userId = { user_id: p.multiParams(Type.String()) };

export const KEYPAIR_LIST_QUERY: readonly VersionedSchema[] = [
  { max: 9, schema: p.ANY_QUERY },
  { min: 10, max: 34, schema: p.querySchema(userId, false) },
  { min: 35, max: 74, schema: p.querySchema({ ...userId, ...p.paginationParameters }, false) },
  { min: 75, schema: p.querySchema({ ...userId, ...p.paginationParameters }, true) },
];

/** Show and delete take user_id (2.10). */
export const KEYPAIR_ONE_QUERY: readonly VersionedSchema[] = [
  { max: 9, schema: p.ANY_QUERY },
  { min: 10, max: 74, schema: p.querySchema(userId, false) },
  { min: 75, schema: p.querySchema(userId, true) },
];
