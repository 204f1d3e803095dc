// The network service's policy decisions, made by the shared policy engine with Neutron's rules
// (src/common/policy/defaults/network-*.ts, operator overrides from `policy.file`). Targets are the
// resource's attributes plus what Neutron adds (`network:project_id`, the network's `shared`).
import type { AuthContext } from '../common/http/context.js';
import type { Enforcer, PolicyTarget } from '../common/policy/index.js';
import { policyCredentials } from '../identity/policy-credentials.js';

export interface NetworkPolicy {
  /** True if the caller passes rule `name` on `target`. */
  allowed(auth: AuthContext, name: string, target: PolicyTarget): boolean;
  /** The attributes among `attributes` whose rule `<action>:<attribute>` exists and refuses the caller. */
  refusedAttributes(
    auth: AuthContext,
    action: string,
    target: PolicyTarget,
    attributes: readonly string[],
  ): string[];
}

export function createNetworkPolicy(enforcer: Enforcer): NetworkPolicy {
  const allowed = (auth: AuthContext, name: string, target: PolicyTarget): boolean =>
    enforcer.allows(name, policyCredentials(auth), target);
  return {
    allowed,
    refusedAttributes(auth, action, target, attributes) {
      return attributes.filter((attribute) => {
        const rule = `${action}:${attribute}`;
        return enforcer.rules.has(rule) && !allowed(auth, rule, target);
      });
    },
  };
}

/** The attributes a body sets to something other than their default (Neutron checks only those). */
export function explicitAttributes(
  body: Record<string, unknown>,
  defaults: Readonly<Record<string, unknown>> = {},
): string[] {
  return Object.keys(body).filter(
    (key) => body[key] !== undefined && !(Object.hasOwn(defaults, key) && body[key] === defaults[key]),
  );
}

/**
 * Neutron's target for a subnet or port: the record with its network's owner (`network:project_id`)
 * and the network's `shared` flag (Neutron's FieldCheck reads `networks:shared` through network_id,
 * and only that field: an external network's subnets stay hidden, as Tempest checks).
 */
export function withNetwork<T extends Record<string, unknown>>(
  rec: T,
  net: Record<string, unknown> | undefined,
): T {
  if (!net) return rec;
  return {
    ...rec,
    'network:project_id': net.project_id,
    shared: net.shared === true,
  };
}
