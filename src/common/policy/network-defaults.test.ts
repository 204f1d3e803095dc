// Neutron's secure-RBAC defaults with Nuage's deviations (nuage-deviations.ts), proven per persona:
// for create/get/update/delete of each resource, who is allowed on a resource of project p1. Roles are
// as Keystone puts them in a token, with the implied roles expanded (admin → manager → member →
// reader); is_admin / is_reader_admin are identity's cloud admin and cloud reader.
import { describe, expect, it } from 'vitest';
import { defaultPolicyRegistry } from './index.js';
import type { PolicyCredentials, PolicyTarget } from './types.js';

const PERSONAS: Record<string, PolicyCredentials> = {
  reader: { userId: 'u-reader', projectId: 'p1', roles: ['reader'] },
  member: { userId: 'u-member', projectId: 'p1', roles: ['member', 'reader'] },
  manager: { userId: 'u-manager', projectId: 'p1', roles: ['manager', 'member', 'reader'] },
  projectAdmin: { userId: 'u-padmin', projectId: 'p1', roles: ['admin', 'manager', 'member', 'reader'] },
  otherProject: { userId: 'u-other', projectId: 'p2', roles: ['manager', 'member', 'reader'] },
  cloudAdmin: {
    userId: 'u-admin',
    projectId: 'admin',
    roles: ['admin', 'manager', 'member', 'reader'],
    isAdmin: true,
  },
  cloudReader: { userId: 'u-sysreader', systemScope: 'all', roles: ['reader'], isReaderAdmin: true },
  domainAdmin: { userId: 'u-dadmin', domainId: 'd1', roles: ['admin', 'manager', 'member', 'reader'] },
};
type Persona = keyof typeof PERSONAS;

// Targets as Neutron builds them: the resource's attributes plus its parent's owner.
const OWNED = { project_id: 'p1', tenant_id: 'p1', shared: false, 'router:external': false };
const TARGETS: Record<string, PolicyTarget> = {
  network: OWNED,
  subnet: { ...OWNED, 'network:project_id': 'p1' },
  port: { ...OWNED, 'network:project_id': 'p1', device_owner: '' },
  router: OWNED,
  floatingip: OWNED,
  security_group: OWNED,
  security_group_rule: { ...OWNED, 'security_group:project_id': 'p1' },
};

const READERS: Persona[] = ['reader', 'member', 'manager', 'projectAdmin', 'cloudAdmin', 'cloudReader'];
const MEMBERS: Persona[] = ['member', 'manager', 'projectAdmin', 'cloudAdmin'];

const ALLOWED: [string, Persona[]][] = Object.keys(TARGETS).flatMap((resource) => [
  [`create_${resource}`, MEMBERS],
  [`get_${resource}`, READERS],
  [`update_${resource}`, MEMBERS],
  [`delete_${resource}`, MEMBERS],
]);

const enforcer = defaultPolicyRegistry().resolve().get('network')!;

describe('network (Neutron) defaults', () => {
  const rows = ALLOWED.filter(([action]) => action !== 'update_security_group_rule').flatMap(
    ([action, allowed]) =>
      (Object.keys(PERSONAS) as Persona[]).map(
        (persona) => [action, persona, allowed.includes(persona)] as const,
      ),
  );
  it.each(rows)('%s by %s → %s', (action, persona, expected) => {
    const resource = action.replace(/^(create|get|update|delete)_/, '');
    expect(enforcer.enforce(action, PERSONAS[persona]!, TARGETS[resource]!).allowed).toBe(expected);
    // The trace-free decision services use agrees.
    expect(enforcer.allows(action, PERSONAS[persona]!, TARGETS[resource]!)).toBe(expected);
  });

  it("updates a security group rule's description under the delete rule's check (a Nuage addition)", () => {
    expect(enforcer.rules.get('update_security_group_rule')?.check).toBe(
      enforcer.rules.get('delete_security_group_rule')?.check,
    );
  });

  it.each([
    ['create_network:shared', ['cloudAdmin']],
    ['create_network:router:external', ['cloudAdmin']],
    ['create_port:binding:host_id', ['cloudAdmin']],
    ['create_port:mac_address', MEMBERS],
  ] as [string, Persona[]][])('%s is allowed to %o only', (action, allowed) => {
    for (const persona of Object.keys(PERSONAS) as Persona[]) {
      const target = action.startsWith('create_port') ? TARGETS.port! : TARGETS.network!;
      expect(enforcer.enforce(action, PERSONAS[persona]!, target).allowed, persona).toBe(
        allowed.includes(persona),
      );
    }
  });

  it('lets any project read a shared or external network, and no one else write it', () => {
    const shared = { project_id: 'p1', shared: true, 'router:external': false };
    const external = { project_id: 'p1', shared: false, 'router:external': true };
    expect(enforcer.enforce('get_network', PERSONAS.otherProject!, shared).allowed).toBe(true);
    expect(enforcer.enforce('get_network', PERSONAS.otherProject!, external).allowed).toBe(true);
    expect(enforcer.enforce('update_network', PERSONAS.otherProject!, shared).allowed).toBe(false);
  });

  it('lets a member of another project create a port on a shared network', () => {
    const target = { project_id: 'p2', 'network:project_id': 'p1', shared: true };
    expect(enforcer.enforce('create_port', PERSONAS.otherProject!, target).allowed).toBe(true);
    expect(
      enforcer.enforce('create_port', PERSONAS.otherProject!, { ...target, shared: false }).allowed,
    ).toBe(false);
  });

  it('accepts system-scoped tokens as Nuage does, refuses domain-scoped and unscoped ones', () => {
    const system = { userId: 'u-sys', systemScope: 'all', roles: ['admin'], isAdmin: true };
    expect(enforcer.enforce('delete_network', system, OWNED).allowed).toBe(true);
    const domain = { ...PERSONAS.domainAdmin!, isAdmin: true };
    expect(enforcer.enforce('get_network', domain, OWNED).allowed).toBe(false);
    expect(enforcer.enforce('get_network', { roles: ['admin'] }, OWNED).allowed).toBe(false);
  });

  it('keeps the admin role of another project to that project (is_admin is the cloud admin)', () => {
    const foreignAdmin = { ...PERSONAS.projectAdmin!, projectId: 'p2' };
    expect(enforcer.enforce('get_network', foreignAdmin, OWNED).allowed).toBe(false);
    expect(enforcer.enforce('get_network', PERSONAS.cloudReader!, OWNED).allowed).toBe(true);
    expect(enforcer.enforce('update_network', PERSONAS.cloudReader!, OWNED).allowed).toBe(false);
  });

  it('carries the description, scope types and operations of every API rule', () => {
    const rule = enforcer.rules.get('get_port')!;
    expect(rule.scopeTypes).toEqual(['project', 'system']);
    expect(rule.operations).toEqual([
      { method: 'GET', path: '/ports' },
      { method: 'GET', path: '/ports/{id}' },
    ]);
    expect(rule.description).toBe('Get a port');
    for (const r of enforcer.rules.values()) expect(r.description, r.name).not.toBe('');
  });
});
