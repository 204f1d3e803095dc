// Request schemas of Nova's image proxy (nova/api/openstack/compute/schemas/images.py and
// image_metadata.py).
import { Type } from '@sinclair/typebox';
import * as p from './parameter-types.js';

const free = Type.Unknown();

/** Filters are not checked (Nova never did); paging parameters are positive integers. */
export const IMAGE_LIST_QUERY = Type.Object(
  {
    name: Type.Optional(free),
    status: Type.Optional(free),
    'changes-since': Type.Optional(free),
    server: Type.Optional(free),
    type: Type.Optional(free),
    minRam: Type.Optional(free),
    minDisk: Type.Optional(free),
    limit: Type.Optional(p.multiParams(p.positiveInteger)),
    page_size: Type.Optional(p.multiParams(p.positiveInteger)),
    marker: Type.Optional(free),
    offset: Type.Optional(p.multiParams(p.positiveInteger)),
  },
  { patternProperties: { '^property-.*$': {} }, additionalProperties: true },
);

export const IMAGE_METADATA_ALL = Type.Object({ metadata: p.metadata }, { additionalProperties: false });

export const IMAGE_METADATA_ITEM = Type.Object(
  { meta: p.metadataOf(Type.String({ maxLength: 255 }), { minProperties: 1, maxProperties: 1 }) },
  { additionalProperties: false },
);
