// Where Nuage's shipped defaults differ from an OpenStack service's, applied as one transformation
// over the upstream tables (which stay as upstream wrote them), so the differences are listed here
// and `nuage policy list` shows the result:
//  1. The cloud admin is identity's decision (admin on the admin project or the system scope,
//     docs/admin-semantics.md), carried as oslo.context's `is_admin`; upstream's `role:admin` would
//     make the admin of any project an admin of every project.
//  2. The cloud reader (reader on the system or the admin project, `is_reader_admin`) reads every
//     project's resources: each top-level get_* rule a project reader passes accepts
//     `rule:context_with_global_access` too.
//  3. Per-service replacements listed with their reason where the tables are registered
//     (e.g. the cloud admin may set a port's binding:profile, which Nuage's tests use as a VM stand-in).
//  4. System-scoped tokens are accepted wherever upstream accepts project scope (Nuage keeps system
//     scope for its cloud admin and reader); domain-scoped tokens stay refused.
import type { RuleDefault } from '../types.js';

export const CLOUD_ADMIN_CHECK = 'is_admin:True';
export const GLOBAL_READER_CHECK = 'is_admin:True or is_reader_admin:True';

/** The rule names an upstream table uses for "cloud admin" and "reads everything". */
export interface BaseRuleNames {
  admin: string;
  globalReader?: string;
  /** Rules whose check Nuage replaces: rule name → check. */
  replaced?: Readonly<Record<string, string>>;
}

export function nuageDefaults(rules: readonly RuleDefault[], names: BaseRuleNames): RuleDefault[] {
  return rules.map((rule) => {
    let { check } = rule;
    const replacement = names.replaced?.[rule.name];
    if (replacement !== undefined) check = replacement;
    else if (rule.name === names.admin) check = CLOUD_ADMIN_CHECK;
    else if (rule.name === names.globalReader) check = GLOBAL_READER_CHECK;
    else if (names.globalReader && /^get_[a-z_]+$/.test(rule.name) && check.includes('role:reader'))
      check = `rule:${names.globalReader} or (${check})`;
    const scopeTypes =
      rule.scopeTypes?.includes('project') && !rule.scopeTypes.includes('system')
        ? [...rule.scopeTypes, 'system' as const]
        : rule.scopeTypes;
    return { ...rule, check, ...(scopeTypes && { scopeTypes }) };
  });
}
