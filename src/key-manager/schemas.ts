// The JSON bodies the key manager accepts, as TypeBox schemas with Barbican's limits (validators.py).
// Barbican ignores properties it does not know; Nuage refuses them (400), so that nothing is silently
// dropped.
import { Type, type TSchema } from '@sinclair/typebox';
import { CONTAINER_TYPES, SECRET_TYPES } from './model.js';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const optional = <T extends TSchema>(schema: T) => Type.Optional(schema);
const text255 = Type.String({ maxLength: 255 });
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const secretFields = {
  name: optional(nullable(text255)),
  algorithm: optional(text255),
  mode: optional(text255),
  bit_length: optional(Type.Integer({ minimum: 1, maximum: 32767 })),
  expiration: optional(text255),
  payload: optional(Type.String()),
  secret_type: optional(literals(SECRET_TYPES)),
  payload_content_type: optional(nullable(text255)),
  payload_content_encoding: optional(literals(['base64'])),
};

/** POST /v1/secrets. */
export const NewSecretSchema = Type.Object(
  {
    ...secretFields,
    transport_key_needed: optional(literals(['true', 'false'])),
    transport_key_id: optional(Type.String()),
  },
  { additionalProperties: false },
);

/** POST /v1/orders: the meta is checked by type afterwards. */
export const NewOrderSchema = Type.Object(
  { type: literals(['key', 'asymmetric']), meta: Type.Object({}, { additionalProperties: true }) },
  { additionalProperties: false },
);

const orderMetaFields = {
  name: secretFields.name,
  algorithm: secretFields.algorithm,
  mode: secretFields.mode,
  bit_length: secretFields.bit_length,
  expiration: secretFields.expiration,
  payload_content_type: secretFields.payload_content_type,
  payload: secretFields.payload,
};

/** The meta of a key order: what python-barbicanclient's KeyOrder can read back. */
export const KeyOrderMetaSchema = Type.Object(orderMetaFields, { additionalProperties: false });

/** The meta of an asymmetric order; the client sends the passphrase as pass_phrase. */
export const AsymmetricOrderMetaSchema = Type.Object(
  { ...orderMetaFields, passphrase: optional(Type.String()), pass_phrase: optional(Type.String()) },
  { additionalProperties: false },
);

/** POST /v1/containers. */
export const NewContainerSchema = Type.Object(
  {
    name: optional(nullable(text255)),
    type: literals(CONTAINER_TYPES),
    secret_refs: optional(
      Type.Array(
        Type.Object(
          { name: optional(nullable(text255)), secret_ref: Type.String({ minLength: 1 }) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

/** POST and DELETE /v1/containers/{id}/secrets. */
export const ContainerSecretSchema = Type.Object(
  { name: optional(text255), secret_ref: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
