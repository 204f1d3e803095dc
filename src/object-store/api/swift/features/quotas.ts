// Swift feature: container quotas (X-Container-Meta-Quota-Bytes / -Quota-Count, set by the container's
// writers) and account quotas (X-Account-Quota-Bytes / -Quota-Count and the older
// X-Account-Meta-Quota-Bytes, and per policy X-Account-Quota-Bytes-Policy-Policy-0…, set only by a
// reseller: a ResellerAdmin or the cloud admin). An upload that would exceed one is refused with 413
// "Upload exceeds quota." (or "policy quota."); the declared Content-Length is checked before the
// upload, and the real size of a chunked upload before it is committed.
import type { ApiError } from '../../../../common/errors/api-error.js';
import { errors } from '../../../../common/errors/codes.js';
import { isSwiftReseller } from '../access.js';
import { DEFAULT_POLICY_NAME } from '../storage-policy.js';
import type { Account, Container } from '../../../model.js';
import type { ObjectWritePlan } from '../extensions.js';
import type { SwiftContext } from '../swift-context.js';
import type { InstallFeature } from './feature-deps.js';

/** The account's quotas, overall and for its (only) storage policy, as Swift's account_quotas names them. */
const POLICY_SUFFIX = `-policy-${DEFAULT_POLICY_NAME.toLowerCase()}`;
const ACCOUNT_QUOTA_HEADERS = [
  'x-account-quota-bytes',
  'x-account-quota-count',
  `x-account-quota-bytes${POLICY_SUFFIX}`,
  `x-account-quota-count${POLICY_SUFFIX}`,
] as const;
const LEGACY_ACCOUNT_BYTES = 'x-account-meta-quota-bytes';

function exceeded(kind: '' | 'policy ' = ''): ApiError {
  return errors.payloadTooLarge(`Upload exceeds ${kind}quota.`, {
    internalContext: { verbatimBody: true },
  });
}

/** A quota value, or undefined when absent or not a plain non-negative integer (then not enforced). */
function quota(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Container PUT/POST: quota values must be digits. */
function checkContainerQuotaHeaders(ctx: SwiftContext): void {
  const bytes = ctx.headers['x-container-meta-quota-bytes'];
  if (bytes && !/^\d+$/.test(bytes)) throw errors.badRequest('Invalid bytes quota.');
  const count = ctx.headers['x-container-meta-quota-count'];
  if (count && !/^\d+$/.test(count)) throw errors.badRequest('Invalid count quota.');
}

/** Account POST: only a reseller may set or remove quotas, and only to digits. */
function checkAccountQuotaHeaders(ctx: SwiftContext): void {
  const h = ctx.headers;
  // The older header is an alias of X-Account-Quota-Bytes, as Swift translates it.
  for (const [legacy, current] of [
    [LEGACY_ACCOUNT_BYTES, 'x-account-quota-bytes'],
    ['x-remove-account-meta-quota-bytes', 'x-remove-account-quota-bytes'],
  ] as const) {
    const value = h[legacy];
    if (value !== undefined && !h[current]) {
      h[current] = value;
      ctx.request.headers[current] = value;
    }
  }
  const touched = ACCOUNT_QUOTA_HEADERS.filter(
    (name) => h[name] !== undefined || h[name.replace('x-', 'x-remove-')] !== undefined,
  );
  if (touched.length === 0) return;
  if (!isSwiftReseller(ctx.auth)) throw errors.forbidden('Access was denied to this resource.');
  for (const name of touched) {
    const value = h[name];
    if (value && !/^\d+$/.test(value)) throw errors.badRequest('Invalid quota value.');
  }
}

async function intercept(ctx: SwiftContext): Promise<false> {
  const method = ctx.request.method;
  if (method !== 'PUT' && method !== 'POST') return false;
  if (ctx.path.container === undefined) checkAccountQuotaHeaders(ctx);
  else if (ctx.path.object === undefined) checkContainerQuotaHeaders(ctx);
  return false;
}

function checkCounts(c: Container, account: Account, bytes: number, accountExempt: boolean): void {
  const containerBytes = quota(c.metadata.headers['x-container-meta-quota-bytes']);
  if (containerBytes !== undefined && c.bytesUsed + bytes > containerBytes) throw exceeded();
  const containerCount = quota(c.metadata.headers['x-container-meta-quota-count']);
  if (containerCount !== undefined && c.objectCount + 1 > containerCount) throw exceeded();
  if (accountExempt) return;
  const h = account.metadata.headers;
  const accountBytes = quota(h['x-account-quota-bytes'] ?? h[LEGACY_ACCOUNT_BYTES]);
  if (accountBytes !== undefined && account.bytesUsed + bytes > accountBytes) throw exceeded();
  const accountCount = quota(h['x-account-quota-count']);
  if (accountCount !== undefined && account.objectCount + 1 > accountCount) throw exceeded();
  // Every container is of the one policy, so the policy's usage is the account's.
  const policyBytes = quota(h[`x-account-quota-bytes${POLICY_SUFFIX}`]);
  if (policyBytes !== undefined && account.bytesUsed + bytes > policyBytes) throw exceeded('policy ');
  const policyCount = quota(h[`x-account-quota-count${POLICY_SUFFIX}`]);
  if (policyCount !== undefined && account.objectCount + 1 > policyCount) throw exceeded('policy ');
}

async function beforeWrite(
  ctx: SwiftContext,
  incomingBytes: number | undefined,
): Promise<ObjectWritePlan | void> {
  const c = await ctx.objects.getContainer(ctx.path.projectId, ctx.path.container as string);
  if (!c) return;
  const account = await ctx.objects.getAccount(ctx.path.projectId);
  // Resellers are not bound by account quotas; container quotas bind everyone.
  const exempt = isSwiftReseller(ctx.auth);
  checkCounts(c, account, incomingBytes ?? 0, exempt);
  if (incomingBytes !== undefined) return;
  return { beforeCommit: ({ sizeBytes }) => checkCounts(c, account, sizeBytes, exempt) };
}

export const install: InstallFeature = (extensions) => {
  extensions.info.container_quotas = {};
  extensions.info.account_quotas = {};
  extensions.intercept.push(intercept);
  extensions.beforeObjectWrite.push(beforeWrite);
};
