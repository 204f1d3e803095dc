// Neutron's secure-RBAC policy defaults (subnetpool.py, quotas.py, auto_allocated_topology.py in
// neutron/conf/policies, neutron master as of 2026-08), as data. Written from the upstream
// RuleDefaults; do not edit by hand except to follow upstream.
import type { RuleDefault } from '../types.js';
import { ops } from './operations.js';

const ADMIN = 'rule:admin_only';
const ADMIN_OR_PROJECT_MEMBER = '(rule:admin_only) or (role:member and project_id:%(project_id)s)';
const ADMIN_OR_PROJECT_READER = '(rule:admin_only) or (role:reader and project_id:%(project_id)s)';
const PROJECT: RuleDefault['scopeTypes'] = ['project'];

export const NETWORK_POOL_QUOTA_RULES: readonly RuleDefault[] = [
  {
    name: 'shared_subnetpools',
    check: 'field:subnetpools:shared=True',
    description: 'Definition of a shared subnetpool',
  },
  {
    name: 'create_subnetpool',
    check: ADMIN_OR_PROJECT_MEMBER,
    scopeTypes: PROJECT,
    description: 'Create a subnetpool',
    operations: ops('POST /subnetpools'),
  },
  {
    name: 'create_subnetpool:shared',
    check: ADMIN,
    scopeTypes: PROJECT,
    description: 'Create a shared subnetpool',
    operations: ops('POST /subnetpools'),
  },
  {
    name: 'create_subnetpool:is_default',
    check: ADMIN,
    scopeTypes: PROJECT,
    description: 'Specify ``is_default`` attribute when creating a subnetpool',
    operations: ops('POST /subnetpools'),
  },
  {
    name: 'get_subnetpool',
    check: `${ADMIN_OR_PROJECT_READER} or rule:shared_subnetpools`,
    scopeTypes: PROJECT,
    description: 'Get a subnetpool',
    operations: ops('GET /subnetpools', 'GET /subnetpools/{id}'),
  },
  {
    name: 'update_subnetpool',
    check: ADMIN_OR_PROJECT_MEMBER,
    scopeTypes: PROJECT,
    description: 'Update a subnetpool',
    operations: ops('PUT /subnetpools/{id}'),
  },
  {
    name: 'update_subnetpool:is_default',
    check: ADMIN,
    scopeTypes: PROJECT,
    description: 'Update ``is_default`` attribute of a subnetpool',
    operations: ops('PUT /subnetpools/{id}'),
  },
  {
    name: 'delete_subnetpool',
    check: ADMIN_OR_PROJECT_MEMBER,
    scopeTypes: PROJECT,
    description: 'Delete a subnetpool',
    operations: ops('DELETE /subnetpools/{id}'),
  },
  {
    name: 'get_quota',
    check: ADMIN_OR_PROJECT_READER,
    scopeTypes: PROJECT,
    description: 'Get a resource quota',
    operations: ops('GET /quota', 'GET /quota/{id}'),
  },
  {
    name: 'update_quota',
    check: ADMIN,
    scopeTypes: PROJECT,
    description: 'Update a resource quota',
    operations: ops('PUT /quota/{id}'),
  },
  {
    name: 'delete_quota',
    check: ADMIN,
    scopeTypes: PROJECT,
    description: 'Delete a resource quota',
    operations: ops('DELETE /quota/{id}'),
  },
  {
    name: 'get_auto_allocated_topology',
    check: ADMIN_OR_PROJECT_MEMBER,
    scopeTypes: PROJECT,
    description: "Get a project's auto-allocated topology",
    operations: ops('GET /auto-allocated-topology/{project_id}'),
  },
  {
    name: 'delete_auto_allocated_topology',
    check: ADMIN_OR_PROJECT_MEMBER,
    scopeTypes: PROJECT,
    description: "Delete a project's auto-allocated topology",
    operations: ops('DELETE /auto-allocated-topology/{project_id}'),
  },
];
