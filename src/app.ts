// Composition root: builds the Fastify application from already-opened dependencies. No listen, no env
// reads — main.ts and the tests both call this.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { installAuditHook } from './audit/audit-hook.js';
import { createAuditStore } from './audit/audit-store.js';
import type { Clock } from './common/clock.js';
import { newRequestId, addRequestIdHeader } from './common/http/request-id.js';
import { logSerializers } from './common/http/log-serializers.js';
import { installErrorHandler } from './common/http/error-handler.js';
import { renderKeystoneError } from './common/errors/render-keystone.js';
import type { Config } from './config/schema.js';
import type { Database } from './db/schema.js';
import type { DialectName } from './db/kysely.js';
import type { ServedService } from './identity/bootstrap.js';
import { createIdentityModule, type IdentityModule } from './identity/index.js';
import { createObjectStoreModule, type ObjectStoreModule } from './object-store/index.js';

export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  /** pino options or false; tests pass false or a level. */
  logger: FastifyServerOptions['logger'];
}

export interface App {
  app: FastifyInstance;
  identity: IdentityModule;
  objectStore: ObjectStoreModule;
  /** What the catalog must list: the services this process serves. */
  served: ServedService[];
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : { ...(typeof deps.logger === 'object' ? deps.logger : {}), serializers: logSerializers },
    genReqId: newRequestId,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 2048 },
    trustProxy: false,
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
  });
  app.decorateRequest('auth', undefined);
  // Swift's server-side copy verb.
  app.addHttpMethod('COPY');
  addRequestIdHeader(app);
  // Paths outside every service (and framework errors before routing) answer in Keystone's shape.
  installErrorHandler(app, (err, message) => renderKeystoneError(err, message));
  installAuditHook(app, createAuditStore(deps.db), deps.clock);

  const identity = await createIdentityModule({
    db: deps.db,
    dialect: deps.dialect,
    clock: deps.clock,
    config: deps.config,
  });
  await app.register(identity.plugin, { prefix: '/identity' });

  const objectStore = createObjectStoreModule({
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    validator: identity.validator,
  });
  await app.register(objectStore.swiftPlugin, { prefix: '/object-store' });

  const served: ServedService[] = [
    { type: 'identity', name: 'keystone', path: '/identity' },
    { type: 'object-store', name: 'swift', path: '/object-store/v1/AUTH_$(project_id)s' },
  ];
  return { app, identity, objectStore, served };
}
