// Issues and validates Keystone tokens. A token is a sealed TokenPayload; validation re-checks the
// live state every time (user and domain enabled, password not changed since issue, project and domain
// enabled, roles still assigned, application credential alive, audit id not revoked), which is how every
// revocation in Keystone's list takes effect at once without a token table.
import type { Clock } from '../common/clock.js';
import type { TokenCipher } from '../common/crypto/token-cipher.js';
import type { AuthContext, AuthScope, TokenValidator } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import type { CredentialStore } from './credential-store.js';
import type { ApplicationCredential, Domain, User } from './model.js';
import type { ResourceStore } from './resource-store.js';
import type { ResolvedScope, RoleResolver } from './role-resolver.js';
import { decodePayload, encodePayload, type TokenPayload } from './token-payload.js';
import type { UserStore } from './user-store.js';
import type { ValidationCache } from './validation-cache.js';

export interface TokenServiceDeps {
  cipher: TokenCipher;
  users: UserStore;
  resources: ResourceStore;
  credentials: CredentialStore;
  resolver: RoleResolver;
  clock: Clock;
  /** Keystone's is_admin_project for a project scope (see admin-project.ts). */
  isAdminProject: (scope: AuthScope & { kind: 'project' }) => boolean;
  /** No admin project is configured (identity.adminProjectName is empty). */
  everyProjectIsAdminProject: boolean;
  cache: ValidationCache;
}

export interface ValidatedToken {
  payload: TokenPayload;
  context: AuthContext;
  user: User;
  applicationCredential?: ApplicationCredential | undefined;
}

/** Why a token is not valid; callers map it to 401 (X-Auth-Token) or 404 (X-Subject-Token). */
export class InvalidToken extends Error {}

export function createTokenService(deps: TokenServiceDeps) {
  async function enabledDomain(id: string): Promise<Domain> {
    const domain = await deps.resources.getDomain(id);
    if (!domain?.enabled) throw new InvalidToken('domain disabled or gone');
    return domain;
  }

  async function resolveScope(payload: TokenPayload): Promise<{ resolved: ResolvedScope; scope: AuthScope }> {
    const s = payload.scope;
    if (s.kind === 'project') {
      const project = await deps.resources.getProject(s.id);
      if (!project?.enabled) throw new InvalidToken('project disabled or gone');
      const domain = await enabledDomain(project.domainId);
      return {
        resolved: { kind: 'project', project },
        scope: {
          kind: 'project',
          projectId: project.id,
          projectName: project.name,
          domainId: domain.id,
          domainName: domain.name,
        },
      };
    }
    if (s.kind === 'domain') {
      const domain = await enabledDomain(s.id);
      return {
        resolved: { kind: 'domain', domainId: domain.id },
        scope: { kind: 'domain', domainId: domain.id, domainName: domain.name },
      };
    }
    return { resolved: { kind: s.kind } as ResolvedScope, scope: { kind: s.kind } as AuthScope };
  }

  async function liveApplicationCredential(payload: TokenPayload, now: number) {
    if (!payload.applicationCredentialId) return undefined;
    const [appCred] = await deps.credentials.listApplicationCredentials({
      id: payload.applicationCredentialId,
    });
    if (!appCred || appCred.userId !== payload.userId) throw new InvalidToken('application credential gone');
    if (appCred.expiresAt && Date.parse(appCred.expiresAt) <= now)
      throw new InvalidToken('application credential expired');
    return appCred;
  }

  /** Rebuilds the caller from a payload against live state. Throws InvalidToken. */
  async function resolve(payload: TokenPayload): Promise<ValidatedToken> {
    const now = deps.clock.now().getTime();
    if (payload.expiresAt <= now) throw new InvalidToken('expired');
    const [user, revoked] = await Promise.all([
      deps.users.getUser(payload.userId),
      deps.credentials.isRevoked(payload.auditIds),
    ]);
    if (revoked) throw new InvalidToken('revoked');
    if (!user?.enabled) throw new InvalidToken('user disabled or gone');
    if (payload.issuedAt < Date.parse(user.tokensValidAfter))
      throw new InvalidToken('issued before revoke-all');
    const userDomain = await enabledDomain(user.domainId);
    const appCred = await liveApplicationCredential(payload, now);
    const { resolved, scope } = await resolveScope(payload);
    const roles = await deps.resolver.effectiveRoles(user.id, resolved, appCred?.roleIds);
    if (scope.kind !== 'unscoped' && roles.length === 0) throw new InvalidToken('no role on scope');
    const context: AuthContext = {
      userId: user.id,
      userName: user.name,
      userDomainId: userDomain.id,
      userDomainName: userDomain.name,
      scope,
      roles,
      roleNames: new Set(roles.map((r) => r.name)),
      isAdminProject: scope.kind === 'project' && deps.isAdminProject(scope),
      everyProjectIsAdminProject: deps.everyProjectIsAdminProject,
      methods: payload.methods,
      auditIds: payload.auditIds,
      issuedAt: new Date(payload.issuedAt),
      expiresAt: new Date(payload.expiresAt),
      applicationCredentialId: payload.applicationCredentialId,
    };
    return { payload, context, user, applicationCredential: appCred };
  }

  async function validateToken(token: string): Promise<ValidatedToken> {
    const opened = deps.cipher.open(token);
    const payload = opened && decodePayload(opened);
    if (!payload) throw new InvalidToken('not a token of ours');
    const { hit, epoch } = await deps.cache.get(token);
    if (hit) return hit;
    const validated = await resolve(payload);
    deps.cache.put(token, validated, epoch);
    return validated;
  }

  const validator: TokenValidator = {
    async validate(token: string): Promise<AuthContext> {
      try {
        return (await validateToken(token)).context;
      } catch (err) {
        if (err instanceof InvalidToken)
          throw errors.unauthorized('The request you have made requires authentication.');
        throw err;
      }
    },
  };

  return {
    validator,
    validateToken,
    /**
     * The caller an EC2 credential (S3 access key) of (userId, projectId) stands for right now, built by
     * the same live checks as token validation (user and domain enabled, project and its domain
     * enabled, a role on the project), or undefined when any fails. Nothing is cached, so disabling the
     * user or removing the role takes effect on the next request.
     */
    async ec2Context(userId: string, projectId: string): Promise<AuthContext | undefined> {
      const now = deps.clock.now().getTime();
      const payload: TokenPayload = {
        userId,
        methods: ['ec2credential'],
        scope: { kind: 'project', id: projectId },
        issuedAt: now,
        expiresAt: now + 1000,
        auditIds: [],
      };
      try {
        return (await resolve(payload)).context;
      } catch (err) {
        if (err instanceof InvalidToken) return undefined;
        throw err;
      }
    },
    /** Seals a payload after checking it resolves (same rules as validation), so no dead token is issued. */
    async issue(payload: TokenPayload): Promise<{ token: string; validated: ValidatedToken }> {
      const validated = await resolve(payload);
      return { token: deps.cipher.seal(encodePayload(payload)), validated };
    },
    async revoke(payload: TokenPayload): Promise<void> {
      const own = payload.auditIds[0];
      if (own) await deps.credentials.revokeToken(own, new Date(payload.expiresAt).toISOString());
      await deps.cache.bump();
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
