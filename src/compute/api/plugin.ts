// The compute API (Nova v2.1) as one encapsulated Fastify plugin mounted at /compute: Nova's fault
// format, the microversion negotiated on every request and echoed in the response, token
// authentication on every route not marked public, then each route's body and query validated against
// its Nova schemas (validation/nova-validate.ts), and the route families.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { authTokenOf } from '../../common/http/authenticate.js';
import type { TokenValidator } from '../../common/http/context.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { registerActionRoutes } from './action-routes.js';
import { registerDiscoveryRoutes } from './discovery-routes.js';
import { registerFlavorRoutes } from './flavor-routes.js';
import { registerHypervisorRoutes } from './hypervisor-routes.js';
import { registerImageRoutes } from './image-routes.js';
import { registerKeyPairRoutes } from './keypair-routes.js';
import { registerMetadataRoutes } from './metadata-routes.js';
import { registerQuotaRoutes } from './quota-routes.js';
import { registerServiceRoutes } from './service-routes.js';
import { registerTagRoutes } from './tag-routes.js';
import { MIN_VERSION, echoMicroversion, parseMicroversion } from './microversion.js';
import { renderNovaError } from './render-nova.js';
import { registerRemoteConsoleRoutes } from './remote-console-routes.js';
import type { ComputeRouteDeps } from './route-deps.js';
import { registerInstanceActionRoutes } from './instance-action-routes.js';
import { registerServerIpRoutes } from './server-ip-routes.js';
import { registerInterfaceRoutes } from './interface-routes.js';
import { registerServerRoutes } from './server-routes.js';
import { validateNovaRequest } from './validation/nova-validate.js';
import { registerVolumeAttachmentRoutes } from './volume-attachment-routes.js';

export function computePlugin(deps: ComputeRouteDeps & { validator: TokenValidator }) {
  return async function compute(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderNovaError(err, message));
    if (!app.hasRequestDecorator('computeVersion')) app.decorateRequest('computeVersion', undefined);
    if (!app.hasRequestDecorator('novaQuery')) app.decorateRequest('novaQuery', undefined);
    app.addHook('onRequest', async (request, reply) => {
      // Nova answers with its request id under both names (x-openstack-request-id comes from the root).
      reply.header('x-compute-request-id', request.id);
      // Echo 2.1 first so that a rejected version still answers with the headers Nova sends.
      echoMicroversion(reply, MIN_VERSION);
      request.computeVersion = parseMicroversion(request);
      echoMicroversion(reply, request.computeVersion);
    });
    app.addHook('preHandler', async (request) => {
      if (!request.routeOptions.config.public) {
        const token = authTokenOf(request);
        if (!token) throw errors.unauthorized();
        request.auth = await deps.validator.validate(token);
      }
      // After authentication (a 401 comes first), before any handler or policy check, as in Nova.
      validateNovaRequest(request, request.computeVersion ?? MIN_VERSION);
    });
    registerDiscoveryRoutes(app, deps);
    registerFlavorRoutes(app, deps);
    registerKeyPairRoutes(app, deps);
    registerServerRoutes(app, deps);
    registerServerIpRoutes(app, deps);
    registerInterfaceRoutes(app, deps);
    registerInstanceActionRoutes(app, deps);
    registerActionRoutes(app, deps);
    registerMetadataRoutes(app, deps);
    if (deps.volumes) registerVolumeAttachmentRoutes(app, deps.volumes);
    if (deps.consoles) registerRemoteConsoleRoutes(app, { ...deps, consoles: deps.consoles });
    if (deps.images) registerImageRoutes(app, deps, deps.images);
    if (deps.admin) {
      const admin = { ...deps.admin, publicUrl: deps.publicUrl };
      registerHypervisorRoutes(app, admin);
      registerServiceRoutes(app, admin);
      registerQuotaRoutes(app, admin);
      registerTagRoutes(app, admin);
    }
  };
}
