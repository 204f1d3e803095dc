// Swift's storage policies as Nuage has them: one, Policy-0, the default, which every container uses.
// /info advertises it, containers report it (X-Storage-Policy), accounts report their usage per policy
// (X-Account-Storage-Policy-<name>-*), and a container PUT naming another policy is refused with 400.
import { errors } from '../../../common/errors/codes.js';
import { DEFAULT_STORAGE_POLICY, type Account } from '../../model.js';

export const DEFAULT_POLICY_NAME = DEFAULT_STORAGE_POLICY;

/** GET /info's `swift.policies`. */
export function policiesInfo(): Array<Record<string, unknown>> {
  return [{ name: DEFAULT_POLICY_NAME, aliases: DEFAULT_POLICY_NAME, default: true }];
}

/**
 * Validates X-Storage-Policy on a container PUT: absent or empty means the default; a name is matched
 * without case (as Swift's POLICIES.get_by_name does), anything else is "Invalid X-Storage-Policy".
 */
export function checkStoragePolicy(value: string | undefined): void {
  if (value === undefined || value === '') return;
  if (value.toUpperCase() === DEFAULT_POLICY_NAME.toUpperCase()) return;
  throw errors.badRequest(`Invalid X-Storage-Policy '${value.slice(0, 256)}'`);
}

/**
 * The account's usage per policy. Swift lists a policy once the account holds a container of it; all
 * containers here are Policy-0, so its figures are the account's.
 */
export function accountPolicyHeaders(a: Account): Record<string, string> {
  if (a.containerCount === 0) return {};
  const prefix = `X-Account-Storage-Policy-${DEFAULT_POLICY_NAME}`;
  return {
    [`${prefix}-Container-Count`]: String(a.containerCount),
    [`${prefix}-Object-Count`]: String(a.objectCount),
    [`${prefix}-Bytes-Used`]: String(a.bytesUsed),
  };
}
