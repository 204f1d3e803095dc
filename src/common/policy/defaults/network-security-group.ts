// Neutron's secure-RBAC policy defaults (security_group.py in neutron/conf/policies,
// neutron master as of 2026-08), as data. Generated from the upstream RuleDefaults; do not edit by hand
// except to follow upstream.
import type { RuleDefault } from '../types.js';
import { ops } from './operations.js';

export const NETWORK_SECURITY_GROUP_RULES: readonly RuleDefault[] = [
  {
    name: 'admin_or_sg_owner',
    check: 'rule:context_is_admin or project_id:%(security_group:project_id)s',
    description: 'Rule for admin or security group owner access',
  },
  {
    name: 'admin_owner_or_sg_owner',
    check: 'rule:owner or rule:admin_or_sg_owner',
    description: 'Rule for resource owner, admin or security group owner access',
  },
  {
    name: 'shared_security_group',
    check: 'field:security_groups:shared=True',
    description: 'Definition of a shared security group',
  },
  {
    name: 'rule_default_sg',
    check: 'field:security_group_rules:belongs_to_default_sg=True',
    description: 'Definition of a security group rule that belongs to the project default security group',
  },
  {
    name: 'create_security_group',
    check: '(rule:admin_only) or (role:member and project_id:%(project_id)s)',
    scopeTypes: ['project'],
    description: 'Create a security group',
    operations: ops('POST /security-groups'),
  },
  {
    name: 'create_security_group:tags',
    check: '(rule:admin_only) or (role:member and project_id:%(project_id)s)',
    scopeTypes: ['project'],
    description: 'Create the security group tags',
    operations: ops('POST /security-groups/{id}/tags'),
  },
  {
    name: 'get_security_group',
    check: '(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_security_group',
    scopeTypes: ['project'],
    description: 'Get a security group',
    operations: ops('GET /security-groups', 'GET /security-groups/{id}'),
  },
  {
    name: 'get_security_group:tags',
    check: '(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_security_group',
    scopeTypes: ['project'],
    description: 'Get the security group tags',
    operations: ops('GET /security-groups/{id}/tags', 'GET /security-groups/{id}/tags/{tag_id}'),
  },
  {
    name: 'update_security_group',
    check: '(rule:admin_only) or (role:member and project_id:%(project_id)s)',
    scopeTypes: ['project'],
    description: 'Update a security group',
    operations: ops('PUT /security-groups/{id}'),
  },
  {
    name: 'update_security_group:tags',
    check: '(rule:admin_only) or (role:member and project_id:%(project_id)s)',
    scopeTypes: ['project'],
    description: 'Update the security group tags',
    operations: ops('PUT /security-groups/{id}/tags', 'PUT /security-groups/{id}/tags/{tag_id}'),
  },
  {
    name: 'delete_security_group',
    check: '(rule:admin_only) or (role:member and project_id:%(project_id)s)',
    scopeTypes: ['project'],
    description: 'Delete a security group',
    operations: ops('DELETE /security-groups/{id}'),
  },
  {
    name: 'delete_security_group:tags',
    check: '(rule:admin_only) or (role:member and project_id:%(project_id)s)',
    scopeTypes: ['project'],
    description: 'Delete the security group tags',
    operations: ops('DELETE /security-groups/{id}/tags', 'DELETE /security-groups/{id}/tags/{tag_id}'),
  },
  {
    name: 'create_security_group_rule',
    check: '(rule:admin_only) or (role:member and rule:sg_owner)',
    scopeTypes: ['project'],
    description: 'Create a security group rule',
    operations: ops('POST /security-group-rules'),
  },
  {
    name: 'get_security_group_rule',
    check: '(rule:admin_only) or (role:reader and rule:sg_owner)',
    scopeTypes: ['project'],
    description: 'Get a security group rule',
    operations: ops('GET /security-group-rules', 'GET /security-group-rules/{id}'),
  },
  {
    name: 'delete_security_group_rule',
    check: '(rule:admin_only) or (role:member and rule:sg_owner)',
    scopeTypes: ['project'],
    description: 'Delete a security group rule',
    operations: ops('DELETE /security-group-rules/{id}'),
  },
];
