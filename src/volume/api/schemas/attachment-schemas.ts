// Request bodies of the attachments API (cinder/api/schemas/attachments.py): create gains `mode` at 3.54.
import { Type, type Static } from '@sinclair/typebox';
import type { Versioned } from '../validation.js';
import { Uuid } from './parameter-types.js';

const connector = Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'] });
const createFields = {
  instance_uuid: Type.Optional(Uuid),
  connector: Type.Optional(connector),
  volume_uuid: Uuid,
};
const createV354Fields = {
  ...createFields,
  mode: Type.Optional(Type.Unsafe<'rw' | 'ro'>({ type: 'string', enum: ['rw', 'ro'] })),
};
const wrap = (fields: typeof createFields | typeof createV354Fields) =>
  Type.Object(
    { attachment: Type.Object(fields, { additionalProperties: false }) },
    { additionalProperties: false },
  );

export const AttachmentCreate = Type.Object(createV354Fields);
export type AttachmentCreate = Static<typeof AttachmentCreate>;

export const ATTACHMENT_CREATE: readonly Versioned[] = [
  { to: 53, schema: wrap(createFields) },
  { from: 54, schema: wrap(createV354Fields) },
];

export const AttachmentUpdateBody = Type.Object(
  {
    attachment: Type.Object(
      {
        connector: Type.Unsafe<Record<string, unknown>>({ type: 'object', minProperties: 1 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
