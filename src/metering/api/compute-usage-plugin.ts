// The metering routes that Nova serves (os-simple-tenant-usage), as a Fastify plugin mounted at
// /compute/v2.1 beside the compute plugin: the same microversion negotiation and echo, Nova's fault
// format and token authentication, without touching the compute module.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { authTokenOf } from '../../common/http/authenticate.js';
import type { TokenValidator } from '../../common/http/context.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { MIN_VERSION, echoMicroversion, parseMicroversion } from '../../compute/api/microversion.js';
import { renderNovaError } from '../../compute/api/render-nova.js';
import type { TenantUsageService } from '../tenant-usage-service.js';
import { registerTenantUsageRoutes } from './tenant-usage-routes.js';

export interface ComputeUsagePluginDeps {
  usages: TenantUsageService;
  validator: TokenValidator;
  /** The deployment's public URL ('' to answer with the request's own host). */
  publicUrl: string;
}

function baseUrl(publicUrl: string) {
  return (request: FastifyRequest) =>
    publicUrl
      ? `${publicUrl.replace(/\/+$/, '')}/compute/v2.1`
      : `${request.protocol}://${request.host}/compute/v2.1`;
}

export function computeUsagePlugin(deps: ComputeUsagePluginDeps) {
  return async function computeUsage(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderNovaError(err, message));
    if (!app.hasRequestDecorator('computeVersion')) app.decorateRequest('computeVersion', undefined);
    app.addHook('onRequest', async (request, reply) => {
      // Echo 2.1 first so that a rejected version still answers with the headers Nova sends.
      echoMicroversion(reply, MIN_VERSION);
      request.computeVersion = parseMicroversion(request);
      echoMicroversion(reply, request.computeVersion);
    });
    // Authenticated before the query is validated: an anonymous caller learns nothing from it.
    app.addHook('onRequest', async (request) => {
      const token = authTokenOf(request);
      if (!token) throw errors.unauthorized();
      request.auth = await deps.validator.validate(token);
    });
    registerTenantUsageRoutes(app, {
      usages: deps.usages,
      baseUrl: baseUrl(deps.publicUrl),
      versionOf: (request) => request.computeVersion ?? MIN_VERSION,
    });
  };
}
