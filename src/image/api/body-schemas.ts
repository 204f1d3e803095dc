// The bodies the image routes take, declared for the input-schema test and checked by the routes:
// an image record (Glance's published image schema: custom properties are strings), a JSON patch (its
// operations are checked by json-patch.ts against the same schema), and an interoperable import (one
// store here: Glance refuses `stores` and `all_stores` unless multi-store is enabled).
import { Type } from '@sinclair/typebox';
import { imageSchema } from './json-schemas.js';

export const IMAGE_CREATE_BODY = Type.Unsafe<Record<string, unknown>>({ type: 'object', ...imageSchema() });

export const JSON_PATCH_BODY = Type.Array(
  Type.Object({ op: Type.String(), path: Type.String(), value: Type.Optional(Type.Unknown()) }),
);

export const IMPORT_BODY = Type.Object(
  {
    method: Type.Object(
      { name: Type.String({ minLength: 1 }), uri: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
