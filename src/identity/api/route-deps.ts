// What every identity route module receives: the identity services and the configured public URL.
import type { AssignmentService } from '../assignment-service.js';
import type { AuthService } from '../auth-service.js';
import type { CatalogServiceApi } from '../catalog-service.js';
import type { CredentialService } from '../credential-service.js';
import type { ResourceService } from '../resource-service.js';
import type { TokenService } from '../token-service.js';
import type { UserService } from '../user-service.js';
import type { ValidationCache } from '../validation-cache.js';

export interface IdentityServices {
  resources: ResourceService;
  catalog: CatalogServiceApi;
  tokens: TokenService;
  auth: AuthService;
  assignments: AssignmentService;
  users: UserService;
  credentials: CredentialService;
}

export interface RouteDeps {
  services: IdentityServices;
  /** Empty when links should follow the Host the client used. */
  publicUrl: string;
  region: string;
  /** Bumped after every identity write, so cached token validations are re-checked. */
  cache: ValidationCache;
  /** identity.adminProjectName is set: project-scoped tokens then say is_admin_project true or false. */
  adminProjectConfigured: boolean;
}
