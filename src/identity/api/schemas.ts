// TypeBox schemas for identity request bodies. Keystone accepts unknown attributes (kept as extras), so
// objects stay open, but every known field is typed and bounded (names: 1–255 characters per Keystone).
import { Type } from '@sinclair/typebox';

export const Name = Type.String({ minLength: 1, maxLength: 255 });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const Description = Type.String({ maxLength: 65_535 });
export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' }), {
  maxItems: 80,
});
export const NullableId = Type.Union([Id, Type.Null()]);

export const ProjectCreateBody = Type.Object(
  {
    project: Type.Object({
      name: Type.String({ minLength: 1, maxLength: 64 }),
      domain_id: Type.Optional(NullableId),
      parent_id: Type.Optional(NullableId),
      description: Type.Optional(Description),
      enabled: Type.Optional(Type.Boolean()),
      is_domain: Type.Optional(Type.Boolean()),
      tags: Type.Optional(Tags),
      options: Type.Optional(Type.Object({})),
    }),
  },
  { additionalProperties: false },
);

export const ProjectUpdateBody = Type.Object(
  {
    project: Type.Object({
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      description: Type.Optional(Description),
      enabled: Type.Optional(Type.Boolean()),
      tags: Type.Optional(Tags),
      options: Type.Optional(Type.Object({})),
    }),
  },
  { additionalProperties: false },
);

export const DomainCreateBody = Type.Object(
  {
    domain: Type.Object({
      name: Type.String({ minLength: 1, maxLength: 64 }),
      description: Type.Optional(Description),
      enabled: Type.Optional(Type.Boolean()),
      explicit_domain_id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
      tags: Type.Optional(Tags),
      options: Type.Optional(Type.Object({})),
    }),
  },
  { additionalProperties: false },
);

export const DomainUpdateBody = Type.Object(
  {
    domain: Type.Object({
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      description: Type.Optional(Description),
      enabled: Type.Optional(Type.Boolean()),
      options: Type.Optional(Type.Object({})),
    }),
  },
  { additionalProperties: false },
);

export const TagsBody = Type.Object({ tags: Tags }, { additionalProperties: false });

const NameOrIdRef = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });
/** Keystone's parameter_types.boolean (JSON booleans and the usual strings). */
const LooseBool = Type.Union([
  Type.Boolean(),
  Type.Null(),
  Type.Unsafe<string>({
    type: 'string',
    enum: ['True', 'TRUE', 'true', 'False', 'FALSE', 'false', '', '1', '0', 'y', 'Y', 'n', 'N'],
  }),
]);

/**
 * POST /v3/auth/tokens, as Keystone's token_issue schema declares it: open objects (each method's plugin
 * reads its own members; unknown members are ignored, as Keystone ignores them). A missing `auth` is
 * refused by auth-request.ts with Keystone's message, which then applies the semantic checks.
 */
export const AuthTokensBody = Type.Object({
  auth: Type.Optional(
    Type.Object({
      identity: Type.Object({
        methods: Type.Array(Type.String()),
        password: Type.Optional(
          Type.Object({
            user: Type.Optional(
              Type.Object({
                id: Type.Optional(Type.String()),
                name: Type.Optional(Type.String()),
                password: Type.Optional(Type.String()),
                domain: Type.Optional(NameOrIdRef),
              }),
            ),
          }),
        ),
        totp: Type.Optional(
          Type.Object({
            user: Type.Optional(
              Type.Object({
                id: Type.Optional(Type.String()),
                name: Type.Optional(Type.String()),
                passcode: Type.Optional(Type.String()),
                domain: Type.Optional(NameOrIdRef),
              }),
            ),
          }),
        ),
        token: Type.Optional(Type.Object({ id: Type.String() })),
        application_credential: Type.Optional(
          Type.Object({
            id: Type.Optional(Type.String()),
            name: Type.Optional(Type.String()),
            secret: Type.Optional(Type.String()),
            user: Type.Optional(
              Type.Object({
                id: Type.Optional(Type.String()),
                name: Type.Optional(Type.String()),
                domain: Type.Optional(NameOrIdRef),
              }),
            ),
          }),
        ),
      }),
      scope: Type.Optional(
        Type.Union([
          Type.String(),
          Type.Object({
            project: Type.Optional(
              Type.Object({
                id: Type.Optional(Type.String()),
                name: Type.Optional(Type.String()),
                domain: Type.Optional(NameOrIdRef),
              }),
            ),
            domain: Type.Optional(NameOrIdRef),
            system: Type.Optional(Type.Object({ all: Type.Optional(LooseBool) })),
          }),
        ]),
      ),
    }),
  ),
});
