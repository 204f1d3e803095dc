// What every S3 handler receives: the request as addressed (bucket and key), the authenticated caller,
// the services, and small helpers for headers, query parameters and responses.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../../common/http/context.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Errors } from '../../s3/s3-errors.js';
import type { VerifiedSigV4 } from './auth/index.js';
import type { S3PluginDeps } from './s3-deps.js';

/** A request signed with an access key, resolved to its Keystone user and project. */
export interface KeyCaller {
  kind: 'key';
  auth: AuthContext;
  userId: string;
  projectId: string;
  /** The request's SigV4 signature; undefined for a browser POST upload, signed through its policy. */
  verified: VerifiedSigV4 | undefined;
}

export type Caller = KeyCaller | { kind: 'anonymous' };

export interface S3Context {
  request: FastifyRequest;
  reply: FastifyReply;
  deps: S3PluginDeps;
  /** Bucket and key as addressed (path-style or virtual-hosted), decoded. */
  bucketName: string | undefined;
  key: string | undefined;
  /** The request path as received, for signatures. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-case header name → value (repeated headers joined with `,`). */
  headers: Record<string, string | undefined>;
  caller: Caller;
  now: Date;
  /** Memo of per-request lookups (bucket policy, account), so batch operations read them once. */
  memo: Map<string, unknown>;
}

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function flattenHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/** The caller, which must have signed the request (anonymous callers get AccessDenied). */
export function keyCaller(ctx: S3Context): KeyCaller {
  if (ctx.caller.kind !== 'key') throw s3Errors.accessDenied();
  return ctx.caller;
}

export function callerProjectId(ctx: S3Context): string | undefined {
  return ctx.caller.kind === 'key' ? ctx.caller.projectId : undefined;
}

/** The bucket the request names, resolved for this caller, else NoSuchBucket. */
export async function requireBucket(ctx: S3Context): Promise<ResolvedBucket> {
  const name = ctx.bucketName;
  if (name === undefined) throw s3Errors.noSuchBucket('');
  const bucket = await ctx.deps.buckets.resolve(callerProjectId(ctx), name);
  if (!bucket) throw s3Errors.noSuchBucket(name);
  const expectedOwner = ctx.headers['x-amz-expected-bucket-owner'];
  if (expectedOwner !== undefined && expectedOwner !== bucket.projectId) throw s3Errors.accessDenied();
  // Traffic is billed to the bucket's owner, whoever the caller is.
  ctx.request.objectTraffic = { projectId: bucket.projectId, object: ctx.key !== undefined };
  return bucket;
}

export function requireKey(ctx: S3Context): string {
  if (ctx.key === undefined) throw s3Errors.invalidRequest('This operation needs an object key.');
  return ctx.key;
}

/** Sends an XML document (built by xml.ts) with S3's content type. */
export function sendXml(ctx: S3Context, status: number, body: string): FastifyReply {
  return ctx.reply.status(status).type('application/xml').send(body);
}

/** An empty response (PUT, DELETE): Content-Length 0 and no content type, as S3 sends. */
export function sendEmpty(ctx: S3Context, status: number): FastifyReply {
  ctx.reply.header('content-length', '0');
  return ctx.reply.status(status).send();
}

/** `"etag"`, as S3 quotes every ETag it sends. */
export function quoteEtag(etag: string): string {
  return `"${etag.replaceAll('"', '')}"`;
}

/**
 * A bounded non-negative integer query parameter (max-keys, max-parts…): the default when absent,
 * capped at `max`, InvalidArgument when not a number.
 */
export function integerParam(ctx: S3Context, name: string, fallback: number, max: number): number {
  const value = ctx.query.get(name);
  if (value === null) return fallback;
  if (!/^\d{1,10}$/.test(value)) {
    throw s3Errors.invalidArgument(`Provided ${name} not an integer or within integer range`);
  }
  return Math.min(Number(value), max);
}
