// The policy engine's public surface: oslo.policy-style rules as data, per-service defaults, operator
// overrides, and enforce() with an explanation. Services check their rules in their service layer.
import { registerNetworkDefaults } from './defaults/network.js';
import { loadOverrideFile } from './override-file.js';
import { type Enforcer, PolicyError, PolicyRegistry } from './registry.js';

export { parseRule, formatCheck, PolicyParseError } from './parser.js';
export { PolicyRegistry, Enforcer, PolicyError, policyValues, tokenScope } from './registry.js';
export type { EffectiveRule, PolicyOverrides } from './registry.js';
export { parseOverrides, loadOverrideFile } from './override-file.js';
export { credentialsFromToken } from './token-credentials.js';
export type * from './types.js';

/** A registry holding every service's shipped defaults. */
export function defaultPolicyRegistry(): PolicyRegistry {
  const registry = new PolicyRegistry();
  registerNetworkDefaults(registry);
  return registry;
}

/**
 * Every service's effective rules: the defaults with the operator's override file (empty: none).
 * @throws PolicyError naming every unknown service or rule and every bad check, so start-up stops.
 */
export function loadPolicy(overrideFile: string): Map<string, Enforcer> {
  return defaultPolicyRegistry().resolve(overrideFile === '' ? {} : loadOverrideFile(overrideFile));
}

/** The enforcer of a registered service (a missing one is a programming error). */
export function enforcerOf(all: ReadonlyMap<string, Enforcer>, service: string): Enforcer {
  const enforcer = all.get(service);
  if (!enforcer) throw new PolicyError(`no policy registered for service "${service}"`);
  return enforcer;
}
