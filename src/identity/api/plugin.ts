// The identity API as one encapsulated Fastify plugin mounted at /identity: Keystone's error format,
// token authentication on every route not marked public, and the route families.
import type { FastifyInstance } from 'fastify';
import { renderKeystoneError } from '../../common/errors/render-keystone.js';
import { authenticateUnlessPublic } from '../../common/http/authenticate.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { installListQuery } from './list-query.js';
import type { RouteDeps } from './route-deps.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerDiscoveryRoutes } from './discovery-routes.js';
import { registerDomainRoutes, registerProjectRoutes } from './resource-routes.js';
import { registerGrantRoutes, registerRoleRoutes } from './assignment-routes.js';
import { registerCatalogRoutes } from './catalog-routes.js';
import { registerUserRoutes, registerGroupRoutes } from './user-routes.js';
import { registerCredentialRoutes } from './credential-routes.js';

export function identityPlugin(deps: RouteDeps) {
  return async function identity(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderKeystoneError(err, message));
    installListQuery(app, app.prefix);
    app.addHook('onRequest', authenticateUnlessPublic(deps.services.tokens.validator));
    // Any identity write may revoke tokens (disable, delete, unassign, password change...): invalidate
    // cached validations before the client sees the answer, so the next request is checked afresh.
    app.addHook('onSend', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400) return;
      if (request.method === 'POST' && request.routeOptions.url === '/identity/v3/auth/tokens') return;
      await deps.cache.bump();
    });
    registerDiscoveryRoutes(app, deps);
    registerAuthRoutes(app, deps);
    registerDomainRoutes(app, deps);
    registerProjectRoutes(app, deps);
    registerUserRoutes(app, deps);
    registerGroupRoutes(app, deps);
    registerRoleRoutes(app, deps);
    registerGrantRoutes(app, deps);
    registerCatalogRoutes(app, deps);
    registerCredentialRoutes(app, deps);
  };
}
