// Check semantics, table-driven: each row is a check string, credentials, a target and the decision
// oslo.policy's _checks.py gives for them.
import { describe, expect, it } from 'vitest';
import { PolicyRegistry } from './registry.js';
import type { PolicyCredentials, PolicyTarget } from './types.js';

const MEMBER: PolicyCredentials = {
  userId: 'u1',
  userDomainId: 'd1',
  projectId: 'p1',
  projectDomainId: 'd1',
  roles: ['Member', 'reader'],
};
const SYSTEM_ADMIN: PolicyCredentials = { userId: 'u9', systemScope: 'all', roles: ['admin'], isAdmin: true };
const DOMAIN_ADMIN: PolicyCredentials = { userId: 'u8', domainId: 'd1', roles: ['admin'] };

function enforcerWith(check: string) {
  const registry = new PolicyRegistry();
  registry.registerDefaults('test', [
    { name: 'subject', check, description: 'the rule under test' },
    { name: 'owner', check: 'project_id:%(project_id)s', description: 'owner' },
    { name: 'admin', check: 'role:admin', description: 'admin' },
    { name: 'scoped', check: 'role:member', description: 'project only', scopeTypes: ['project'] },
  ]);
  return registry.resolve().get('test')!;
}

describe('check semantics', () => {
  const rows: [string, PolicyCredentials, PolicyTarget, boolean][] = [
    ['@', MEMBER, {}, true],
    ['!', MEMBER, {}, false],
    ['', MEMBER, {}, true],
    ['role:member', MEMBER, {}, true], // role names compare case-insensitively
    ['role:MEMBER', MEMBER, {}, true],
    ['role:admin', MEMBER, {}, false],
    ['role:%(wanted)s', MEMBER, { wanted: 'reader' }, true],
    ['role:%(wanted)s', MEMBER, {}, false], // a missing target key fails the check
    ['not role:reader', MEMBER, {}, false],
    ['not role:admin', MEMBER, {}, true],
    ['rule:owner', MEMBER, { project_id: 'p1' }, true],
    ['rule:owner', MEMBER, { project_id: 'p2' }, false],
    ['rule:admin or rule:owner', MEMBER, { project_id: 'p2' }, false],
    ['rule:admin or rule:owner', SYSTEM_ADMIN, { project_id: 'p2' }, true],
    ['role:member and project_id:%(project_id)s', MEMBER, { project_id: 'p1' }, true],
    ['role:member and project_id:%(project_id)s', MEMBER, {}, false],
    ['(role:admin or role:reader) and not user_id:u2', MEMBER, {}, true],
    ['is_admin:True', SYSTEM_ADMIN, {}, true],
    ['is_admin:True', MEMBER, {}, false],
    ['system_scope:all', SYSTEM_ADMIN, {}, true],
    ['system_scope:all', MEMBER, {}, false],
    ['domain_id:%(target.domain_id)s', DOMAIN_ADMIN, { 'target.domain_id': 'd1' }, true], // flat key
    ['domain_id:%(target.domain_id)s', DOMAIN_ADMIN, { target: { domain_id: 'd1' } }, true], // nested
    ['domain_id:%(target.domain_id)s', DOMAIN_ADMIN, { target: { domain_id: 'd2' } }, false],
    ['user_domain_id:%(target.user.domain_id)s', MEMBER, { 'target.user.domain_id': 'd1' }, true],
    ['project_id:%(network:project_id)s', MEMBER, { 'network:project_id': 'p1' }, true],
    ["'member':%(role.name)s", MEMBER, { 'role.name': 'member' }, true], // literal left side
    ["'member':%(role.name)s", MEMBER, { 'role.name': 'admin' }, false],
    ['True:%(enabled)s', MEMBER, { enabled: true }, true], // Python str(True)
    ['True:%(enabled)s', MEMBER, { enabled: false }, false],
    ['42:%(n)s', MEMBER, { n: 42 }, true],
    ['user_id:u1', MEMBER, {}, true], // a literal right side
    ['roles:reader', MEMBER, {}, true], // a list credential matches any element
    ['nosuch:x', MEMBER, {}, false],
    ['project_id:%(project_id)s', DOMAIN_ADMIN, { project_id: 'p1' }, false], // absent credential
    ['project_id:%(project_id)s', MEMBER, { project_id: null }, false],
    ['field:networks:shared=True', MEMBER, { shared: true }, true],
    ['field:networks:shared=True', MEMBER, { shared: false }, false],
    ['field:networks:shared=True', MEMBER, {}, false],
    ['field:networks:router:external=True', MEMBER, { 'router:external': true }, true],
    ['field:port:device_owner=~^network:', MEMBER, { device_owner: 'network:dhcp' }, true],
    ['field:port:device_owner=~^network:', MEMBER, { device_owner: 'compute:nova' }, false],
  ];
  it.each(rows)('%j for %o on %o → %s', (check, creds, target, allowed) => {
    expect(enforcerWith(check).enforce('subject', creds, target).allowed).toBe(allowed);
  });

  it('refuses a token whose scope is not among the scope types', () => {
    const enforcer = enforcerWith('@');
    expect(enforcer.enforce('scoped', MEMBER, {}).allowed).toBe(true);
    const decision = enforcer.enforce('scoped', SYSTEM_ADMIN, {});
    expect(decision.allowed).toBe(false);
    expect(decision.trace.detail).toBe('token scope system is not one of [project]');
    expect(enforcer.enforce('scoped', { roles: ['member'] }, {}).trace.detail).toContain('token scope none');
  });

  it('refuses an unregistered rule name', () => {
    expect(() => enforcerWith('@').enforce('nosuch', MEMBER, {})).toThrow(
      'policy rule test:nosuch is not registered',
    );
  });
});

describe('trace', () => {
  it('explains which sub-checks passed and failed, stopping where oslo short-circuits', () => {
    const decision = enforcerWith('rule:admin or (role:member and rule:owner) or role:x').enforce(
      'subject',
      MEMBER,
      {
        project_id: 'p2',
      },
    );
    expect(decision.allowed).toBe(false);
    expect(decision.trace).toEqual({
      check: 'rule:subject',
      result: false,
      children: [
        {
          check: '(rule:admin or (role:member and rule:owner) or role:x)',
          result: false,
          children: [
            {
              check: 'rule:admin',
              result: false,
              children: [
                { check: 'role:admin', result: false, detail: 'role "admin" is not among [member, reader]' },
              ],
            },
            {
              check: '(role:member and rule:owner)',
              result: false,
              children: [
                { check: 'role:member', result: true, detail: 'role "member" is among [member, reader]' },
                {
                  check: 'rule:owner',
                  result: false,
                  children: [
                    {
                      check: 'project_id:%(project_id)s',
                      result: false,
                      detail: 'credential project_id is "p1", wanted "p2"',
                    },
                  ],
                },
              ],
            },
            { check: 'role:x', result: false, detail: 'role "x" is not among [member, reader]' },
          ],
        },
      ],
    });
  });

  it('stops an or at the first success', () => {
    const trace = enforcerWith('role:reader or role:x').enforce('subject', MEMBER, {}).trace;
    expect(trace.children![0]!.children).toHaveLength(1);
  });

  it('names the missing target key', () => {
    const trace = enforcerWith('project_id:%(project_id)s').enforce('subject', MEMBER, {}).trace;
    expect(trace.children![0]!.detail).toBe('target has no "project_id"');
  });
});
