// Parses the body of POST /v3/auth/tokens into a typed AuthRequest. Anything malformed is a Keystone
// 400 ("Invalid input for field ..."), never an exception further down.
import { errors } from '../common/errors/codes.js';

export interface NameOrId {
  id?: string | undefined;
  name?: string | undefined;
  domain?: NameOrId | undefined;
}

export type ScopeRequest =
  | { kind: 'project'; ref: NameOrId }
  | { kind: 'domain'; ref: NameOrId }
  | { kind: 'system' }
  | { kind: 'unscoped' };

export interface AuthRequest {
  methods: string[];
  password?: { user: NameOrId & { password: string } } | undefined;
  totp?: { user: NameOrId & { passcode: string } } | undefined;
  token?: { id: string } | undefined;
  applicationCredential?: (NameOrId & { secret: string; user?: NameOrId | undefined }) | undefined;
  scope?: ScopeRequest | undefined;
  /** The Openstack-Auth-Receipt header: the methods an earlier attempt already proved. */
  receipt?: string | undefined;
}

const MAX_FIELD = 4096;
const SUPPORTED = new Set(['password', 'totp', 'token', 'application_credential']);

function invalid(field: string, why: string): Error {
  return errors.badRequest(`Invalid input for field '${field}': ${why}`);
}

function obj(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(field, 'must be an object');
  return value as Record<string, unknown>;
}

function str(value: unknown, field: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.length === 0 || value.length > MAX_FIELD)
    throw invalid(field, `length must be 1 to ${MAX_FIELD}`);
  return value;
}

function nameOrId(value: unknown, field: string, withDomain: boolean): NameOrId {
  const o = obj(value, field);
  const id = str(o.id, `${field}.id`, true);
  const name = str(o.name, `${field}.name`, true);
  if (id === undefined && name === undefined) throw invalid(field, "requires 'id' or 'name'");
  const domain = withDomain && id === undefined ? nameOrId(o.domain, `${field}.domain`, false) : undefined;
  return { id, name, domain };
}

function parseScope(value: unknown): ScopeRequest | undefined {
  if (value === undefined) return undefined;
  if (value === 'unscoped') return { kind: 'unscoped' };
  const o = obj(value, 'scope');
  if (o.project !== undefined) return { kind: 'project', ref: nameOrId(o.project, 'scope.project', true) };
  if (o.domain !== undefined) return { kind: 'domain', ref: nameOrId(o.domain, 'scope.domain', false) };
  if (o.system !== undefined) {
    const all = obj(o.system, 'scope.system').all;
    // Keystone's parameter_types.boolean: JSON true or one of its true strings.
    if (all !== true && !(typeof all === 'string' && ['true', '1', 'y'].includes(all.toLowerCase())))
      throw invalid('scope.system', "only {'all': true} is supported");
    return { kind: 'system' };
  }
  if (o['OS-TRUST:trust'] !== undefined) throw errors.notImplemented('Trusts are not supported.');
  throw invalid('scope', 'must name a project, a domain or the system');
}

function parseApplicationCredential(identity: Record<string, unknown>): AuthRequest['applicationCredential'] {
  const ac = obj(identity.application_credential, 'identity.application_credential');
  const id = str(ac.id, 'identity.application_credential.id', true);
  const name = str(ac.name, 'identity.application_credential.name', true);
  const secret = str(ac.secret, 'identity.application_credential.secret') as string;
  const user = id === undefined ? nameOrId(ac.user, 'identity.application_credential.user', true) : undefined;
  return { id, name, secret, user };
}

/** One method's section of identity, parsed into the request. */
function parseMethod(request: AuthRequest, identity: Record<string, unknown>, method: string): void {
  if (method === 'password') {
    const user = obj(obj(identity.password, 'identity.password').user, 'identity.password.user');
    const ref = nameOrId(user, 'identity.password.user', true);
    request.password = {
      user: { ...ref, password: str(user.password, 'identity.password.user.password') as string },
    };
  } else if (method === 'totp') {
    const user = obj(obj(identity.totp, 'identity.totp').user, 'identity.totp.user');
    const ref = nameOrId(user, 'identity.totp.user', true);
    request.totp = {
      user: { ...ref, passcode: str(user.passcode, 'identity.totp.user.passcode') as string },
    };
  } else if (method === 'token') {
    request.token = { id: str(obj(identity.token, 'identity.token').id, 'identity.token.id') as string };
  } else {
    request.applicationCredential = parseApplicationCredential(identity);
  }
}

/**
 * Keystone accepts several methods in one request (password + totp for MFA); each names the same user,
 * which the auth service checks.
 */
export function parseAuthRequest(body: unknown, receipt?: string): AuthRequest {
  const auth = obj(obj(body, 'body').auth, 'auth');
  const identity = obj(auth.identity, 'identity');
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw invalid('identity.methods', 'must be a non-empty list of strings');
  }
  const unsupported = methods.find((m) => !SUPPORTED.has(m));
  if (unsupported !== undefined)
    throw errors.unauthorized(`Unsupported authentication method: ${unsupported.slice(0, 64)}`);
  const unique = [...new Set(methods as string[])];
  const request: AuthRequest = { methods: unique, scope: parseScope(auth.scope), receipt };
  for (const method of unique) parseMethod(request, identity, method);
  return request;
}
