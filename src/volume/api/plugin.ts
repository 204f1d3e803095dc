// The block-storage API (Cinder v3) as one encapsulated Fastify plugin mounted at /volume: Cinder's
// fault format, the microversion negotiated on every request and echoed, token authentication on every
// route not marked public, the project in the URL checked against the token, and the route families.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { authTokenOf } from '../../common/http/authenticate.js';
import type { TokenValidator } from '../../common/http/context.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { callerProject, isAdmin } from '../volume-policy.js';
import { registerAttachmentRoutes } from './attachment-routes.js';
import { registerBackupRoutes } from './backup-routes.js';
import { registerDiscoveryRoutes } from './discovery-routes.js';
import { MIN_VERSION, echoMicroversion, parseMicroversion } from './microversion.js';
import { renderCinderError } from './render-cinder.js';
import type { VolumeRouteDeps } from './route-deps.js';
import { registerSnapshotRoutes } from './snapshot-routes.js';
import { registerTypeRoutes } from './type-routes.js';
import { registerVolumeActionRoutes } from './volume-action-routes.js';
import { assertDeclared, validateRequest } from './validation.js';
import { registerVolumeRoutes } from './volume-routes.js';

const TARGET_TYPES: Record<string, string> = {
  volumes: 'volume',
  snapshots: 'snapshot',
  backups: 'backup',
  attachments: 'volume_attachment',
  types: 'volume_type',
  'os-quota-sets': 'volume_quota',
};

/** The audit record's target for a mutating call on one resource (creates set theirs in the route). */
function auditTargetOf(request: FastifyRequest): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const params = request.params as { id?: string; target?: string };
  const collection = /\/v3\/:project\/([^/]+)/.exec(request.routeOptions.url ?? '')?.[1];
  const targetType = collection === undefined ? undefined : TARGET_TYPES[collection];
  const targetId = params.id ?? params.target;
  if (targetType !== undefined && targetId !== undefined) request.auditTarget = { targetType, targetId };
}

export function volumePlugin(deps: VolumeRouteDeps & { validator: TokenValidator }) {
  return async function volume(app: FastifyInstance): Promise<void> {
    installErrorHandler(app, (err, message) => renderCinderError(err, message));
    if (!app.hasRequestDecorator('volumeVersion')) app.decorateRequest('volumeVersion', undefined);
    app.addHook('onRequest', async (request, reply) => {
      echoMicroversion(reply, MIN_VERSION);
      request.volumeVersion = parseMicroversion(request);
      echoMicroversion(reply, request.volumeVersion);
    });
    app.addHook('preHandler', async (request) => {
      if (request.routeOptions.config.public) return;
      const token = authTokenOf(request);
      if (!token) throw errors.unauthorized();
      const auth = await deps.validator.validate(token);
      request.auth = auth;
      // Cinder refuses a URL whose project is not the token's ("Malformed request url").
      const project = (request.params as { project?: string }).project;
      if (project !== undefined && project !== callerProject(auth) && !isAdmin(auth)) {
        throw errors.badRequest('Malformed request url');
      }
      auditTargetOf(request);
    });
    // Bodies and query strings against the route's schemas, after authentication as in Cinder.
    app.addHook('preHandler', async (request) => validateRequest(request));
    app.addHook('onRoute', assertDeclared);
    registerDiscoveryRoutes(app, deps);
    registerVolumeRoutes(app, deps);
    registerVolumeActionRoutes(app, deps);
    registerSnapshotRoutes(app, deps);
    registerBackupRoutes(app, deps);
    registerTypeRoutes(app, deps);
    registerAttachmentRoutes(app, deps);
  };
}
