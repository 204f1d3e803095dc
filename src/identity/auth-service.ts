// Authentication (POST /v3/auth/tokens): identifies the user by password, token or application
// credential, resolves the requested scope, and issues a token through the token service.
import type { Clock } from '../common/clock.js';
import { verifyPassword } from '../common/crypto/password-hash.js';
import { errors } from '../common/errors/codes.js';
import type { IdentityConfig } from '../config/schema.js';
import type { CredentialStore } from './credential-store.js';
import type { ApplicationCredential, User } from './model.js';
import type { ResourceStore } from './resource-store.js';
import type { AuthRequest, NameOrId, ScopeRequest } from './auth-request.js';
import { InvalidToken, type TokenService, type ValidatedToken } from './token-service.js';
import { newAuditId, type TokenPayload, type TokenScope } from './token-payload.js';
import type { RoleResolver } from './role-resolver.js';
import type { UserStore } from './user-store.js';
import type { MfaGate, ReceiptAnswer } from './mfa/mfa-gate.js';
import { optionIsSet } from './mfa/user-options.js';
import type { PasswordPolicy } from './password-policy.js';

export interface AuthServiceDeps {
  users: UserStore;
  resources: ResourceStore;
  credentials: CredentialStore;
  tokens: TokenService;
  resolver: RoleResolver;
  clock: Clock;
  config: IdentityConfig;
  mfa: MfaGate;
  passwords: PasswordPolicy;
}

/** A token, or (when an MFA rule is unmet) the receipt the route answers 401 with. */
export type AuthOutcome =
  { kind: 'token'; token: string; validated: ValidatedToken } | { kind: 'receipt'; answer: ReceiptAnswer };

const unauthorized = () => errors.unauthorized('The request you have made requires authentication.');

interface Identified {
  user: User;
  methods: string[];
  /** For token rescoping: the parent's audit chain and expiry. */
  parent?: TokenPayload;
  applicationCredential?: ApplicationCredential;
}

export function createAuthService(deps: AuthServiceDeps) {
  async function domainIdOf(ref: NameOrId | undefined): Promise<string> {
    if (!ref) throw errors.badRequest('A domain is required to find a resource by name.');
    if (ref.id !== undefined) return ref.id;
    const domain = await deps.resources.getDomainByName(ref.name ?? '');
    if (!domain) throw unauthorized();
    return domain.id;
  }

  async function findUser(ref: NameOrId & { domain?: NameOrId | undefined }): Promise<User | undefined> {
    if (ref.id !== undefined) return deps.users.getUser(ref.id);
    return deps.users.getUserByName(await domainIdOf(ref.domain), ref.name ?? '');
  }

  function isLockedOut(user: User, now: number): boolean {
    const limit = deps.config.lockoutFailureAttempts;
    if (optionIsSet(user.options, 'ignore_lockout_failure_attempts')) return false;
    if (limit <= 0 || user.failedAuthCount < limit || !user.lastFailedAuthAt) return false;
    return now - Date.parse(user.lastFailedAuthAt) < deps.config.lockoutDurationSeconds * 1000;
  }

  async function byPassword(ref: AuthRequest['password']): Promise<Identified> {
    if (!ref) throw errors.badRequest("Expecting to find 'password' in 'identity'.");
    const user = await findUser(ref.user);
    const now = deps.clock.now();
    if (!user) throw unauthorized();
    if (isLockedOut(user, now.getTime())) {
      throw errors.unauthorized(`The account is locked for user: ${user.id}.`);
    }
    const ok = user.passwordHash !== null && (await verifyPassword(ref.user.password, user.passwordHash));
    if (!ok) {
      if (deps.config.lockoutFailureAttempts > 0)
        await deps.users.recordAuthFailure(user.id, now.toISOString());
      throw unauthorized();
    }
    if (user.failedAuthCount > 0) await deps.users.resetAuthFailures(user.id);
    if (!user.enabled) throw unauthorized();
    if (deps.passwords.isExpired(user)) {
      throw errors.unauthorized(`The password is expired and needs to be changed for user: ${user.id}.`);
    }
    return { user, methods: ['password'] };
  }

  async function byTotp(ref: AuthRequest['totp']): Promise<Identified> {
    if (!ref) throw errors.badRequest("Expecting to find 'totp' in 'identity'.");
    const user = await findUser(ref.user);
    if (!user) throw unauthorized();
    if (isLockedOut(user, deps.clock.now().getTime())) {
      throw errors.unauthorized(`The account is locked for user: ${user.id}.`);
    }
    await deps.mfa.verifyPasscode(user, ref.user.passcode);
    return { user, methods: ['totp'] };
  }

  async function byToken(id: string): Promise<Identified> {
    let parent: ValidatedToken;
    try {
      parent = await deps.tokens.validateToken(id);
    } catch (err) {
      if (err instanceof InvalidToken) throw unauthorized();
      throw err;
    }
    if (parent.payload.applicationCredentialId) {
      throw errors.forbidden('A token created with an application credential cannot be rescoped.');
    }
    return { user: parent.user, methods: parent.payload.methods, parent: parent.payload };
  }

  async function byApplicationCredential(ref: AuthRequest['applicationCredential']): Promise<Identified> {
    if (!ref) throw errors.badRequest("Expecting to find 'application_credential' in 'identity'.");
    let candidates: ApplicationCredential[];
    if (ref.id !== undefined) {
      candidates = await deps.credentials.listApplicationCredentials({ id: ref.id });
    } else {
      if (!ref.user || ref.name === undefined)
        throw errors.badRequest('An application credential needs an id, or a name and a user.');
      const owner = await findUser(ref.user);
      candidates = owner
        ? await deps.credentials.listApplicationCredentials({ userId: owner.id, name: ref.name })
        : [];
    }
    const appCred = candidates[0];
    if (!appCred || !(await verifyPassword(ref.secret, appCred.secretHash))) throw unauthorized();
    if (appCred.expiresAt && Date.parse(appCred.expiresAt) <= deps.clock.now().getTime())
      throw unauthorized();
    const user = await deps.users.getUser(appCred.userId);
    if (!user?.enabled) throw unauthorized();
    return { user, methods: ['application_credential'], applicationCredential: appCred };
  }

  async function resolveScope(scope: ScopeRequest | undefined, who: Identified): Promise<TokenScope> {
    if (who.applicationCredential) {
      if (scope) throw errors.unauthorized('Application credentials cannot request a scope.');
      return { kind: 'project', id: who.applicationCredential.projectId };
    }
    if (scope === undefined) return defaultScope(who);
    if (scope.kind === 'system') return { kind: 'system' };
    if (scope.kind === 'unscoped') return { kind: 'unscoped' };
    if (scope.kind === 'domain') {
      const domain =
        scope.ref.id !== undefined
          ? await deps.resources.getDomain(scope.ref.id)
          : await deps.resources.getDomainByName(scope.ref.name ?? '');
      if (!domain?.enabled) throw unauthorized();
      return { kind: 'domain', id: domain.id };
    }
    const project =
      scope.ref.id !== undefined
        ? await deps.resources.getProject(scope.ref.id)
        : await deps.resources.getProjectByName(await domainIdOf(scope.ref.domain), scope.ref.name ?? '');
    if (!project?.enabled) throw unauthorized();
    return { kind: 'project', id: project.id };
  }

  /** Keystone: no scope asked → the user's default project if they have a role there, else unscoped. */
  async function defaultScope(who: Identified): Promise<TokenScope> {
    if (who.parent) return who.parent.scope;
    const projectId = who.user.defaultProjectId;
    if (!projectId) return { kind: 'unscoped' };
    const project = await deps.resources.getProject(projectId);
    if (!project?.enabled) return { kind: 'unscoped' };
    const roles = await deps.resolver.assignedRoleIds(who.user.id, { kind: 'project', project });
    return roles.size > 0 ? { kind: 'project', id: project.id } : { kind: 'unscoped' };
  }

  function byMethod(method: string, request: AuthRequest): Promise<Identified> {
    if (method === 'password') return byPassword(request.password);
    if (method === 'totp') return byTotp(request.totp);
    if (method === 'token') return byToken(request.token?.id ?? '');
    if (method === 'application_credential') return byApplicationCredential(request.applicationCredential);
    throw unauthorized();
  }

  /** Every method must prove the same user (Keystone); their proofs, and the receipt's, add up. */
  async function identify(request: AuthRequest): Promise<Identified> {
    let who: Identified | undefined;
    for (const method of request.methods) {
      const next = await byMethod(method, request);
      if (who && next.user.id !== who.user.id) throw unauthorized();
      who = who ? { ...who, ...next, methods: [...who.methods, ...next.methods], user: who.user } : next;
    }
    if (!who) throw unauthorized();
    const proved = deps.mfa.receiptMethods(request.receipt, who.user);
    return { ...who, methods: [...new Set([...proved, ...who.methods])] };
  }

  return {
    async authenticate(request: AuthRequest): Promise<AuthOutcome> {
      const who = await identify(request);
      const answer = await deps.mfa.check(who.user, who.methods);
      if (answer) return { kind: 'receipt', answer };
      const scope = await resolveScope(request.scope, who);
      const now = deps.clock.now().getTime();
      const lifetimeMs = deps.config.tokenLifetimeSeconds * 1000;
      const payload: TokenPayload = {
        userId: who.user.id,
        methods: who.methods,
        scope,
        issuedAt: now,
        expiresAt: who.parent ? who.parent.expiresAt : now + lifetimeMs,
        auditIds: who.parent ? [newAuditId(), who.parent.auditIds[0] as string] : [newAuditId()],
        applicationCredentialId: who.applicationCredential?.id,
      };
      try {
        return { kind: 'token', ...(await deps.tokens.issue(payload)) };
      } catch (err) {
        if (err instanceof InvalidToken) throw unauthorized();
        throw err;
      }
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
