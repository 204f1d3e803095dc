// The policy document of a browser-based POST upload (SigV4): base64 JSON with an expiration and
// conditions over the form's fields — exact matches ({"acl": "public-read"} or ["eq", "$key", "a"]),
// prefixes (["starts-with", "$key", "user/"]) and ["content-length-range", min, max]. Every form field
// but the policy, the signature, the file and x-ignore-* fields must be named by some condition.
import { s3Error, s3Errors } from '../../s3/s3-errors.js';

export interface PostPolicy {
  expiration: number;
  conditions: PostCondition[];
  lengthRange: { min: number; max: number } | undefined;
}

type PostCondition =
  | { kind: 'eq'; field: string; value: string; source: string }
  | { kind: 'starts-with'; field: string; value: string; source: string };

const EXEMPT = new Set(['policy', 'x-amz-signature', 'file']);
const MAX_CONDITIONS = 100;

function policyError(reason: string): never {
  throw s3Error('AccessDenied', `Invalid according to Policy: ${reason}`);
}

function malformed(reason: string): never {
  throw s3Errors.invalidArgumentValue(`Invalid Policy: ${reason}`, 'policy', '');
}

function fieldName(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('$') || raw.length < 2) malformed('Invalid condition field');
  return raw.slice(1).toLowerCase();
}

function parseCondition(raw: unknown): PostCondition | { kind: 'range'; min: number; max: number } {
  const source = JSON.stringify(raw);
  if (Array.isArray(raw)) {
    const [op, a, b] = raw as unknown[];
    const operator = typeof op === 'string' ? op.toLowerCase() : '';
    if (operator === 'content-length-range') {
      const min = Number(a);
      const max = Number(b);
      if (raw.length !== 3 || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
        malformed('Invalid content-length-range');
      }
      return { kind: 'range', min, max };
    }
    if ((operator !== 'eq' && operator !== 'starts-with') || raw.length !== 3 || typeof b !== 'string') {
      malformed(`Invalid condition ${source.slice(0, 100)}`);
    }
    return { kind: operator, field: fieldName(a), value: b, source };
  }
  if (typeof raw !== 'object' || raw === null) malformed('A condition is an object or an array');
  const entries = Object.entries(raw as Record<string, unknown>);
  const [name, value] = entries[0] ?? [];
  if (entries.length !== 1 || name === undefined || typeof value !== 'string') {
    malformed(`Invalid condition ${source.slice(0, 100)}`);
  }
  return { kind: 'eq', field: name.toLowerCase().replace(/^\$/, ''), value, source };
}

/** Decodes and validates the base64 policy field. */
export function parsePostPolicy(base64: string): PostPolicy {
  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as typeof document;
  } catch {
    return malformed('Policy is not valid JSON');
  }
  if (typeof document !== 'object' || document === null) malformed('Policy is not an object');
  const expiration = typeof document.expiration === 'string' ? Date.parse(document.expiration) : NaN;
  if (Number.isNaN(expiration)) malformed("Invalid Policy: Invalid 'expiration' value");
  if (!Array.isArray(document.conditions) || document.conditions.length > MAX_CONDITIONS) {
    malformed('Policy needs a conditions list');
  }
  const conditions: PostCondition[] = [];
  let lengthRange: PostPolicy['lengthRange'];
  for (const raw of document.conditions as unknown[]) {
    const c = parseCondition(raw);
    if (c.kind === 'range') lengthRange = { min: c.min, max: c.max };
    else conditions.push(c);
  }
  return { expiration, conditions, lengthRange };
}

/**
 * Checks the form (lower-case field names; `bucket` is the bucket posted to) against the policy at
 * `now`: AccessDenied naming the failed condition or the extra field, as S3 answers.
 */
export function checkPostPolicy(policy: PostPolicy, fields: ReadonlyMap<string, string>, now: Date): void {
  if (policy.expiration <= now.getTime()) policyError('Policy expired.');
  const covered = new Set<string>();
  for (const c of policy.conditions) {
    const value = fields.get(c.field);
    covered.add(c.field);
    const ok = value !== undefined && (c.kind === 'eq' ? value === c.value : value.startsWith(c.value));
    if (!ok) policyError(`Policy Condition failed: ${c.source}`);
  }
  for (const name of fields.keys()) {
    if (name === 'bucket' || EXEMPT.has(name) || name.startsWith('x-ignore-') || covered.has(name)) continue;
    policyError(`Extra input fields: ${name}`);
  }
}
