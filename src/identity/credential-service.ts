// Application credentials, stored credentials (/v3/credentials) and EC2 keys, with Keystone's rules: an
// application credential is bound to the creating token's project and may carry only roles that token
// holds; secrets are shown once and stored hashed; credential blobs are stored sealed; an ec2 credential's id
// is the SHA-256 of its access key. Only the owner (or a cloud reader/admin) sees or changes them.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { hashPassword } from '../common/crypto/password-hash.js';
import { randomSecret, sha256Hex } from '../common/crypto/secret-token.js';
import { MAX_PAYLOAD_BYTES, type TokenCipher } from '../common/crypto/token-cipher.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext, RoleRef } from '../common/http/context.js';
import { newHexId } from '../common/ids.js';
import type { CredentialStore, StoredCredential } from './credential-store.js';
import type { ApplicationCredential, Credential } from './model.js';
import { isCloudAdmin, isCloudReader } from './policy.js';
import type { ResourceStore } from './resource-store.js';
import type { RoleResolver } from './role-resolver.js';
import type { UserStore } from './user-store.js';

export interface CredentialServiceDeps {
  credentials: CredentialStore;
  users: UserStore;
  resources: ResourceStore;
  resolver: RoleResolver;
  /** Seals credential blobs at rest; a key repository of its own, never the token keys. */
  sealer: TokenCipher;
  clock: Clock;
}

export interface ApplicationCredentialInput {
  name: string;
  /** Generated when absent or empty; returned once by the create call. */
  secret?: string | undefined;
  description?: string | null | undefined;
  expiresAt?: string | null | undefined;
  roles?: Array<{ id?: string | undefined; name?: string | undefined }> | undefined;
  unrestricted?: boolean | undefined;
}

/** An application credential as the API shows it: its roles named, its secret hash left out. */
export type ApplicationCredentialDetails = Omit<ApplicationCredential, 'secretHash'> & { roles: RoleRef[] };

export interface CredentialInput {
  type: string;
  blob: string;
  /** Defaults to the caller. */
  userId?: string | undefined;
  projectId?: string | null | undefined;
}

export interface CredentialPatch {
  type?: string | undefined;
  blob?: string | undefined;
  projectId?: string | null | undefined;
  /** Only accepted when it names the current owner. */
  userId?: string | undefined;
}

export interface Ec2Credential {
  access: string;
  secret: string;
  userId: string;
  projectId: string;
}

const EC2 = 'ec2';
const APP_CRED_SECRET_BYTES = 64;
const MAX_SECRET_BYTES = 4096;
const EC2_KEY_BYTES = 16;

type Access = 'read' | 'write';

/**
 * The caller may act on userId's credentials: the user themself, or a cloud reader (read) or admin (write).
 * Anyone else learns nothing about the user: 404.
 */
async function requireUserAccess(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
  access: Access,
) {
  if (ctx.userId === userId) return;
  if (!isCloudReader(ctx) || !(await deps.users.getUser(userId))) throw errors.notFound('user', userId);
  if (access === 'write' && !isCloudAdmin(ctx)) throw errors.forbidden();
}

// ---- Application credentials ----

async function detailsOf(
  deps: CredentialServiceDeps,
  a: ApplicationCredential,
): Promise<ApplicationCredentialDetails> {
  const roles: RoleRef[] = [];
  for (const id of a.roleIds) {
    const role = await deps.resolver.roleById(id);
    if (role) roles.push({ id: role.id, name: role.name });
  }
  const { secretHash: _secretHash, ...rest } = a;
  return { ...rest, roles };
}

/** Keystone: the requested roles (by id or name) must all be held by the creating token; none means all. */
function chooseRoles(ctx: AuthContext, requested: ApplicationCredentialInput['roles']): string[] {
  if (!requested || requested.length === 0) return ctx.roles.map((r) => r.id);
  const ids = new Set<string>();
  for (const ref of requested) {
    if (ref.id === undefined && ref.name === undefined)
      throw errors.badRequest('A role needs an id or a name.');
    const held = ctx.roles.find((r) => (ref.id !== undefined ? r.id === ref.id : r.name === ref.name));
    if (!held) {
      throw errors.badRequest(
        'Invalid application credential: Cannot create an application credential with unassigned role.',
      );
    }
    ids.add(held.id);
  }
  return [...ids];
}

/** ISO-8601; a time without a zone is UTC (as in Keystone), never the server's local time. */
function parseExpiry(value: string | null | undefined, now: Date): string | null {
  if (value === undefined || value === null) return null;
  const naive = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value);
  const ms = Date.parse(naive ? `${value}Z` : value);
  if (Number.isNaN(ms))
    throw errors.badRequest(`Invalid input for field 'expires_at': not an ISO 8601 time.`);
  if (ms <= now.getTime())
    throw errors.badRequest('Invalid application credential: the expiration date is in the past.');
  return new Date(ms).toISOString();
}

/** Keystone: a token from a restricted application credential may not manage application credentials. */
async function requireUnrestrictedToken(deps: CredentialServiceDeps, ctx: AuthContext): Promise<void> {
  if (!ctx.applicationCredentialId) return;
  const [own] = await deps.credentials.listApplicationCredentials({ id: ctx.applicationCredentialId });
  if (!own?.unrestricted) {
    throw errors.forbidden(
      "Using method 'application_credential' is not allowed for managing additional application credentials.",
    );
  }
}

async function createApplicationCredential(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
  input: ApplicationCredentialInput,
): Promise<{ applicationCredential: ApplicationCredentialDetails; secret: string }> {
  if (ctx.userId !== userId) {
    await requireUserAccess(deps, ctx, userId, 'write');
    throw errors.forbidden('Cannot create an application credential for another user.');
  }
  await requireUnrestrictedToken(deps, ctx);
  if (ctx.scope.kind !== 'project') {
    throw errors.forbidden('An application credential can only be created with a project-scoped token.');
  }
  const roleIds = chooseRoles(ctx, input.roles);
  const now = deps.clock.now();
  const expiresAt = parseExpiry(input.expiresAt, now);
  if ((await deps.credentials.listApplicationCredentials({ userId, name: input.name })).length > 0) {
    throw errors.conflict(
      `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${input.name}.`,
    );
  }
  // A generated secret never starts with "-", which command-line parsers would take for an option.
  let secret = input.secret || randomSecret(APP_CRED_SECRET_BYTES);
  for (let tries = 0; !input.secret && secret.startsWith('-') && tries < 100; tries += 1) {
    secret = randomSecret(APP_CRED_SECRET_BYTES);
  }
  if (Buffer.byteLength(secret, 'utf8') > MAX_SECRET_BYTES) {
    throw errors.badRequest(
      `Invalid input for field 'secret': it must be at most ${MAX_SECRET_BYTES} bytes.`,
    );
  }
  const appCred: ApplicationCredential = {
    id: newHexId(),
    name: input.name,
    userId,
    projectId: ctx.scope.projectId,
    secretHash: await hashPassword(secret),
    description: input.description ?? '',
    expiresAt,
    unrestricted: input.unrestricted ?? false,
    roleIds,
  };
  await deps.credentials.insertApplicationCredential(appCred, now.toISOString());
  return { applicationCredential: await detailsOf(deps, appCred), secret };
}

async function listApplicationCredentials(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
  name?: string,
): Promise<ApplicationCredentialDetails[]> {
  await requireUserAccess(deps, ctx, userId, 'read');
  const found = await deps.credentials.listApplicationCredentials(
    name === undefined ? { userId } : { userId, name },
  );
  return Promise.all(found.map((a) => detailsOf(deps, a)));
}

/** The credential must belong to the user of the path, whatever the path says (Keystone's owner fix). */
async function ownedApplicationCredential(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
  id: string,
  access: Access,
): Promise<ApplicationCredential> {
  await requireUserAccess(deps, ctx, userId, access);
  const [appCred] = await deps.credentials.listApplicationCredentials({ id });
  if (!appCred || appCred.userId !== userId) throw errors.notFound('application credential', id);
  return appCred;
}

async function deleteApplicationCredential(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
  id: string,
) {
  await ownedApplicationCredential(deps, ctx, userId, id, 'write');
  await requireUnrestrictedToken(deps, ctx);
  // Tokens made from it die at once: token validation requires the credential to exist.
  await deps.credentials.deleteApplicationCredential(id);
}

// ---- Stored credentials ----

const normalType = (type: string): string => (type.toLowerCase() === EC2 ? EC2 : type);

/** An ec2 blob is a JSON object naming the access key and secret; the S3 API needs both. */
function parseEc2Blob(blob: string): { access: string; secret: string } {
  let value: unknown;
  try {
    value = JSON.parse(blob);
  } catch {
    throw errors.badRequest('Invalid blob in credential.');
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof v.access !== 'string' || v.access === '') {
    throw errors.badRequest("Invalid input for field 'access': an ec2 blob needs an access key.");
  }
  if (typeof v.secret !== 'string' || v.secret === '') {
    throw errors.badRequest("Invalid input for field 'secret': an ec2 blob needs a secret.");
  }
  return { access: v.access, secret: v.secret };
}

function sealBlob(deps: CredentialServiceDeps, blob: string): string {
  const bytes = Buffer.from(blob, 'utf8');
  // The sealer refuses (asserts on) anything larger; this makes it the client's error, not a 500.
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    throw errors.badRequest(`Invalid input for field 'blob': it must be at most ${MAX_PAYLOAD_BYTES} bytes.`);
  }
  return deps.sealer.seal(bytes);
}

function credentialOf(deps: CredentialServiceDeps, stored: StoredCredential): Credential {
  const opened = deps.sealer.open(stored.encryptedBlob);
  if (!opened) throw errors.internal(new Error(`the blob of credential ${stored.id} cannot be opened`));
  const { encryptedBlob: _encryptedBlob, ...rest } = stored;
  return { ...rest, blob: Buffer.from(opened).toString('utf8') };
}

async function storedCredential(
  deps: CredentialServiceDeps,
  id: string,
): Promise<StoredCredential | undefined> {
  const [stored] = await deps.credentials.listCredentials({ id });
  return stored;
}

/** A credential the caller may see (owner or cloud reader), else 404; for write, owner or cloud admin (403). */
async function reachableCredential(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  id: string,
  access: Access,
) {
  const stored = await storedCredential(deps, id);
  const owner = stored?.userId === ctx.userId;
  if (!stored || !(owner || isCloudReader(ctx))) throw errors.notFound('credential', id);
  if (access === 'write' && !owner && !isCloudAdmin(ctx)) throw errors.forbidden();
  return stored;
}

/**
 * Keeps ec2 keys usable by the S3 API: the user must hold a role on the project. A caller who is not a
 * cloud reader learns nothing about projects they have no role on.
 */
async function requireRoleOnProject(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
  projectId: string,
) {
  const project = await deps.resources.getProject(projectId);
  const roles = project
    ? await deps.resolver.assignedRoleIds(userId, { kind: 'project', project })
    : new Set();
  if (roles.size > 0) return;
  if (!project || !isCloudReader(ctx)) throw errors.notFound('project', projectId);
  throw errors.badRequest(`User ${userId} has no role on project ${projectId}.`);
}

/** The id a credential must have: for ec2 the SHA-256 of the access key (Keystone's rule), else any. */
async function validCredentialId(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  c: { id?: string | undefined; userId: string; type: string; blob: string; projectId: string | null },
): Promise<string> {
  if (c.type !== EC2) return c.id ?? newHexId();
  const { access } = parseEc2Blob(c.blob);
  if (!c.projectId)
    throw errors.badRequest("Invalid input for field 'project_id': an ec2 credential needs a project.");
  const id = sha256Hex(access);
  if (c.id !== undefined && c.id !== id) {
    throw errors.badRequest(
      'The access key of an ec2 credential cannot be changed: the credential id is its hash.',
    );
  }
  await requireRoleOnProject(deps, ctx, c.userId, c.projectId);
  return id;
}

async function createCredential(deps: CredentialServiceDeps, ctx: AuthContext, input: CredentialInput) {
  const userId = input.userId ?? ctx.userId;
  if (userId !== ctx.userId) {
    if (!isCloudAdmin(ctx)) throw errors.forbidden();
    if (!(await deps.users.getUser(userId))) throw errors.notFound('user', userId);
  }
  const type = normalType(input.type);
  const projectId = input.projectId ?? null;
  const id = await validCredentialId(deps, ctx, { userId, type, blob: input.blob, projectId });
  if (await storedCredential(deps, id)) {
    throw errors.conflict(
      'Conflict occurred attempting to store credential - Duplicate entry found with this id.',
    );
  }
  const stored: StoredCredential = {
    id,
    userId,
    projectId,
    type,
    encryptedBlob: sealBlob(deps, input.blob),
    extra: {},
  };
  await deps.credentials.insertCredential(stored, deps.clock.now().toISOString());
  return credentialOf(deps, stored);
}

async function listCredentials(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  filter: { userId?: string | undefined; type?: string | undefined },
): Promise<Credential[]> {
  const type = filter.type === undefined ? undefined : normalType(filter.type);
  let found: StoredCredential[];
  if (isCloudReader(ctx)) found = await deps.credentials.listCredentials({ userId: filter.userId, type });
  else if (filter.userId !== undefined && filter.userId !== ctx.userId) found = [];
  else found = await deps.credentials.listCredentials({ userId: ctx.userId, type });
  return found.map((c) => credentialOf(deps, c));
}

async function updateCredential(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  id: string,
  patch: CredentialPatch,
) {
  const stored = await reachableCredential(deps, ctx, id, 'write');
  if (patch.userId !== undefined && patch.userId !== stored.userId) {
    throw errors.badRequest('The owner of a credential cannot be changed.');
  }
  const current = credentialOf(deps, stored);
  const type = patch.type === undefined ? current.type : normalType(patch.type);
  const blob = patch.blob ?? current.blob;
  const projectId = patch.projectId !== undefined ? patch.projectId : current.projectId;
  await validCredentialId(deps, ctx, { id, userId: stored.userId, type, blob, projectId });
  const updated: StoredCredential = { ...stored, type, projectId, encryptedBlob: sealBlob(deps, blob) };
  await deps.credentials.updateCredential(updated);
  return credentialOf(deps, updated);
}

async function deleteCredential(deps: CredentialServiceDeps, ctx: AuthContext, id: string): Promise<void> {
  await reachableCredential(deps, ctx, id, 'write');
  await deps.credentials.deleteCredential(id);
}

// ---- EC2 keys (/v3/users/{user_id}/credentials/OS-EC2) ----

/** Stored ec2 blobs were validated on the way in, so one that does not parse now is our bug: 500. */
function ec2Of(deps: CredentialServiceDeps, stored: StoredCredential): Ec2Credential {
  let keys: { access: string; secret: string };
  try {
    keys = parseEc2Blob(credentialOf(deps, stored).blob);
  } catch (err) {
    throw errors.internal(err);
  }
  return { ...keys, userId: stored.userId, projectId: stored.projectId ?? '' };
}

async function createEc2(deps: CredentialServiceDeps, ctx: AuthContext, userId: string, projectId: string) {
  await requireUserAccess(deps, ctx, userId, 'write');
  await requireRoleOnProject(deps, ctx, userId, projectId);
  // Keystone's keys are uuid4().hex: 32 hex digits each.
  const access = randomBytes(EC2_KEY_BYTES).toString('hex');
  const secret = randomBytes(EC2_KEY_BYTES).toString('hex');
  const stored: StoredCredential = {
    id: sha256Hex(access),
    userId,
    projectId,
    type: EC2,
    encryptedBlob: sealBlob(deps, JSON.stringify({ access, secret, trust_id: null })),
    extra: {},
  };
  await deps.credentials.insertCredential(stored, deps.clock.now().toISOString());
  return { access, secret, userId, projectId } satisfies Ec2Credential;
}

async function listEc2(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
): Promise<Ec2Credential[]> {
  await requireUserAccess(deps, ctx, userId, 'read');
  const found = await deps.credentials.listCredentials({ userId, type: EC2 });
  return found.map((c) => ec2Of(deps, c));
}

async function ownedEc2(
  deps: CredentialServiceDeps,
  ctx: AuthContext,
  userId: string,
  access: string,
  how: Access,
) {
  await requireUserAccess(deps, ctx, userId, how);
  const stored = await storedCredential(deps, sha256Hex(access));
  if (!stored || stored.type !== EC2 || stored.userId !== userId) throw errors.notFound('credential', access);
  return stored;
}

async function deleteEc2(deps: CredentialServiceDeps, ctx: AuthContext, userId: string, access: string) {
  const stored = await ownedEc2(deps, ctx, userId, access, 'write');
  await deps.credentials.deleteCredential(stored.id);
}

/**
 * For the S3 API (no caller): the owner, project and secret of an access key, or undefined. The caller
 * still has to check that the user is enabled and holds a role on the project when a request arrives.
 */
async function findEc2ByAccess(deps: CredentialServiceDeps, access: string) {
  const stored = await storedCredential(deps, sha256Hex(access));
  if (!stored || stored.type !== EC2 || stored.projectId === null) return undefined;
  const ec2 = ec2Of(deps, stored);
  if (ec2.access !== access) return undefined;
  return { userId: ec2.userId, projectId: ec2.projectId, secret: ec2.secret };
}

/**
 * The credential service. Each operation is a module-level function of its dependencies (which keeps every
 * function within the size limit); the service binds them. Example:
 * `const { secret } = await credentials.createApplicationCredential(ctx, ctx.userId, { name: 'ci' })`.
 */
export function createCredentialService(deps: CredentialServiceDeps) {
  return {
    createApplicationCredential: createApplicationCredential.bind(null, deps),
    listApplicationCredentials: listApplicationCredentials.bind(null, deps),
    getApplicationCredential: async (ctx: AuthContext, userId: string, id: string) =>
      detailsOf(deps, await ownedApplicationCredential(deps, ctx, userId, id, 'read')),
    deleteApplicationCredential: deleteApplicationCredential.bind(null, deps),

    createCredential: createCredential.bind(null, deps),
    listCredentials: listCredentials.bind(null, deps),
    getCredential: async (ctx: AuthContext, id: string): Promise<Credential> =>
      credentialOf(deps, await reachableCredential(deps, ctx, id, 'read')),
    updateCredential: updateCredential.bind(null, deps),
    deleteCredential: deleteCredential.bind(null, deps),

    createEc2: createEc2.bind(null, deps),
    listEc2: listEc2.bind(null, deps),
    getEc2: async (ctx: AuthContext, userId: string, access: string): Promise<Ec2Credential> =>
      ec2Of(deps, await ownedEc2(deps, ctx, userId, access, 'read')),
    deleteEc2: deleteEc2.bind(null, deps),
    findEc2ByAccess: (
      access: string,
    ): Promise<{ userId: string; projectId: string; secret: string } | undefined> =>
      findEc2ByAccess(deps, access),
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
