// Swift feature: CORS from container metadata (X-Container-Meta-Access-Control-Allow-Origin, -Max-Age,
// -Expose-Headers), as Swift's proxy does it in strict_cors_mode. A preflight OPTIONS needs no token
// and is answered 200 with the allowed origin, methods and requested headers, or 401 when the origin or
// method is not allowed; an actual request from an allowed Origin gets Access-Control-Allow-Origin and
// Access-Control-Expose-Headers (Swift's defaults, the user metadata in the response, and the container's).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoredMetadata } from '../../../model.js';
import { sendEmpty, type SwiftContext } from '../swift-context.js';
import { swiftReply } from '../swift-errors.js';
import type { InstallFeature } from './feature-deps.js';

const ALLOWED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const DEFAULT_EXPOSE = [
  'cache-control',
  'content-language',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
  'etag',
  'x-timestamp',
  'x-trans-id',
  'x-openstack-request-id',
];
/** Bounds on what a request may make us echo. */
const MAX_LISTED = 100;

interface CorsInfo {
  allowOrigin: string | undefined;
  maxAge: string | undefined;
  exposeHeaders: string | undefined;
}

/** Actual CORS requests whose origin is allowed, and the container's CORS settings. */
const pending = new WeakMap<FastifyRequest, { origin: string; cors: CorsInfo }>();

function corsInfo(metadata: StoredMetadata | undefined): CorsInfo {
  const h = metadata?.headers ?? {};
  return {
    allowOrigin: h['x-container-meta-access-control-allow-origin'],
    maxAge: h['x-container-meta-access-control-max-age'],
    exposeHeaders: h['x-container-meta-access-control-expose-headers'],
  };
}

function words(value: string | undefined, separator: RegExp): string[] {
  return (value ?? '')
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .slice(0, MAX_LISTED);
}

function originAllowed(cors: CorsInfo, origin: string): boolean {
  const allowed = words(cors.allowOrigin, / /);
  return allowed.includes(origin) || allowed.includes('*');
}

function allowsAnyOrigin(cors: CorsInfo): boolean {
  return cors.allowOrigin?.trim() === '*';
}

function addVary(reply: FastifyReply, value: string): void {
  const current = reply.getHeader('vary');
  reply.header('vary', current ? `${String(current)}, ${value}` : value);
}

async function preflight(ctx: SwiftContext): Promise<FastifyReply> {
  const { reply } = ctx;
  reply.header('Allow', ALLOWED_METHODS.join(', '));
  const origin = ctx.headers.origin;
  // Not a CORS preflight, or one for the account, which Swift does not do CORS for.
  if (!origin || ctx.path.container === undefined) return sendEmpty(ctx, 200);
  const container = await ctx.objects.getContainer(ctx.path.projectId, ctx.path.container);
  const cors = corsInfo(container?.metadata);
  const method = ctx.headers['access-control-request-method'];
  // Swift's refusal is its preflight reply with a 401 status: no body, the Allow header kept.
  if (!originAllowed(cors, origin) || method === undefined || !ALLOWED_METHODS.includes(method))
    throw swiftReply(401, '', { contentType: 'text/html; charset=UTF-8' });
  if (allowsAnyOrigin(cors)) reply.header('Access-Control-Allow-Origin', '*');
  else {
    reply.header('Access-Control-Allow-Origin', origin);
    addVary(reply, 'Origin');
  }
  if (cors.maxAge !== undefined) reply.header('Access-Control-Max-Age', cors.maxAge);
  reply.header('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
  const requested = [...new Set(words(ctx.headers['access-control-request-headers'], /,/))];
  if (requested.length > 0) {
    reply.header('Access-Control-Allow-Headers', requested.join(', '));
    addVary(reply, 'Access-Control-Request-Headers');
  }
  return sendEmpty(ctx, 200);
}

async function intercept(ctx: SwiftContext): Promise<FastifyReply | false> {
  if (ctx.request.method === 'OPTIONS') return preflight(ctx);
  const origin = ctx.headers.origin;
  if (!origin || ctx.path.container === undefined) return false;
  const container = await ctx.objects.getContainer(ctx.path.projectId, ctx.path.container);
  const cors = corsInfo(container?.metadata);
  if (originAllowed(cors, origin)) pending.set(ctx.request, { origin, cors });
  return false;
}

function onSend(request: FastifyRequest, reply: FastifyReply): void {
  const found = pending.get(request);
  if (!found) return;
  const { origin, cors } = found;
  if (!reply.hasHeader('access-control-expose-headers')) {
    const expose = new Set(DEFAULT_EXPOSE);
    for (const name of Object.keys(reply.getHeaders())) {
      if (name.startsWith('x-container-meta') || name.startsWith('x-object-meta')) expose.add(name);
    }
    for (const name of words(cors.exposeHeaders, / /)) expose.add(name.toLowerCase());
    reply.header('Access-Control-Expose-Headers', [...expose].join(', '));
  }
  if (!reply.hasHeader('access-control-allow-origin')) {
    if (allowsAnyOrigin(cors)) reply.header('Access-Control-Allow-Origin', '*');
    else {
      reply.header('Access-Control-Allow-Origin', origin);
      addVary(reply, 'Origin');
    }
  }
}

export const install: InstallFeature = (extensions) => {
  extensions.intercept.push(intercept);
  extensions.onSend.push(onSend);
};
