// The shapes the policy engine works on: parsed check trees, rule defaults, credentials and the
// explanation trace. Kept free of logic so every other module can import it.

/** One piece of a `%(key)s` template: literal text, or a key looked up in the target. */
export type TemplatePart = { text: string } | { key: string };

/** A parsed check string, the same tree oslo.policy builds (`_checks.py`). */
export type PolicyCheck =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'and'; checks: PolicyCheck[] }
  | { kind: 'or'; checks: PolicyCheck[] }
  | { kind: 'not'; check: PolicyCheck }
  | { kind: 'rule'; name: string }
  | { kind: 'role'; match: TemplatePart[] }
  /** Neutron's `field:resource:name=value` (`=~regex` matches a regular expression). */
  | { kind: 'field'; resource: string; field: string; value: string; regex?: RegExp }
  /**
   * oslo's GenericCheck: `left:match`. When `left` is a Python literal (`True`, `'member'`, `42`) the
   * rendered match is compared with it; otherwise `left` is a dotted path into the credentials.
   */
  | { kind: 'generic'; left: string; literal?: string; path: string[]; match: TemplatePart[] };

/** How an HTTP operation maps to a rule (oslo.policy's `operations`). */
export interface PolicyOperation {
  method: string;
  path: string;
}

export type ScopeType = 'system' | 'domain' | 'project';

/** A rule as a service ships it (oslo.policy's RuleDefault / DocumentedRuleDefault). */
export interface RuleDefault {
  name: string;
  check: string;
  description: string;
  /** Token scopes the rule accepts; undefined means any scope (base rules used through `rule:`). */
  scopeTypes?: readonly ScopeType[];
  operations?: readonly PolicyOperation[];
}

/**
 * Who is asking, in the terms policy rules use. These become oslo's policy values
 * (`user_id`, `project_id`, `domain_id`, `system_scope`, `roles`, `is_admin`…).
 */
export interface PolicyCredentials {
  userId?: string;
  userDomainId?: string;
  projectId?: string;
  projectDomainId?: string;
  domainId?: string;
  /** `all` for a system-scoped token. */
  systemScope?: string;
  roles: readonly string[];
  /** oslo.context's is_admin: the cloud admin, as the identity service decides it (docs/admin-semantics.md). */
  isAdmin?: boolean;
  /** oslo.context's is_reader_admin: a reader of every project (the cloud reader). */
  isReaderAdmin?: boolean;
  isAdminProject?: boolean;
}

/** Attributes of the object of the operation; keys may contain `:` or `.` (`network:project_id`). */
export type PolicyTarget = Readonly<Record<string, unknown>>;

/** Why a check passed or failed; children are the sub-checks that were evaluated, in order. */
export interface PolicyTrace {
  check: string;
  result: boolean;
  detail?: string;
  children?: PolicyTrace[];
}

export interface PolicyDecision {
  allowed: boolean;
  trace: PolicyTrace;
}
