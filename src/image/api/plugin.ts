// The image API (Glance v2) as one encapsulated Fastify plugin mounted at /image: Glance's error format,
// token authentication on every route not marked public, its media types, and the route families.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { renderGlanceError } from '../../common/errors/render-glance.js';
import { authenticateUnlessPublic } from '../../common/http/authenticate.js';
import type { TokenValidator } from '../../common/http/context.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { registerDataRoutes } from './data-routes.js';
import { registerDiscoveryRoutes } from './discovery-routes.js';
import { PATCH_MEDIA_TYPES } from '../json-patch.js';
import { RECORD_BODY_LIMIT_BYTES, registerImageRoutes } from './image-routes.js';
import { registerMemberRoutes } from './member-routes.js';
import type { ImageRouteDeps } from './route-deps.js';

export function imagePlugin(deps: ImageRouteDeps & { validator: TokenValidator }) {
  return async function image(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderGlanceError(err, message));
    // Image data streams straight from the socket into the object store: no parsing, no body limit.
    app.addContentTypeParser('application/octet-stream', (_request, _payload, done) => done(null, undefined));
    app.addContentTypeParser(
      Object.keys(PATCH_MEDIA_TYPES),
      { parseAs: 'string', bodyLimit: RECORD_BODY_LIMIT_BYTES },
      (_request, text, done) => {
        try {
          done(null, JSON.parse(text as string) as unknown);
        } catch {
          done(errors.badRequest('The request body is not a valid JSON patch document.'), undefined);
        }
      },
    );
    app.addHook('onRequest', authenticateUnlessPublic(deps.validator));
    registerDiscoveryRoutes(app, deps);
    registerImageRoutes(app, deps);
    registerDataRoutes(app, deps);
    registerMemberRoutes(app, deps);
  };
}
