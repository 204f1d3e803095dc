// The Swift API (catalog type object-store) as one Fastify plugin mounted at /object-store: raw request
// bodies (streamed, never parsed), Swift's error bodies, an optional token (anonymous access is decided
// per request by ACLs), X-Trans-Id on every response, and dispatch by path depth.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../../common/errors/codes.js';
import { renderSwiftError } from '../../../common/errors/render-swift.js';
import { authTokenOf } from '../../../common/http/authenticate.js';
import type { TokenValidator } from '../../../common/http/context.js';
import { installErrorHandler } from '../../../common/http/error-handler.js';
import type { Clock } from '../../../common/clock.js';
import type { ObjectService } from '../../object-service.js';
import { handleAccount } from './account-handlers.js';
import { handleContainer } from './container-handlers.js';
import type { SwiftExtensions } from './extensions.js';
import { swiftInfo } from './info.js';
import { handleObjectRead } from './object-read.js';
import { handleObjectWrite } from './object-write.js';
import { flatHeaders, type SwiftContext } from './swift-context.js';
import { parseSwiftQuery } from './swift-query.js';
import { parseSwiftPath } from './swift-path.js';
import { pyQuote } from './py-quote.js';
import { installTrafficHook, type ObjectTraffic } from '../../traffic.js';
import { projectOfAccount } from '../../versioning/version-names.js';

export interface SwiftPluginDeps {
  objects: ObjectService;
  validator: TokenValidator;
  extensions: SwiftExtensions;
  clock: Clock;
  /** Metering of requests and egress; none counted without it. */
  traffic?: ObjectTraffic | undefined;
}

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY', 'OPTIONS'];

async function dispatch(
  deps: SwiftPluginDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const rawUrl = request.raw.url ?? '';
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const path = parseSwiftPath(rawPath.replace(/^\/object-store\/v1\//, ''));
  request.objectTraffic = { projectId: projectOfAccount(path.projectId), object: path.object !== undefined };
  const token = authTokenOf(request);
  const auth = token ? await deps.validator.validate(token) : undefined;
  request.auth = auth;
  const ctx: SwiftContext = {
    request,
    reply,
    path,
    query: parseSwiftQuery(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)),
    headers: flatHeaders(request.headers),
    auth,
    objects: deps.objects,
    extensions: deps.extensions,
    now: deps.clock.now(),
  };
  for (const intercept of deps.extensions.intercept) {
    const handled = await intercept(ctx);
    if (handled !== false) return handled;
  }
  if (path.container === undefined) return handleAccount(ctx);
  if (path.object === undefined) return handleContainer(ctx);
  if (request.method === 'GET' || request.method === 'HEAD') return handleObjectRead(ctx);
  return handleObjectWrite(ctx);
}

/** The account segment of /object-store/v1/<account>[/…], percent-encoded as swob quotes it. */
function realmOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  const match = /^\/object-store\/v1\/([^/]+)/.exec(path);
  if (!match) return 'unknown';
  try {
    return pyQuote(decodeURIComponent(match[1] as string), '/');
  } catch {
    return 'unknown';
  }
}

/**
 * For buildApp's `frameworkErrors`: the router rejects a path it cannot percent-decode (such as `%FF`)
 * before any plugin runs. Under /object-store that is invalid UTF-8 in a name, which Swift answers with 412.
 */
export function swiftRouterError(
  err: { code?: string },
  url: string,
): { status: number; body: string } | undefined {
  if (err.code !== 'FST_ERR_BAD_URL' || !url.startsWith('/object-store/')) return undefined;
  return { status: 412, body: 'Invalid UTF8 or contains NULL' };
}

export function swiftPlugin(deps: SwiftPluginDeps) {
  return async function swift(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderSwiftError(err, message));
    app.removeAllContentTypeParsers();
    // Bodies stay unread streams: handlers consume request.raw themselves, so nothing is buffered whole.
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-trans-id', request.id);
    });
    app.addHook('onSend', async (request, reply, payload) => {
      for (const hook of deps.extensions.onSend) await hook(request, reply);
      // swob names the realm of every 401: the account of the path, else "unknown".
      if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate'))
        reply.header('www-authenticate', `Swift realm="${realmOf(request.raw.url ?? '')}"`);
      return payload;
    });
    if (deps.traffic) installTrafficHook(app, deps.traffic, deps.clock);
    app.get('/info', { config: { public: true } }, async () => swiftInfo(deps.extensions));
    app.route({
      method: METHODS,
      url: '/v1/*',
      handler: (request, reply) => dispatch(deps, request, reply),
    });
    app.route({
      method: METHODS,
      url: '/v1',
      handler: async () => {
        throw errors.notFound('account', '');
      },
    });
  };
}
