// Request bodies of the volume-type routes (cinder/api/schemas/volume_types.py, types_extra_specs.py,
// volume_type_access.py).
import { Type, type Static } from '@sinclair/typebox';
import type { ActionSchema } from '../validation.js';
import {
  Boolean,
  Description,
  ExtraSpecsWithNoSpacesKey,
  ExtraSpecsWithNull,
  Name,
  UpdateName,
} from './parameter-types.js';

export const TypeCreateBody = Type.Object(
  {
    volume_type: Type.Object(
      {
        name: Name,
        description: Type.Optional(Description),
        extra_specs: Type.Optional(ExtraSpecsWithNull),
        'os-volume-type-access:is_public': Type.Optional(Boolean),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type TypeCreate = Static<typeof TypeCreateBody>['volume_type'];

export const TypeUpdateBody = Type.Object(
  {
    volume_type: Type.Object(
      {
        name: Type.Optional(UpdateName),
        description: Type.Optional(Description),
        is_public: Type.Optional(Boolean),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type TypeUpdate = Static<typeof TypeUpdateBody>['volume_type'];

export const ExtraSpecsBody = Type.Object(
  { extra_specs: ExtraSpecsWithNoSpacesKey },
  { additionalProperties: false },
);

/** PUT …/extra_specs/{key}: the body is the one spec itself. */
export const ExtraSpecItemBody = Type.Unsafe<Record<string, string | null>>({
  ...ExtraSpecsWithNoSpacesKey,
  minProperties: 1,
  maxProperties: 1,
});

const access = (name: string) =>
  Type.Object(
    {
      [name]: Type.Object(
        { project: Type.String({ minLength: 1, maxLength: 255 }) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  );

export const TYPE_ACTIONS: Readonly<Record<string, ActionSchema>> = {
  addProjectAccess: { schema: access('addProjectAccess') },
  removeProjectAccess: { schema: access('removeProjectAccess') },
};
