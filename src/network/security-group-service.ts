// Security groups and their rules. Each project gets a `default` group on first use: egress allowed
// for IPv4 and IPv6, ingress only from members of the same group.
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  bool,
  callerProject,
  canSee,
  conflict,
  isAdmin,
  notFound,
  ownerFor,
  requirePolicy,
  requireWrite,
  standardAttrs,
  touch,
  visible,
  type NetContext,
} from './context.js';
import type { Rec } from './network-store.js';
import type { QuotaService } from './quota-service.js';
import { checkRule, type RuleFields } from './sg-rule-validation.js';

const SAME = [
  'direction',
  'ethertype',
  'protocol',
  'port_range_min',
  'port_range_max',
  'remote_ip_prefix',
  'remote_group_id',
] as const;

/** The rule fields of a converted create body, defaults filled in. */
function ruleFields(body: Record<string, unknown>): RuleFields {
  return {
    direction: body.direction as RuleFields['direction'],
    ethertype: (body.ethertype as RuleFields['ethertype'] | undefined) ?? 'IPv4',
    protocol: (body.protocol as string | null | undefined) ?? null,
    port_range_min: (body.port_range_min as number | null | undefined) ?? null,
    port_range_max: (body.port_range_max as number | null | undefined) ?? null,
    remote_ip_prefix: (body.remote_ip_prefix as string | null | undefined) ?? null,
    remote_group_id: (body.remote_group_id as string | null | undefined) ?? null,
  };
}

/** Neutron's target for a rule: the rule with its group's owner (`security_group:project_id`). */
function ruleTarget<T extends Record<string, unknown>>(rule: T, group: Rec | undefined | null): T {
  return group ? { ...rule, 'security_group:project_id': group.project_id } : rule;
}

/** A rule the caller may see (get_security_group_rule), else Neutron's 404; with its policy target. */
async function visibleRule(ctx: NetContext, auth: AuthContext, id: string) {
  const rule = await ctx.store.get('security_group_rule', id);
  const group = rule && (await ctx.store.get('security_group', String(rule.security_group_id)));
  const target = rule && ruleTarget(rule, group);
  if (!rule || !target || !canSee(ctx, auth, 'security_group_rule', target))
    throw notFound('security_group_rule', id);
  return { rule, target };
}

export function createSecurityGroupService(ctx: NetContext, quotas: QuotaService) {
  async function insertRule(group: Rec, fields: RuleFields, description?: unknown): Promise<Rec> {
    const checked = checkRule(fields);
    const rule: Rec = {
      ...standardAttrs(ctx.clock, group.project_id, description),
      security_group_id: group.id,
      ...checked,
      remote_address_group_id: null,
      belongs_to_default_sg: group.name === 'default',
    };
    await ctx.store.insert(
      'security_group_rule',
      rule,
      { parentId: group.id },
      ctx.clock.now().toISOString(),
    );
    return rule;
  }

  async function createGroup(
    projectId: string,
    name: string,
    description: unknown,
    withDefaults: boolean,
    stateful = true,
  ): Promise<Rec> {
    const group: Rec = {
      ...standardAttrs(ctx.clock, projectId, description),
      name,
      stateful,
      shared: false,
    };
    await ctx.store.insert('security_group', group, {}, ctx.clock.now().toISOString());
    const base = { protocol: null, port_range_min: null, port_range_max: null, remote_ip_prefix: null };
    for (const ethertype of ['IPv4', 'IPv6'] as const) {
      await insertRule(group, { ...base, direction: 'egress', ethertype, remote_group_id: null });
      if (name === 'default' && withDefaults)
        await insertRule(group, { ...base, direction: 'ingress', ethertype, remote_group_id: group.id });
    }
    return group;
  }

  /** The project's default group, created on first use. Callers hold the lock. */
  async function ensureDefault(projectId: string): Promise<Rec | undefined> {
    if (projectId === '') return undefined;
    const groups = await ctx.store.list('security_group', { projectIds: [projectId] });
    return (
      groups.find((g) => g.name === 'default') ??
      createGroup(projectId, 'default', 'Default security group', true)
    );
  }

  async function withRules(group: Rec): Promise<Rec> {
    return {
      ...group,
      security_group_rules: await ctx.store.list('security_group_rule', { parentId: group.id }),
    };
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    const own = callerProject(auth);
    await ctx.exclusive(() => ensureDefault(own));
    const groups = (await ctx.store.list('security_group')).filter((g) =>
      canSee(ctx, auth, 'security_group', g),
    );
    return Promise.all(groups.map(withRules));
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    return withRules(await visible(ctx, auth, 'security_group', id, 'security_group'));
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const projectId = ownerFor(auth, body);
    requirePolicy(ctx, auth, 'create_security_group', {
      ...body,
      project_id: projectId,
      tenant_id: projectId,
    });
    const name = typeof body.name === 'string' ? body.name : '';
    return ctx.exclusive(async () => {
      await ensureDefault(projectId);
      if (name.toLowerCase() === 'default')
        throw conflict('Default security group already exists.', 'SecurityGroupDefaultAlreadyExists');
      await quotas.check(projectId, 'security_group');
      return withRules(
        await createGroup(projectId, name, body.description, false, bool(body.stateful, true)),
      );
    });
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    return ctx.exclusive(async () => {
      const group = await visible(ctx, auth, 'security_group', id, 'security_group');
      requireWrite(ctx, auth, 'update_security_group', 'security_group', group);
      if (group.name === 'default' && body.name !== undefined && body.name !== 'default')
        throw conflict('Updating default security group not allowed.', 'SecurityGroupCannotUpdateDefault');
      if (group.name !== 'default' && String(body.name ?? '').toLowerCase() === 'default')
        throw conflict('Default security group already exists.', 'SecurityGroupDefaultAlreadyExists');
      if (body.stateful !== undefined && body.stateful !== group.stateful && (await inUse(id)))
        throw conflict(`Security Group ${id} in use.`, 'SecurityGroupInUse');
      assign(group, body, ['name', 'description', 'stateful']);
      await ctx.store.update(touch(ctx.clock, group));
      return withRules(group);
    });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const group = await visible(ctx, auth, 'security_group', id, 'security_group');
      requireWrite(ctx, auth, 'delete_security_group', 'security_group', group);
      if (group.name === 'default' && !isAdmin(auth))
        throw conflict(
          'Insufficient rights for removing default security group.',
          'SecurityGroupCannotRemoveDefault',
        );
      if (await inUse(id)) throw conflict(`Security Group ${id} in use.`, 'SecurityGroupInUse');
      for (const rule of await ctx.store.list('security_group_rule', { parentId: id }))
        await ctx.store.remove(rule.id);
      await ctx.store.remove(id);
    });
    await ctx.changed();
  }

  async function inUse(groupId: string): Promise<boolean> {
    const ports = await ctx.store.list('port');
    return ports.some((p) => (p.security_groups as string[]).includes(groupId));
  }

  async function createRule(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const groupId = String(body.security_group_id ?? '');
    const rule = await ctx.exclusive(async () => {
      await ensureDefault(callerProject(auth));
      const group = await visible(ctx, auth, 'security_group', groupId, 'security_group');
      const fields = checkRule(ruleFields(body));
      requirePolicy(
        ctx,
        auth,
        'create_security_group_rule',
        ruleTarget({ ...fields, project_id: group.project_id }, group),
      );
      if (fields.remote_group_id !== null)
        await visible(ctx, auth, 'security_group', fields.remote_group_id, 'security_group');
      const existing = await ctx.store.list('security_group_rule', { parentId: groupId });
      const dup = existing.find((r) => SAME.every((k) => r[k] === fields[k]));
      if (dup)
        throw conflict(
          `Security group rule already exists. Rule id is ${dup.id}.`,
          'SecurityGroupRuleExists',
        );
      await quotas.check(group.project_id, 'security_group_rule');
      return insertRule(group, fields, body.description);
    });
    await ctx.changed();
    return rule;
  }

  async function listRules(auth: AuthContext): Promise<Rec[]> {
    const rules = await ctx.store.list('security_group_rule');
    const groups = new Map((await ctx.store.list('security_group')).map((g) => [g.id, g]));
    return rules.filter((r) =>
      canSee(ctx, auth, 'security_group_rule', ruleTarget(r, groups.get(String(r.security_group_id)))),
    );
  }

  async function getRule(auth: AuthContext, id: string): Promise<Rec> {
    return (await visibleRule(ctx, auth, id)).rule;
  }

  /** Only the description of a rule changes (the API refuses every other attribute as read-only). */
  async function updateRule(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    return ctx.exclusive(async () => {
      const { rule, target } = await visibleRule(ctx, auth, id);
      requireWrite(ctx, auth, 'update_security_group_rule', 'security_group_rule', target);
      assign(rule, body, ['description']);
      await ctx.store.update(touch(ctx.clock, rule));
      return rule;
    });
  }

  async function removeRule(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const { rule, target } = await visibleRule(ctx, auth, id);
      requireWrite(ctx, auth, 'delete_security_group_rule', 'security_group_rule', target);
      await ctx.store.remove(rule.id);
    });
    await ctx.changed();
  }

  /** Checks that every id names a group the caller may use (404 otherwise), all stateful or all not. */
  async function checkUsable(auth: AuthContext, ids: string[]): Promise<void> {
    const stateful = new Set<boolean>();
    for (const id of ids) {
      const g = await ctx.store.get('security_group', id);
      if (!g || !canSee(ctx, auth, 'security_group', g)) throw notFound('security_group', id);
      stateful.add(g.stateful !== false);
    }
    if (stateful.size > 1)
      throw conflict(
        'Error Cannot apply both stateful and stateless security groups on the same port at the same time while attempting the operation.',
        'SecurityGroupConflict',
      );
  }

  return {
    list,
    get,
    create,
    update,
    remove,
    createRule,
    listRules,
    getRule,
    updateRule,
    removeRule,
    ensureDefault,
    checkUsable,
  };
}

export type SecurityGroupService = ReturnType<typeof createSecurityGroupService>;
