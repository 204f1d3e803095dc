// Security groups and their rules. Each project gets a `default` group on first use: egress allowed
// for IPv4 and IPv6, ingress only from members of the same group.
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  badRequest,
  callerProject,
  canSee,
  conflict,
  isAdmin,
  notFound,
  ownerFor,
  standardAttrs,
  touch,
  visible,
  type NetContext,
} from './context.js';
import { cidrText, parseCidr } from './ipam.js';
import type { Rec } from './network-store.js';
import type { QuotaService } from './quota-service.js';

const PROTOCOLS: Record<string, number> = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  icmpv6: 58,
  'ipv6-icmp': 58,
  sctp: 132,
  gre: 47,
  esp: 50,
  ah: 51,
};
const PORTED = new Set(['tcp', 'udp', 'sctp', '6', '17', '132']);

function normalizeProtocol(p: unknown): string | null {
  if (p === null || p === undefined || p === 'any' || p === '') return null;
  const text = String(p).toLowerCase();
  if (text in PROTOCOLS) return text;
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return text;
  throw badRequest(`Security group rule protocol ${text} not supported.`, 'SecurityGroupRuleInvalidProtocol');
}

function portValue(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw badRequest(`Invalid value for port ${String(v)}.`, 'SecurityGroupInvalidPortValue');
  return n;
}

function validateRule(body: Record<string, unknown>) {
  const direction = body.direction;
  if (direction !== 'ingress' && direction !== 'egress')
    throw badRequest("Invalid input: 'direction' must be ingress or egress.", 'InvalidInput');
  const ethertype = body.ethertype ?? 'IPv4';
  if (ethertype !== 'IPv4' && ethertype !== 'IPv6')
    throw badRequest(`Invalid ethertype ${String(ethertype)}.`, 'SecurityGroupRuleInvalidEtherType');
  const protocol = normalizeProtocol(body.protocol);
  const min = portValue(body.port_range_min);
  const max = portValue(body.port_range_max);
  if ((min !== null || max !== null) && protocol === null)
    throw badRequest(
      'Must also specify protocol if port range is given.',
      'SecurityGroupProtocolRequiredWithPorts',
    );
  if (protocol !== null && PORTED.has(protocol) && min !== null && max !== null && min > max)
    throw badRequest(
      'For TCP/UDP protocols, port_range_min must be <= port_range_max',
      'SecurityGroupInvalidPortRange',
    );
  let prefix: string | null = null;
  if (body.remote_ip_prefix !== undefined && body.remote_ip_prefix !== null) {
    const cidr = parseCidr(String(body.remote_ip_prefix));
    if (!cidr)
      throw badRequest(
        `Invalid input: '${String(body.remote_ip_prefix)}' is not a valid IP prefix.`,
        'InvalidInput',
      );
    if ((cidr.version === 4 ? 'IPv4' : 'IPv6') !== ethertype)
      throw badRequest(
        `Conflicting value ethertype ${ethertype} for CIDR ${String(body.remote_ip_prefix)}`,
        'SecurityGroupRuleParameterConflict',
      );
    prefix = cidrText(cidr);
  }
  const group = typeof body.remote_group_id === 'string' ? body.remote_group_id : null;
  if (prefix !== null && group !== null)
    throw badRequest(
      'Only remote_ip_prefix or remote_group_id may be provided.',
      'SecurityGroupRemoteGroupAndRemoteIpPrefix',
    );
  return {
    direction,
    ethertype,
    protocol,
    port_range_min: min,
    port_range_max: max,
    remote_ip_prefix: prefix,
    remote_group_id: group,
  };
}

type RuleFields = ReturnType<typeof validateRule>;
const SAME = [
  'direction',
  'ethertype',
  'protocol',
  'port_range_min',
  'port_range_max',
  'remote_ip_prefix',
  'remote_group_id',
] as const;

export function createSecurityGroupService(ctx: NetContext, quotas: QuotaService) {
  async function insertRule(group: Rec, fields: RuleFields, description?: unknown): Promise<Rec> {
    const rule: Rec = {
      ...standardAttrs(ctx.clock, group.project_id, description),
      security_group_id: group.id,
      ...fields,
      remote_address_group_id: null,
      normalized_cidr: fields.remote_ip_prefix,
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
  ): Promise<Rec> {
    const group: Rec = {
      ...standardAttrs(ctx.clock, projectId, description),
      name,
      stateful: true,
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
    const groups = isAdmin(auth)
      ? await ctx.store.list('security_group')
      : await ctx.store.list('security_group', { projectIds: [own] });
    return Promise.all(groups.map(withRules));
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    return withRules(await visible(ctx, auth, 'security_group', id, 'security_group'));
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const projectId = ownerFor(auth, body);
    const name = typeof body.name === 'string' ? body.name : '';
    return ctx.exclusive(async () => {
      await ensureDefault(projectId);
      if (name === 'default')
        throw conflict('Default security group already exists.', 'SecurityGroupDefaultAlreadyExists');
      await quotas.check(projectId, 'security_group');
      return withRules(await createGroup(projectId, name, body.description, false));
    });
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    return ctx.exclusive(async () => {
      const group = await visible(ctx, auth, 'security_group', id, 'security_group');
      if (group.name === 'default' && body.name !== undefined && body.name !== 'default')
        throw conflict('Updating default security group not allowed.', 'SecurityGroupCannotUpdateDefault');
      assign(group, body, ['name', 'description']);
      await ctx.store.update(touch(ctx.clock, group));
      return withRules(group);
    });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const group = await visible(ctx, auth, 'security_group', id, 'security_group');
      if (group.name === 'default' && !isAdmin(auth))
        throw conflict('Removing default security group not allowed.', 'SecurityGroupCannotRemoveDefault');
      const ports = await ctx.store.list('port');
      if (ports.some((p) => (p.security_groups as string[]).includes(id)))
        throw conflict(`Security Group ${id} in use.`, 'SecurityGroupInUse');
      for (const rule of await ctx.store.list('security_group_rule', { parentId: id }))
        await ctx.store.remove(rule.id);
      await ctx.store.remove(id);
    });
    await ctx.changed();
  }

  async function createRule(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const groupId = String(body.security_group_id ?? '');
    const rule = await ctx.exclusive(async () => {
      await ensureDefault(callerProject(auth));
      const group = await visible(ctx, auth, 'security_group', groupId, 'security_group');
      const fields = validateRule(body);
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
    return rules.filter((r) => canSee(auth, r));
  }

  async function getRule(auth: AuthContext, id: string): Promise<Rec> {
    return visible(ctx, auth, 'security_group_rule', id, 'security_group_rule');
  }

  async function removeRule(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const rule = await visible(ctx, auth, 'security_group_rule', id, 'security_group_rule');
      await ctx.store.remove(rule.id);
    });
    await ctx.changed();
  }

  /** Checks that every id names a group the caller may use; 404 otherwise. */
  async function checkUsable(auth: AuthContext, ids: string[]): Promise<void> {
    for (const id of ids) {
      const g = await ctx.store.get('security_group', id);
      if (!g || !canSee(auth, g)) throw notFound('security_group', id);
    }
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
    removeRule,
    ensureDefault,
    checkUsable,
  };
}

export type SecurityGroupService = ReturnType<typeof createSecurityGroupService>;
