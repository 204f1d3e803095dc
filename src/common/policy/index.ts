// The policy engine's public surface: oslo.policy-style rules as data, per-service defaults, operator
// overrides, and enforce() with an explanation. Services are not wired to it yet (issue 16).
import { registerNetworkDefaults } from './defaults/network.js';
import { PolicyRegistry } from './registry.js';

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
