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
  token?: { id: string } | undefined;
  applicationCredential?: (NameOrId & { secret: string; user?: NameOrId | undefined }) | undefined;
  scope?: ScopeRequest | undefined;
}

const MAX_FIELD = 4096;
const SUPPORTED = new Set(['password', 'token', 'application_credential']);

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

export function parseAuthRequest(body: unknown): AuthRequest {
  const auth = obj(obj(body, 'body').auth, 'auth');
  const identity = obj(auth.identity, 'identity');
  const methods = identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw invalid('identity.methods', 'must be a non-empty list of strings');
  }
  const unsupported = methods.find((m) => !SUPPORTED.has(m));
  if (unsupported !== undefined)
    throw errors.unauthorized(`Unsupported authentication method: ${unsupported.slice(0, 64)}`);
  if (methods.length > 1) throw errors.unauthorized('Multi-method authentication is not supported.');
  const request: AuthRequest = { methods: methods as string[], scope: parseScope(auth.scope) };
  if (methods[0] === 'password') {
    const user = obj(obj(identity.password, 'identity.password').user, 'identity.password.user');
    const ref = nameOrId(user, 'identity.password.user', true);
    request.password = {
      user: { ...ref, password: str(user.password, 'identity.password.user.password') as string },
    };
  } else if (methods[0] === 'token') {
    request.token = { id: str(obj(identity.token, 'identity.token').id, 'identity.token.id') as string };
  } else {
    const ac = obj(identity.application_credential, 'identity.application_credential');
    const id = str(ac.id, 'identity.application_credential.id', true);
    const name = str(ac.name, 'identity.application_credential.name', true);
    const secret = str(ac.secret, 'identity.application_credential.secret') as string;
    const user =
      id === undefined ? nameOrId(ac.user, 'identity.application_credential.user', true) : undefined;
    request.applicationCredential = { id, name, secret, user };
  }
  return request;
}
