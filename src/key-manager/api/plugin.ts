// The key-manager API (Barbican v1) as one encapsulated Fastify plugin mounted at /key-manager: Barbican's
// error bodies, token authentication on every route not marked public, raw bodies (each route decides
// how to read them, as Barbican does), microversion 1.0, and the route families.
import type { FastifyInstance } from 'fastify';
import { authenticateUnlessPublic } from '../../common/http/authenticate.js';
import type { TokenValidator } from '../../common/http/context.js';
import { kmErrors } from '../key-manager-errors.js';
import { registerContainerRoutes } from './container-routes.js';
import { registerOrderRoutes } from './order-routes.js';
import { installBarbicanErrors } from './render-error.js';
import type { KeyManagerRouteDeps } from './route-deps.js';
import { registerSecretRoutes } from './secret-routes.js';
import { registerVersionRoutes } from './version-routes.js';

/** Barbican's max_allowed_request_size_in_bytes. */
export const MAX_REQUEST_BYTES = 25_000;
const VERSION_HEADER = 'openstack-api-version';

/** Only microversion 1.0 is served: "key-manager 1.0", "key-manager latest", or no header. */
function checkMicroversion(header: string | string[] | undefined): void {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return;
  for (const part of value.split(',')) {
    const [service, version] = part.trim().toLowerCase().split(/\s+/);
    if (service !== 'key-manager') continue;
    if (version === '1.0' || version === 'latest' || version === '1') continue;
    throw kmErrors.abort(
      406,
      `Version ${version ?? ''} is not supported by the API. Minimum is 1.0 and maximum is 1.0.`,
    );
  }
}

export function keyManagerPlugin(
  deps: KeyManagerRouteDeps & { validator: TokenValidator; maxRequestBytes: number },
) {
  return async function keyManager(app: FastifyInstance): Promise<void> {
    installBarbicanErrors(app, deps.publicUrl);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: deps.maxRequestBytes },
      (_request, body, done) => done(null, body),
    );
    app.addHook('onRequest', authenticateUnlessPublic(deps.validator));
    app.addHook('onRequest', async (request, reply) => {
      reply.header(VERSION_HEADER, 'key-manager 1.0').header('vary', 'OpenStack-API-Version');
      checkMicroversion(request.headers[VERSION_HEADER]);
    });
    registerVersionRoutes(app, deps.publicUrl);
    registerSecretRoutes(app, deps);
    registerContainerRoutes(app, deps);
    registerOrderRoutes(app, deps);
  };
}
