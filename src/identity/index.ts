// Composition of the identity service: stores over the database, the token keys from the data dir,
// the services, and the Fastify plugin that serves them under /identity.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import { openKeyRepository } from '../common/crypto/key-repository.js';
import { createTokenCipher } from '../common/crypto/token-cipher.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/schema.js';
import type { DialectName } from '../db/kysely.js';
import { identityPlugin } from './api/plugin.js';
import type { IdentityServices } from './api/route-deps.js';
import { adminProjectRule } from './admin-project.js';
import { createAssignmentService } from './assignment-service.js';
import { createAuthService } from './auth-service.js';
import { createCatalogService } from './catalog-service.js';
import { createCatalogStore } from './catalog-store.js';
import { createCredentialService } from './credential-service.js';
import { createCredentialStore } from './credential-store.js';
import { createResourceService } from './resource-service.js';
import { createResourceStore } from './resource-store.js';
import { createRoleResolver } from './role-resolver.js';
import { createRoleStore } from './role-store.js';
import { createTokenService } from './token-service.js';
import { createUserService } from './user-service.js';
import { createUserStore } from './user-store.js';
import { createMfaGate } from './mfa/mfa-gate.js';
import { createPasswordHistoryStore } from './password-history-store.js';
import { createPasswordPolicy } from './password-policy.js';
import { createReceiptSealer } from './mfa/receipts.js';
import { createValidationCache } from './validation-cache.js';

export const ADMIN_PROJECT_SETTING = 'identity.admin_project_id';

export interface IdentityModuleDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: Config;
  dialect: DialectName;
}

export function tokenKeyDir(dataDir: string): string {
  return join(dataDir, 'keys', 'tokens');
}

function storesOver(db: Kysely<Database>) {
  return {
    resources: createResourceStore(db),
    users: createUserStore(db),
    roles: createRoleStore(db),
    catalog: createCatalogStore(db),
    credentials: createCredentialStore(db),
  };
}

export type IdentityStores = ReturnType<typeof storesOver>;

export async function createIdentityModule(deps: IdentityModuleDeps) {
  const { db, clock, config } = deps;
  const stores = storesOver(db);
  const transaction = <T>(fn: (s: IdentityStores) => Promise<T>) =>
    db.transaction().execute((trx) => fn(storesOver(trx)));
  const cipher = createTokenCipher(openKeyRepository(tokenKeyDir(config.dataDir)));
  const sealer = createTokenCipher(openKeyRepository(join(config.dataDir, 'keys', 'credentials')));
  // Receipts get their own keys, so a receipt can never be replayed as a token.
  const receiptCipher = createTokenCipher(openKeyRepository(join(config.dataDir, 'keys', 'receipts')));

  const resolver = createRoleResolver({
    roles: stores.roles,
    users: stores.users,
    resources: stores.resources,
    clock,
  });
  const cache = createValidationCache({
    credentials: stores.credentials,
    clock,
    sharedDatabase: deps.dialect === 'postgres',
  });
  const tokens = createTokenService({
    cache,
    cipher,
    users: stores.users,
    resources: stores.resources,
    credentials: stores.credentials,
    resolver,
    clock,
    isAdminProject: adminProjectRule(config.identity.adminProjectName),
    everyProjectIsAdminProject: config.identity.adminProjectName === '',
  });
  const passwords = createPasswordPolicy({
    history: createPasswordHistoryStore(db),
    clock,
    config: config.identity,
  });
  const services: IdentityServices = {
    tokens,
    resources: createResourceService({
      resources: stores.resources,
      roles: stores.roles,
      clock,
      transaction,
    }),
    catalog: createCatalogService({ store: stores.catalog, clock }),
    auth: createAuthService({
      ...stores,
      tokens,
      resolver,
      clock,
      config: config.identity,
      passwords,
      mfa: createMfaGate({
        ...stores,
        sealer,
        receipts: createReceiptSealer(receiptCipher, config.identity.receiptExpirationSeconds),
        clock,
        config: config.identity,
      }),
    }),
    assignments: createAssignmentService({
      roles: stores.roles,
      users: stores.users,
      resources: stores.resources,
      resolver,
    }),
    users: createUserService({
      users: stores.users,
      resources: stores.resources,
      roles: stores.roles,
      clock,
      transaction,
      passwords,
      // The password-change route needs no token, so it must count failures like authentication does.
      lockout: {
        failureAttempts: config.identity.lockoutFailureAttempts,
        durationSeconds: config.identity.lockoutDurationSeconds,
      },
    }),
    credentials: createCredentialService({ ...stores, resolver, sealer, clock }),
  };
  return {
    services,
    stores,
    validator: tokens.validator,
    plugin: identityPlugin({
      services,
      publicUrl: config.publicUrl,
      region: config.region,
      cache,
      adminProjectConfigured: config.identity.adminProjectName !== '',
    }),
  };
}

export type IdentityModule = Awaited<ReturnType<typeof createIdentityModule>>;
