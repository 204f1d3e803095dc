// Neutron's errors, in its own words: every factory returns the platform's one ApiError (codes
// BadRequest, Forbidden, NotFound, Conflict of docs/errors.md) carrying the Neutron exception name,
// which render-neutron.ts puts in NeutronError.type.
import { errors } from '../common/errors/codes.js';
import { ApiError } from '../common/errors/api-error.js';

const NOT_FOUND: Record<string, [type: string, text: (id: string) => string]> = {
  network: ['NetworkNotFound', (id) => `Network ${id} could not be found.`],
  subnet: ['SubnetNotFound', (id) => `Subnet ${id} could not be found.`],
  port: ['PortNotFound', (id) => `Port ${id} could not be found.`],
  router: ['RouterNotFound', (id) => `Router ${id} could not be found.`],
  floatingip: ['FloatingIPNotFound', (id) => `Floating IP ${id} could not be found`],
  security_group: ['SecurityGroupNotFound', (id) => `Security group ${id} does not exist`],
  security_group_rule: ['SecurityGroupRuleNotFound', (id) => `Security group rule ${id} does not exist`],
  subnetpool: ['SubnetPoolNotFound', (id) => `Subnet pool ${id} could not be found.`],
};

/** 400 with Neutron's exception name (`HTTPBadRequest` for webob's own, `InvalidInput`, ...). */
export function badRequest(message: string, neutronType = 'BadRequest'): ApiError {
  return errors.badRequest(message, { internalContext: { neutronType } });
}

/** neutron_lib's BadRequest: "Bad <resource> request: <msg>." */
export function badResourceRequest(resource: string, msg: string): ApiError {
  return badRequest(`Bad ${resource} request: ${msg}.`, 'BadRequest');
}

/** neutron_lib's InvalidInput: "Invalid input for operation: <msg>." */
export function invalidInput(msg: string): ApiError {
  return badRequest(`Invalid input for operation: ${msg}.`, 'InvalidInput');
}

export function conflict(message: string, neutronType: string): ApiError {
  return errors.conflict(message, { internalContext: { neutronType } });
}

/** The 404 Neutron gives for a resource the caller may not see or that does not exist. */
export function notFound(kind: string, id: string): ApiError {
  const known = NOT_FOUND[kind];
  if (!known) return errors.notFound(kind, id);
  const [type, text] = known;
  return new ApiError(404, 'NotFound', text(id), { internalContext: { kind, neutronType: type } });
}

/** A 404 with its own Neutron type and message (RouterInterfaceNotFound...). */
export function notFoundAs(message: string, neutronType: string): ApiError {
  return new ApiError(404, 'NotFound', message, { internalContext: { neutronType } });
}

/**
 * oslo.policy's refusal as Neutron renders it: "rule:create_network is disallowed by policy", or with
 * attribute rules "(rule:create_network and rule:create_network:shared) is disallowed by policy".
 */
export function policyDenied(action: string, attributes: string[] = []): ApiError {
  const rules = [action, ...attributes.map((a) => `${action}:${a}`)].map((r) => `rule:${r}`);
  const what = rules.length === 1 ? (rules[0] as string) : `(${rules.join(' and ')})`;
  return errors.forbidden(`${what} is disallowed by policy`);
}
