// Composition of the key manager (Barbican v1): the root of trust, the per-project KEKs and data keys
// (the in-process KeyService other modules use to encrypt their data), secrets, containers, orders, and
// the Fastify plugin served under /key-manager (app.ts mounts it and closes the module with the app).
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { TokenValidator } from '../common/http/context.js';
import type { Config } from '../config/schema.js';
import type { DialectName } from '../db/kysely.js';
import { keyManagerPlugin, MAX_REQUEST_BYTES } from './api/plugin.js';
import { createContainerService } from './container-service.js';
import { createContainerStore } from './container-store.js';
import { createKekStore } from './kek-store.js';
import type { KeyManagerTables } from './key-manager-tables.js';
import { createKeyService, type KeyService } from './key-service.js';
import { createOrderService } from './order-service.js';
import { createOrderStore } from './order-store.js';
import { openRootOfTrust } from './root/open-root.js';
import type { RootOfTrust } from './root/root-of-trust.js';
import { createSecretService } from './secret-service.js';
import { createSecretStore } from './secret-store.js';

export type { DataKey, KeyService } from './key-service.js';

export interface KeyManagerModuleDeps {
  /** The app's database; it must hold the tables of migrations/2026-12-07-key-manager.ts. */
  db: Kysely<KeyManagerTables>;
  dialect: DialectName;
  clock: Clock;
  config: Config;
  validator: TokenValidator;
  /** Overrides the configured root of trust (tests). */
  root?: RootOfTrust;
}

export function createKeyManagerModule(deps: KeyManagerModuleDeps) {
  const { db, clock, config } = deps;
  const root = deps.root ?? openRootOfTrust(config);
  const maxSecretBytes = config.keyManager.maxSecretBytes;
  const keys: KeyService = createKeyService({ keks: createKekStore(db, deps.dialect), root, clock });
  const secrets = createSecretService({ store: createSecretStore(db), keys, clock, maxSecretBytes });
  const containers = createContainerService({ store: createContainerStore(db), secrets, clock });
  const orders = createOrderService({
    store: createOrderStore(db),
    secrets,
    containers,
    clock,
    maxSecretBytes,
  });
  return {
    services: { keys, secrets, containers, orders },
    /** Which root of trust wraps the KEKs (file:… or pkcs11:…). */
    rootId: root.id,
    plugin: keyManagerPlugin({
      secrets,
      containers,
      orders,
      publicUrl: config.publicUrl,
      validator: deps.validator,
      maxRequestBytes: Math.max(MAX_REQUEST_BYTES, maxSecretBytes * 2),
    }),
    /** Releases the root of trust (logs out of the PKCS#11 token). */
    close: () => root.close(),
  };
}

export type KeyManagerModule = ReturnType<typeof createKeyManagerModule>;
