// Bucket policies, for the common subset: Allow and Deny statements with Principal ("*", AWS
// principals naming a Keystone project — `arn:aws:iam::<project id>:root` or the bare id — or a user —
// `arn:aws:iam::<project id>:user/<user id>`, or CanonicalUser ids, which are project ids), Action (`s3:GetObject`, `s3:*`, `s3:Get*`…) and
// Resource (`arn:aws:s3:::bucket` and `arn:aws:s3:::bucket/prefix*`) and Condition (policy-conditions.ts).
// NotPrincipal, NotAction and NotResource are refused with NotImplemented rather than half-honoured.
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import {
  conditionsHold,
  parseConditions,
  type ConditionBlock,
  type ConditionValues,
} from './policy-conditions.js';

export const MAX_POLICY_BYTES = 20 * 1024;
const MAX_STATEMENTS = 100;
const MAX_ENTRIES = 100;

interface Statement {
  effect: 'Allow' | 'Deny';
  principals: string[];
  actions: RegExp[];
  resources: RegExp[];
  conditions: ConditionBlock | undefined;
}

export interface BucketPolicy {
  statements: Statement[];
}

/** Who is asking: anonymous, or a Keystone user acting for a project. */
export type Principal = { projectId: string; userId: string } | undefined;

export type PolicyDecision = 'allow' | 'deny' | 'none';

function malformed(message: string): never {
  throw s3Error('MalformedPolicy', message);
}

/** A pattern with `*` and `?` wildcards as an anchored, case-sensitive regular expression. */
function wildcard(pattern: string, caseInsensitive = false): RegExp {
  if (pattern.length > 1024) malformed('A policy pattern is too long.');
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'si' : 's');
}

function stringList(value: unknown, what: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ENTRIES) {
    malformed(`Policy has an invalid ${what}.`);
  }
  return list.map((item) => {
    if (typeof item !== 'string' || item === '') malformed(`Policy has an invalid ${what}.`);
    return item;
  });
}

function principals(value: unknown): string[] {
  if (value === '*') return ['*'];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    malformed('Invalid principal in policy');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) malformed('Invalid principal in policy');
  return entries.flatMap(([kind, list]) => {
    if (kind === 'AWS') return stringList(list, 'principal');
    // A canonical user id is the project's id here (the Owner ID of every listing and ACL).
    if (kind === 'CanonicalUser') {
      return stringList(list, 'principal').map((id) =>
        /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : malformed('Invalid principal in policy'),
      );
    }
    throw s3Errors.notImplemented('Policy principals other than "*", "AWS" and "CanonicalUser"');
  });
}

function resources(value: unknown, bucket: string): RegExp[] {
  return stringList(value, 'resource').map((arn) => {
    const prefix = 'arn:aws:s3:::';
    const rest = arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
    if (rest === undefined || (rest !== bucket && !rest.startsWith(`${bucket}/`))) {
      malformed('Policy has invalid resource');
    }
    return wildcard(arn);
  });
}

function statement(raw: unknown, bucket: string): Statement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    malformed('A statement is not an object.');
  const s = raw as Record<string, unknown>;
  for (const unsupported of ['NotPrincipal', 'NotAction', 'NotResource']) {
    if (s[unsupported] !== undefined) throw s3Errors.notImplemented(`Bucket policy ${unsupported}`);
  }
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') malformed('Policy has an invalid effect.');
  if (s.Principal === undefined) malformed('Policy statements need a Principal.');
  const actions = stringList(s.Action, 'action').map((action) => {
    if (!/^(s3:[A-Za-z*?]+|\*)$/.test(action)) malformed('Policy has invalid action');
    return wildcard(action, true);
  });
  return {
    effect: s.Effect,
    principals: principals(s.Principal),
    actions,
    resources: resources(s.Resource, bucket),
    conditions: s.Condition === undefined ? undefined : parseConditions(s.Condition),
  };
}

/** Parses and validates a policy document for `bucket`. Throws MalformedPolicy or NotImplemented. */
export function parsePolicy(text: string, bucket: string): BucketPolicy {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) malformed('Policies must be at most 20 KB.');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    malformed('The policy is not an object.');
  const d = document as Record<string, unknown>;
  if (d.Version !== undefined && d.Version !== '2012-10-17' && d.Version !== '2008-10-17') {
    malformed('The policy version is not supported.');
  }
  const raw = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
  if (d.Statement === undefined || raw.length === 0 || raw.length > MAX_STATEMENTS) {
    malformed('Missing required field Statement');
  }
  return { statements: raw.map((s) => statement(s, bucket)) };
}

function namesPrincipal(entry: string, who: Principal): boolean {
  if (entry === '*') return true;
  if (!who) return false;
  const iam = /^arn:aws:iam::([^:]+):(root|user\/(.+))$/.exec(entry);
  if (!iam) return entry === who.projectId;
  if (iam[1] !== who.projectId) return false;
  return iam[2] === 'root' || iam[3] === who.userId;
}

/**
 * What the policy says about `action` on `resource` (an ARN) for `who`: an explicit deny wins over
 * any allow; 'none' when no statement applies.
 */
export function evaluatePolicy(
  policy: BucketPolicy,
  who: Principal,
  action: string,
  resource: string,
  context: ConditionValues = new Map(),
): PolicyDecision {
  let decision: PolicyDecision = 'none';
  for (const s of policy.statements) {
    const applies =
      s.principals.some((p) => namesPrincipal(p, who)) &&
      s.actions.some((a) => a.test(action)) &&
      s.resources.some((r) => r.test(resource)) &&
      conditionsHold(s.conditions, context);
    if (!applies) continue;
    if (s.effect === 'Deny') return 'deny';
    decision = 'allow';
  }
  return decision;
}

/** Condition keys that pin a statement to known callers or networks, so that it is not public. */
const NARROWING_KEYS = [
  'aws:sourceip',
  'aws:principalaccount',
  'aws:userid',
  'aws:username',
  'aws:sourcevpc',
];

/**
 * Whether a policy is public in S3's sense: an Allow to every principal ("*") that no condition on
 * the caller's identity or network narrows (the public access block's BlockPublicPolicy and
 * RestrictPublicBuckets act on such policies).
 */
export function isPublicPolicy(policy: BucketPolicy): boolean {
  return policy.statements.some(
    (s) =>
      s.effect === 'Allow' &&
      s.principals.includes('*') &&
      !(s.conditions?.conditions ?? []).some((c) => !c.operator.negated && NARROWING_KEYS.includes(c.key)),
  );
}

/** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. */
export function resourceArn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}
