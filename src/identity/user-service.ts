// Users, groups and group membership: Keystone's rules (unique names per domain, a password change or a
// disable ends every token the user holds) and its default policy (cloud and domain admins manage, readers
// read, users read themselves). Users and groups the caller may not see are reported as not found.
import type { Clock } from '../common/clock.js';
import { hashPassword, verifyPassword } from '../common/crypto/password-hash.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newHexId } from '../common/ids.js';
import type { CredentialStore } from './credential-store.js';
import type { PasswordPolicy } from './password-policy.js';
import { mergeUserOptions, optionIsSet, type UserOptionsInput } from './mfa/user-options.js';
import type { Group, User } from './model.js';
import { canManageInDomain, canReadInDomain, isCloudReader, scopedDomainId } from './policy.js';
import type { ResourceStore } from './resource-store.js';
import type { RoleStore } from './role-store.js';
import type { UserStore } from './user-store.js';

export interface UserServiceDeps {
  users: UserStore;
  resources: ResourceStore;
  roles: RoleStore;
  clock: Clock;
  /** Runs fn inside one database transaction with stores bound to it. */
  transaction<T>(
    fn: (stores: { users: UserStore; roles: RoleStore; credentials: CredentialStore }) => Promise<T>,
  ): Promise<T>;
  /**
   * The account lockout of the identity config. POST /v3/users/{id}/password needs no token, so without it
   * that route would be a password-guessing oracle that the lockout of POST /v3/auth/tokens does not see.
   */
  lockout?: { failureAttempts: number; durationSeconds: number } | undefined;
  /** Keystone's security_compliance password rules. */
  passwords: PasswordPolicy;
}

export interface UserInput {
  name: string;
  domainId?: string | undefined;
  password?: string | null | undefined;
  enabled?: boolean | undefined;
  defaultProjectId?: string | null | undefined;
  options?: UserOptionsInput | undefined;
  extra: Record<string, unknown>;
}

export interface UserPatch {
  name?: string | undefined;
  /** Only accepted when it names the user's current domain: Keystone does not move users. */
  domainId?: string | undefined;
  enabled?: boolean | undefined;
  /** null removes the password. */
  password?: string | null | undefined;
  defaultProjectId?: string | null | undefined;
  options?: UserOptionsInput | undefined;
  extra?: Record<string, unknown> | undefined;
}

export interface GroupInput {
  name: string;
  domainId?: string | undefined;
  description?: string | undefined;
  extra: Record<string, unknown>;
}

export interface GroupPatch {
  name?: string | undefined;
  domainId?: string | undefined;
  description?: string | undefined;
  extra?: Record<string, unknown> | undefined;
}

export interface UserListFilter {
  name?: string | undefined;
  domainId?: string | undefined;
  enabled?: boolean | undefined;
}

export interface GroupListFilter {
  name?: string | undefined;
  domainId?: string | undefined;
}

const MAX_PASSWORD_BYTES = 4096;
// A hash of a throw-away password: verifying against it when the user does not exist (or has no password)
// makes that answer of the password change as slow as a wrong password, so timing does not reveal user ids.
const TIMING_HASH =
  '$scrypt$ln=14,r=8,p=1$b9vC2/htIVgPOk8NyOOCEg$BMlKBp/zAjDVxM/wlG1i5oqvqPoGHRDPWcyoxlsbJlb2Yg5kwBkBifpJLYF35jslerTQkuayvswMtqQz3KytTA';

/** Hashes a password, rejecting what the hasher would refuse (the schema bounds characters, not bytes). */
async function hashNewPassword(password: string): Promise<string> {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw errors.badRequest(
      `Invalid input for field 'password': it must be at most ${MAX_PASSWORD_BYTES} bytes.`,
    );
  }
  return hashPassword(password);
}

const duplicateUser = (name: string, domainId: string) =>
  errors.conflict(
    `Conflict occurred attempting to store user - Duplicate entry found with name ${name} at domain ID ${domainId}.`,
  );
const duplicateGroup = (name: string, domainId: string) =>
  errors.conflict(
    `Conflict occurred attempting to store group - Duplicate entry found with name ${name} at domain ID ${domainId}.`,
  );

function canSeeUser(ctx: AuthContext, user: User): boolean {
  return canReadInDomain(ctx, user.domainId) || ctx.userId === user.id;
}

async function visibleUser(deps: UserServiceDeps, ctx: AuthContext, id: string): Promise<User> {
  const user = await deps.users.getUser(id);
  if (!user || !canSeeUser(ctx, user)) throw errors.notFound('user', id);
  return user;
}

/** A user the caller may change: hidden → 404, visible but not theirs to change → 403. */
async function manageableUser(deps: UserServiceDeps, ctx: AuthContext, id: string): Promise<User> {
  const user = await visibleUser(deps, ctx, id);
  if (!canManageInDomain(ctx, user.domainId)) throw errors.forbidden();
  return user;
}

async function visibleGroup(deps: UserServiceDeps, ctx: AuthContext, id: string): Promise<Group> {
  const group = await deps.users.getGroup(id);
  if (!group || !canReadInDomain(ctx, group.domainId)) throw errors.notFound('group', id);
  return group;
}

async function manageableGroup(deps: UserServiceDeps, ctx: AuthContext, id: string): Promise<Group> {
  const group = await visibleGroup(deps, ctx, id);
  if (!canManageInDomain(ctx, group.domainId)) throw errors.forbidden();
  return group;
}

/** The domain a new user or group goes into: the one asked for, else the token's domain, else the caller's. */
async function newMemberDomain(deps: UserServiceDeps, ctx: AuthContext, requested: string | undefined) {
  const domainId = requested ?? scopedDomainId(ctx) ?? ctx.userDomainId;
  if (!canManageInDomain(ctx, domainId)) throw errors.forbidden();
  if (!(await deps.resources.getDomain(domainId))) throw errors.notFound('domain', domainId);
  return domainId;
}

/**
 * Keystone's list rule for users and groups: cloud readers see every domain, domain readers their own
 * (a filter naming another domain matches nothing), everyone else is refused. Returns the domain filter
 * to apply, or null when nothing can match.
 */
function listDomainFilter(ctx: AuthContext, requested: string | undefined): { domainId?: string } | null {
  if (isCloudReader(ctx)) return requested === undefined ? {} : { domainId: requested };
  const scoped = scopedDomainId(ctx);
  if (scoped === undefined || !canReadInDomain(ctx, scoped)) throw errors.forbidden();
  return requested === undefined || requested === scoped ? { domainId: scoped } : null;
}

function rejectDomainChange(current: string, requested: string | undefined): void {
  if (requested !== undefined && requested !== current) throw errors.badRequest('Cannot change Domain ID.');
}

async function listUsers(deps: UserServiceDeps, ctx: AuthContext, filter: UserListFilter): Promise<User[]> {
  const domain = listDomainFilter(ctx, filter.domainId);
  if (!domain) return [];
  return deps.users.listUsers({ name: filter.name, enabled: filter.enabled, ...domain });
}

async function createUser(deps: UserServiceDeps, ctx: AuthContext, input: UserInput): Promise<User> {
  const domainId = await newMemberDomain(deps, ctx, input.domainId);
  if (await deps.users.getUserByName(domainId, input.name)) throw duplicateUser(input.name, domainId);
  const now = deps.clock.now().toISOString();
  const options = mergeUserOptions({}, input.options);
  const hasPassword = typeof input.password === 'string';
  if (hasPassword) await deps.passwords.checkNew(undefined, input.password as string);
  const user: User = {
    id: newHexId(),
    domainId,
    name: input.name,
    enabled: input.enabled ?? true,
    defaultProjectId: input.defaultProjectId ?? null,
    passwordHash: hasPassword ? await hashNewPassword(input.password as string) : null,
    passwordExpiresAt: hasPassword ? deps.passwords.expiresAt(options, true) : null,
    tokensValidAfter: now,
    failedAuthCount: 0,
    lastFailedAuthAt: null,
    extra: input.extra,
    options,
  };
  await deps.users.insertUser(user, now);
  if (user.passwordHash !== null) await deps.passwords.record(user.id, user.passwordHash);
  return user;
}

async function updateUser(
  deps: UserServiceDeps,
  ctx: AuthContext,
  id: string,
  patch: UserPatch,
): Promise<User> {
  const user = await manageableUser(deps, ctx, id);
  rejectDomainChange(user.domainId, patch.domainId);
  if (patch.name !== undefined && patch.name !== user.name) {
    if (await deps.users.getUserByName(user.domainId, patch.name))
      throw duplicateUser(patch.name, user.domainId);
  }
  const updated: User = {
    ...user,
    name: patch.name ?? user.name,
    enabled: patch.enabled ?? user.enabled,
    defaultProjectId: patch.defaultProjectId !== undefined ? patch.defaultProjectId : user.defaultProjectId,
    extra: patch.extra ? { ...user.extra, ...patch.extra } : user.extra,
    options: mergeUserOptions(user.options, patch.options),
  };
  if (patch.password !== undefined) await setPasswordByAdmin(deps, user, updated, patch.password);
  // A new password or a disable ends every token issued so far; enabling again does not revive them.
  if (patch.password !== undefined || (user.enabled && patch.enabled === false)) {
    updated.tokensValidAfter = deps.clock.now().toISOString();
  }
  await deps.users.updateUser(updated);
  if (patch.password) await deps.passwords.record(updated.id, updated.passwordHash as string);
  return updated;
}

/** An administrator's PATCH of the password: the regex and history apply, the minimum age does not. */
async function setPasswordByAdmin(deps: UserServiceDeps, user: User, updated: User, password: string | null) {
  if (password === null) {
    updated.passwordHash = null;
    updated.passwordExpiresAt = null;
    return;
  }
  await deps.passwords.checkNew(user, password);
  updated.passwordHash = await hashNewPassword(password);
  updated.passwordExpiresAt = deps.passwords.expiresAt(updated.options, true);
}

async function deleteUser(deps: UserServiceDeps, ctx: AuthContext, id: string): Promise<void> {
  await manageableUser(deps, ctx, id);
  await deps.transaction(async (tx) => {
    await tx.roles.removeAssignmentsOf(id);
    // The foreign keys cascade too; deleting explicitly keeps the rule visible and dialect-independent.
    for (const a of await tx.credentials.listApplicationCredentials({ userId: id })) {
      await tx.credentials.deleteApplicationCredential(a.id);
    }
    for (const c of await tx.credentials.listCredentials({ userId: id }))
      await tx.credentials.deleteCredential(c.id);
    await tx.users.deleteUser(id);
  });
}

function isLockedOut(deps: UserServiceDeps, user: User, now: Date): boolean {
  const limit = deps.lockout?.failureAttempts ?? 0;
  if (!deps.lockout || limit <= 0 || user.failedAuthCount < limit || !user.lastFailedAuthAt) return false;
  return now.getTime() - Date.parse(user.lastFailedAuthAt) < deps.lockout.durationSeconds * 1000;
}

/** POST /v3/users/{id}/password: no token; the original password is the proof. Every wrong answer is a 401. */
async function changePassword(deps: UserServiceDeps, userId: string, original: string, password: string) {
  const unauthorized = () =>
    errors.unauthorized('Error when changing user password: Invalid user / password.');
  const user = await deps.users.getUser(userId);
  const now = deps.clock.now();
  if (user && isLockedOut(deps, user, now))
    throw errors.unauthorized(`The account is locked for user: ${user.id}.`);
  const matches = await verifyPassword(original, user?.passwordHash ?? TIMING_HASH);
  if (!user || user.passwordHash === null || !matches) {
    if (user && (deps.lockout?.failureAttempts ?? 0) > 0)
      await deps.users.recordAuthFailure(user.id, now.toISOString());
    throw unauthorized();
  }
  if (!user.enabled) throw unauthorized();
  if (optionIsSet(user.options, 'lock_password')) {
    throw errors.badRequest(
      'You cannot change your password at this time due to password policy disallowing password ' +
        'changes. Please contact your administrator to reset your password.',
    );
  }
  await deps.passwords.checkMinimumAge(user);
  await deps.passwords.checkNew(user, password);
  const passwordHash = await hashNewPassword(password);
  await deps.users.updateUser({
    ...user,
    passwordHash,
    passwordExpiresAt: deps.passwords.expiresAt(user.options, false),
    tokensValidAfter: now.toISOString(),
    failedAuthCount: 0,
    lastFailedAuthAt: null,
  });
  await deps.passwords.record(user.id, passwordHash);
}

async function listGroups(
  deps: UserServiceDeps,
  ctx: AuthContext,
  filter: GroupListFilter,
): Promise<Group[]> {
  const domain = listDomainFilter(ctx, filter.domainId);
  if (!domain) return [];
  return deps.users.listGroups({ name: filter.name, ...domain });
}

async function createGroup(deps: UserServiceDeps, ctx: AuthContext, input: GroupInput): Promise<Group> {
  const domainId = await newMemberDomain(deps, ctx, input.domainId);
  if (await deps.users.getGroupByName(domainId, input.name)) throw duplicateGroup(input.name, domainId);
  const group: Group = {
    id: newHexId(),
    domainId,
    name: input.name,
    description: input.description ?? '',
    extra: input.extra,
  };
  await deps.users.insertGroup(group);
  return group;
}

async function updateGroup(
  deps: UserServiceDeps,
  ctx: AuthContext,
  id: string,
  patch: GroupPatch,
): Promise<Group> {
  const group = await manageableGroup(deps, ctx, id);
  rejectDomainChange(group.domainId, patch.domainId);
  if (patch.name !== undefined && patch.name !== group.name) {
    if (await deps.users.getGroupByName(group.domainId, patch.name))
      throw duplicateGroup(patch.name, group.domainId);
  }
  const updated: Group = {
    ...group,
    name: patch.name ?? group.name,
    description: patch.description ?? group.description,
    extra: patch.extra ? { ...group.extra, ...patch.extra } : group.extra,
  };
  await deps.users.updateGroup(updated);
  return updated;
}

async function deleteGroup(deps: UserServiceDeps, ctx: AuthContext, id: string): Promise<void> {
  await manageableGroup(deps, ctx, id);
  await deps.transaction(async (tx) => {
    await tx.roles.removeAssignmentsOf(id);
    // Memberships go with the group (group_members cascades on both dialects).
    await tx.users.deleteGroup(id);
  });
}

/** Keystone: changing a membership takes an admin of the group's domain and of the user's domain. */
async function manageableMembership(
  deps: UserServiceDeps,
  ctx: AuthContext,
  groupId: string,
  userId: string,
) {
  const group = await manageableGroup(deps, ctx, groupId);
  const user = await manageableUser(deps, ctx, userId);
  return { group, user };
}

const notAMember = (groupId: string, userId: string) =>
  errors.notFound('member of group', `${userId} in ${groupId}`);

async function addUserToGroup(deps: UserServiceDeps, ctx: AuthContext, groupId: string, userId: string) {
  await manageableMembership(deps, ctx, groupId, userId);
  await deps.users.addMember(groupId, userId);
}

async function removeUserFromGroup(deps: UserServiceDeps, ctx: AuthContext, groupId: string, userId: string) {
  await manageableMembership(deps, ctx, groupId, userId);
  if (!(await deps.users.removeMember(groupId, userId))) throw notAMember(groupId, userId);
}

async function checkUserInGroup(deps: UserServiceDeps, ctx: AuthContext, groupId: string, userId: string) {
  await visibleGroup(deps, ctx, groupId);
  await visibleUser(deps, ctx, userId);
  if (!(await deps.users.userIdsOfGroup(groupId)).includes(userId)) throw notAMember(groupId, userId);
}

async function listGroupUsers(deps: UserServiceDeps, ctx: AuthContext, groupId: string): Promise<User[]> {
  await visibleGroup(deps, ctx, groupId);
  const users = await deps.users.listUsers({ ids: await deps.users.userIdsOfGroup(groupId) });
  // A group may hold users of other domains; a domain reader sees only those of their own.
  return users.filter((u) => canSeeUser(ctx, u));
}

async function listUserGroups(deps: UserServiceDeps, ctx: AuthContext, userId: string): Promise<Group[]> {
  await visibleUser(deps, ctx, userId);
  const groups = await deps.users.listGroups({ ids: await deps.users.groupIdsOfUser(userId) });
  // Keystone filters the list to the token's domain when the token is domain-scoped.
  const scoped = scopedDomainId(ctx);
  return scoped === undefined ? groups : groups.filter((g) => g.domainId === scoped);
}

/**
 * The user and group service. Each operation is a module-level function of its dependencies (which keeps
 * every function within the size limit); the service binds them. Example:
 * `await users.createUser(ctx, { name: 'alice', password: 's3cret', extra: {} })`.
 */
export function createUserService(deps: UserServiceDeps) {
  return {
    getUser: (ctx: AuthContext, id: string): Promise<User> => visibleUser(deps, ctx, id),
    listUsers: listUsers.bind(null, deps),
    createUser: createUser.bind(null, deps),
    updateUser: updateUser.bind(null, deps),
    deleteUser: deleteUser.bind(null, deps),
    /** No caller: the original password authenticates the request. */
    changePassword: changePassword.bind(null, deps),

    getGroup: (ctx: AuthContext, id: string): Promise<Group> => visibleGroup(deps, ctx, id),
    listGroups: listGroups.bind(null, deps),
    createGroup: createGroup.bind(null, deps),
    updateGroup: updateGroup.bind(null, deps),
    deleteGroup: deleteGroup.bind(null, deps),
    addUserToGroup: addUserToGroup.bind(null, deps),
    removeUserFromGroup: removeUserFromGroup.bind(null, deps),
    checkUserInGroup: checkUserInGroup.bind(null, deps),
    listGroupUsers: listGroupUsers.bind(null, deps),
    listUserGroups: listUserGroups.bind(null, deps),
  };
}

export type UserService = ReturnType<typeof createUserService>;
