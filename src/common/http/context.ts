// The authenticated caller of a request, as every service sees it once the token has been validated.
// It is built only by the identity service's token validation; other services read it, never build it.
import type { TSchema } from '@sinclair/typebox';
export type AuthScope =
  | { kind: 'project'; projectId: string; projectName: string; domainId: string; domainName: string }
  | { kind: 'domain'; domainId: string; domainName: string }
  | { kind: 'system' }
  | { kind: 'unscoped' };

export interface RoleRef {
  id: string;
  name: string;
}

export interface AuthContext {
  userId: string;
  userName: string;
  userDomainId: string;
  userDomainName: string;
  scope: AuthScope;
  /** Effective roles on the scope, implied roles included. */
  roles: readonly RoleRef[];
  roleNames: ReadonlySet<string>;
  /** True for a token scoped to the cloud's admin project (Keystone's is_admin_project). */
  isAdminProject: boolean;
  /**
   * True when no admin project is configured, so that Keystone's is_admin_project holds for every
   * project: then only the admin role is cloud-wide, and readers keep to their project.
   */
  everyProjectIsAdminProject?: boolean;
  methods: readonly string[];
  auditIds: readonly string[];
  issuedAt: Date;
  expiresAt: Date;
  applicationCredentialId?: string | undefined;
}

/** Validates an X-Auth-Token; throws ApiError 401/404-shaped errors for anything but a live token. */
export interface TokenValidator {
  validate(token: string): Promise<AuthContext>;
}

/** What an audit record says about the target of a mutating request; routes may set it. */
export interface AuditTarget {
  action?: string;
  targetType?: string;
  targetId?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | undefined;
    auditTarget: AuditTarget | undefined;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes reachable without a token (version discovery, authentication). */
    public?: boolean;
    /**
     * The body a route takes when its own family's validator checks it (Neutron's attribute maps,
     * Glance's and Barbican's checks) rather than Fastify's `schema.body`: its JSON schema, `'none'`
     * (the route takes no body and ignores one, as the real API does), or `'raw'` (bytes, not JSON).
     * The input-schema test reads it to prove each route refuses what its schema refuses.
     */
    declaredBody?: TSchema | 'none' | 'raw';
    /**
     * The real API resolves the path's resource before it reads the body (Barbican's container
     * secrets): for a missing one the answer is its 404, whatever the body.
     */
    pathFirst?: boolean;
    /**
     * The web console's built files (src/console/static-files.ts): the same bytes for everyone, and
     * present only when `npm run build` made them, so route tables that depend on the build skip them.
     */
    staticFile?: boolean;
  }
}
