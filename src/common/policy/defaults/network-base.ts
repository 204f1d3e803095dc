// Neutron's secure-RBAC policy defaults (base.py in neutron/conf/policies,
// neutron master as of 2026-08), as data. Generated from the upstream RuleDefaults; do not edit by hand
// except to follow upstream.
import type { RuleDefault } from '../types.js';

export const NETWORK_BASE_RULES: readonly RuleDefault[] = [
  { name: 'context_is_admin', check: 'role:admin', description: 'Rule for cloud admin access' },
  {
    name: 'context_with_global_access',
    check: '!',
    description: 'Rule for context with global access to the resources',
  },
  {
    name: 'service_api',
    check: 'role:service',
    description: 'Default rule for the service-to-service APIs.',
  },
  { name: 'owner', check: 'project_id:%(project_id)s', description: 'Rule for resource owner access' },
  {
    name: 'admin_or_owner',
    check: 'rule:context_is_admin or rule:owner',
    description: 'Rule for admin or owner access',
  },
  { name: 'context_is_advsvc', check: 'role:advsvc', description: 'Rule for advsvc role access' },
  {
    name: 'admin_or_network_owner',
    check: 'rule:context_is_admin or project_id:%(network:project_id)s',
    description: 'Rule for admin or network owner access',
  },
  {
    name: 'admin_owner_or_network_owner',
    check: 'rule:owner or rule:admin_or_network_owner',
    description: 'Rule for resource owner, admin or network owner access',
  },
  {
    name: 'network_owner',
    check: 'project_id:%(network:project_id)s',
    description: 'Rule for network owner access',
  },
  { name: 'admin_only', check: 'rule:context_is_admin', description: 'Rule for admin-only access' },
  { name: 'regular_user', check: '', description: 'Rule for regular user access' },
  { name: 'shared', check: 'field:networks:shared=True', description: 'Rule of shared network' },
  { name: 'default', check: 'rule:admin_or_owner', description: 'Default access rule' },
  {
    name: 'admin_or_ext_parent_owner',
    check: 'rule:context_is_admin or project_id:%(ext_parent:project_id)s',
    description: 'Rule for common parent owner check',
  },
  {
    name: 'ext_parent_owner',
    check: 'project_id:%(ext_parent:project_id)s',
    description: 'Rule for common parent owner check',
  },
  {
    name: 'sg_owner',
    check: 'project_id:%(security_group:project_id)s',
    description: 'Rule for security group owner access',
  },
];
