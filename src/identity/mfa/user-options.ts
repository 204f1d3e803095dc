// Keystone's user options (keystone/identity/backends/resource_options.py) that Nuage implements: the MFA
// pair and the security-compliance exemptions. An option set to null is removed; any other option name is
// refused by the schema (Keystone: additionalProperties false), never stored silently.
import { Type, type Static } from '@sinclair/typebox';

const NullableBool = Type.Union([Type.Boolean(), Type.Null()]);

/** Keystone's MFA_RULES_OPT schema: a list of unique, non-empty lists of unique method names. */
const MfaRules = Type.Union([
  Type.Array(
    Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
      minItems: 1,
      uniqueItems: true,
      maxItems: 16,
    }),
    { uniqueItems: true, maxItems: 64 },
  ),
  Type.Null(),
]);

export const UserOptions = Type.Object(
  {
    multi_factor_auth_enabled: Type.Optional(NullableBool),
    multi_factor_auth_rules: Type.Optional(MfaRules),
    ignore_change_password_upon_first_use: Type.Optional(NullableBool),
    ignore_password_expiry: Type.Optional(NullableBool),
    ignore_lockout_failure_attempts: Type.Optional(NullableBool),
    lock_password: Type.Optional(NullableBool),
  },
  { additionalProperties: false },
);

export type UserOptionsInput = Static<typeof UserOptions>;

/** Applies a PATCH of options: null removes the option, any other value replaces it. */
export function mergeUserOptions(
  current: Record<string, unknown>,
  patch: UserOptionsInput | undefined,
): Record<string, unknown> {
  if (!patch) return current;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** The rules that apply to this user: none unless multi_factor_auth_enabled is true. */
export function mfaRulesOf(options: Record<string, unknown>): string[][] {
  if (options.multi_factor_auth_enabled !== true) return [];
  const rules = options.multi_factor_auth_rules;
  return Array.isArray(rules) ? (rules as string[][]) : [];
}

export const optionIsSet = (options: Record<string, unknown>, name: keyof UserOptionsInput): boolean =>
  options[name] === true;
