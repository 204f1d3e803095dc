// Bucket CORS: the CORSConfiguration document (parsed from XML, stored as JSON), its rule matching,
// the browser preflight (OPTIONS) and the CORS headers added to actual requests from a browser.
import type { FastifyReply } from 'fastify';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import { readSmallBody } from './request-body.js';
import { callerProjectId, requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import {
  childText,
  childrenNamed,
  expectRoot,
  parseXml,
  MAX_XML_BYTES,
  type XmlElement,
} from './xml-parse.js';
import { el, leaf, xmlDocument } from './xml.js';

export interface CorsRule {
  id?: string | undefined;
  allowedMethods: string[];
  allowedOrigins: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number | undefined;
}

const MAX_RULES = 100;
const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

function texts(element: XmlElement, name: string): string[] {
  return childrenNamed(element, name).map((c) => c.text.trim());
}

function ruleFrom(element: XmlElement): CorsRule {
  const rule: CorsRule = {
    id: childText(element, 'ID'),
    allowedMethods: texts(element, 'AllowedMethod'),
    allowedOrigins: texts(element, 'AllowedOrigin'),
    allowedHeaders: texts(element, 'AllowedHeader'),
    exposeHeaders: texts(element, 'ExposeHeader'),
  };
  const maxAge = childText(element, 'MaxAgeSeconds');
  if (maxAge !== undefined) {
    if (!/^\d{1,9}$/.test(maxAge)) throw s3Error('MalformedXML', 'MaxAgeSeconds must be an integer.');
    rule.maxAgeSeconds = Number(maxAge);
  }
  if (rule.allowedMethods.length === 0 || rule.allowedOrigins.length === 0) {
    throw s3Error('MalformedXML', 'Each CORSRule needs an AllowedMethod and an AllowedOrigin.');
  }
  for (const method of rule.allowedMethods) {
    if (!METHODS.has(method)) {
      throw s3Error(
        'InvalidRequest',
        `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`,
      );
    }
  }
  for (const pattern of [...rule.allowedOrigins, ...rule.allowedHeaders]) {
    if (pattern.split('*').length > 2) {
      throw s3Error(
        'InvalidRequest',
        `AllowedOrigin/AllowedHeader "${pattern}" can not have more than one wildcard.`,
      );
    }
  }
  return rule;
}

export function parseCorsConfiguration(body: Buffer): CorsRule[] {
  const root = expectRoot(parseXml(body), 'CORSConfiguration');
  const rules = childrenNamed(root, 'CORSRule').map(ruleFrom);
  if (rules.length === 0 || rules.length > MAX_RULES) {
    throw s3Error('MalformedXML', `A CORS configuration holds 1 to ${MAX_RULES} rules.`);
  }
  return rules;
}

/** One `*` wildcard at most (validated on the way in); case-insensitive for header names. */
function matches(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export function matchRule(
  rules: CorsRule[],
  origin: string,
  method: string,
  requestHeaders: string[],
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((o) => matches(o, origin, false)) &&
      rule.allowedMethods.includes(method) &&
      requestHeaders.every((h) => rule.allowedHeaders.some((a) => matches(a, h, true))),
  );
}

function corsHeaders(rule: CorsRule, origin: string, requestHeaders: string[]): Record<string, string> {
  const wildcard = rule.allowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'access-control-allow-origin': wildcard ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!wildcard) headers['access-control-allow-credentials'] = 'true';
  if (requestHeaders.length > 0) headers['access-control-allow-headers'] = requestHeaders.join(', ');
  if (rule.exposeHeaders.length > 0) headers['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  return headers;
}

async function storedRules(ctx: S3Context, bucket: ResolvedBucket): Promise<CorsRule[] | undefined> {
  const document = await ctx.deps.buckets.getConfig(bucket, 'cors');
  return document === undefined ? undefined : (JSON.parse(document) as CorsRule[]);
}

/** OPTIONS: the browser's preflight, answered from the bucket's CORS rules (no signature needed). */
export async function preflight(ctx: S3Context): Promise<FastifyReply> {
  const origin = ctx.headers.origin;
  const method = ctx.headers['access-control-request-method'];
  if (origin === undefined)
    throw s3Error('InvalidRequest', 'Insufficient information. Origin request header needed.');
  if (method === undefined) {
    throw s3Error('InvalidRequest', 'Invalid Access-Control-Request-Method header: ');
  }
  const bucket = await requireBucket(ctx);
  const rules = await storedRules(ctx, bucket);
  if (!rules) throw s3Error('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.');
  const requested = (ctx.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const rule = matchRule(rules, origin, method, requested);
  if (!rule) {
    throw s3Error(
      'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
    );
  }
  ctx.reply.headers(corsHeaders(rule, origin, requested));
  return sendEmpty(ctx, 200);
}

/** Adds CORS headers to an actual request that carries Origin, when a rule allows it. Never throws. */
export async function addCorsHeaders(ctx: S3Context): Promise<void> {
  const origin = ctx.headers.origin;
  if (origin === undefined || ctx.bucketName === undefined) return;
  const bucket = await ctx.deps.buckets.resolve(callerProjectId(ctx), ctx.bucketName);
  const rules = bucket && (await storedRules(ctx, bucket));
  const rule = rules && matchRule(rules, origin, ctx.request.method, []);
  if (rule) ctx.reply.headers(corsHeaders(rule, origin, []));
}

export async function getBucketCors(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketCORS');
  const rules = await storedRules(ctx, bucket);
  if (!rules) throw s3Error('NoSuchCORSConfiguration', 'The CORS configuration does not exist');
  const rulesXml = rules.map((r) =>
    el(
      'CORSRule',
      leaf('ID', r.id),
      ...r.allowedHeaders.map((h) => leaf('AllowedHeader', h)),
      ...r.allowedMethods.map((m) => leaf('AllowedMethod', m)),
      ...r.allowedOrigins.map((o) => leaf('AllowedOrigin', o)),
      ...r.exposeHeaders.map((h) => leaf('ExposeHeader', h)),
      leaf('MaxAgeSeconds', r.maxAgeSeconds),
    ),
  );
  return sendXml(ctx, 200, xmlDocument('CORSConfiguration', ...rulesXml));
}

export async function putBucketCors(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketCORS');
  const rules = parseCorsConfiguration(await readSmallBody(ctx, MAX_XML_BYTES));
  await ctx.deps.buckets.putConfig(bucket, 'cors', JSON.stringify(rules));
  // Browsers send preflights without credentials: the bucket must be findable by name alone.
  await ctx.deps.buckets.register(bucket);
  return sendEmpty(ctx, 200);
}

export async function deleteBucketCors(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketCORS');
  await ctx.deps.buckets.deleteConfig(bucket, 'cors');
  return sendEmpty(ctx, 204);
}
