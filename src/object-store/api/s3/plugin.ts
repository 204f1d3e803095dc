// The S3 API on its own listener: raw request bodies (streamed, never parsed by the framework), SigV4
// authentication of every request that carries credentials, S3 request ids, and dispatch to the
// operations (router.ts). Errors are rendered in S3's XML by the error handler app.ts installs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderS3Error } from '../../../common/errors/render-s3.js';
import { toApiError } from '../../../common/errors/from-unknown.js';
import { s3Error } from '../../s3/s3-errors.js';
import { parseAddress } from './addressing.js';
import { createAuthenticator, type Authenticator } from './authenticate.js';
import { addCorsHeaders } from './cors.js';
import { route } from './router.js';
import { flattenHeaders, type S3Context } from './s3-context.js';
import type { S3PluginDeps } from './s3-deps.js';
import { installTrafficHook } from '../../traffic.js';

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS'];

async function handle(
  deps: S3PluginDeps,
  authenticator: Authenticator,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const address = parseAddress(request.raw.url ?? '/', request.headers.host, deps.config.s3VirtualHostDomain);
  const now = deps.clock.now();
  const ctx: S3Context = {
    request,
    reply,
    deps,
    bucketName: address.bucket,
    key: address.key,
    rawPath: address.rawPath,
    query: address.query,
    headers: flattenHeaders(request.headers),
    caller: { kind: 'anonymous' },
    now,
    memo: new Map(),
  };
  // Browsers send CORS preflights without credentials; everything else is authenticated if signed.
  if (request.method !== 'OPTIONS') {
    ctx.caller = await authenticator.authenticate(request, address.rawPath, address.query, now);
  }
  // For the audit hook: who signed, and the bucket or object addressed (path or virtual-hosted style).
  if (ctx.caller.kind === 'key') request.auth = ctx.caller.auth;
  if (address.bucket !== undefined) {
    request.auditTarget = address.key
      ? { targetType: 'object', targetId: `${address.bucket}/${address.key}`.slice(0, 1024) }
      : { targetType: 'bucket', targetId: address.bucket };
  }
  await addCorsHeaders(ctx);
  return route(ctx);
}

/**
 * For the S3 listener's `frameworkErrors`: a path the router cannot decode (such as `%FF`) or any other
 * failure before routing is answered in S3's XML like every other error.
 */
export function s3FrameworkError(
  err: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const uri = err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const apiError = uri ? s3Error('InvalidURI', "Couldn't parse the specified URI.") : toApiError(err);
  const { body, contentType } = renderS3Error(apiError, apiError.publicMessage, request.id);
  void reply.status(apiError.status).type(contentType).send(body);
}

export function s3Plugin(deps: S3PluginDeps) {
  return async function s3(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    // Bodies stay unread streams: handlers consume request.raw themselves, so nothing is buffered whole.
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-amz-request-id', request.id);
    });
    if (deps.traffic) installTrafficHook(app, deps.traffic, deps.clock);
    const authenticator = createAuthenticator(deps);
    const { lifecycle } = deps;
    if (lifecycle) {
      app.addHook('onReady', async () => {
        lifecycle.start(deps.config.objectStore.expirerIntervalSeconds * 1000, (err) =>
          app.log.error({ event: 's3.lifecycle.failed', err }, 'lifecycle pass failed'),
        );
      });
      app.addHook('onClose', async () => lifecycle.stop());
    }
    for (const url of ['/', '/*']) {
      app.route({
        method: METHODS,
        url,
        exposeHeadRoute: false,
        handler: (request, reply) => handle(deps, authenticator, request, reply),
      });
    }
  };
}
