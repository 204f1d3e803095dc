// Subnet pools (subnet_allocation): a set of prefixes of one IP version with prefix-length bounds, from
// which subnets take a CIDR — a requested one if it is free, or the first free block of a length.
// Prefixes may only grow; a pool with subnets cannot be deleted.
import { explicitAttributes } from './network-policy.js';
import type { AuthContext } from '../common/http/context.js';
import {
  assign,
  bool,
  canSee,
  notFound,
  ownerFor,
  requirePolicy,
  requireWrite,
  standardAttrs,
  touch,
  type NetContext,
} from './context.js';
import { badRequest, badResourceRequest, conflict, invalidInput } from './errors.js';
import { parseCidr, type Cidr } from './ipam.js';
import type { Rec } from './network-store.js';
import {
  allocateAny,
  compactPrefixes,
  coveredBy,
  rangeOf,
  subtractRanges,
  type Range,
} from './prefix-set.js';

const UPDATABLE = [
  'name',
  'description',
  'default_quota',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'is_default',
];
const DEFAULT_MIN: Record<4 | 6, number> = { 4: 8, 6: 64 };
const BITS: Record<4 | 6, number> = { 4: 32, 6: 128 };
/** default_quota counts addresses in units of /32 (IPv4) or /64 (IPv6). */
const QUOTA_UNIT: Record<4 | 6, number> = { 4: 32, 6: 64 };

export interface SubnetRequest {
  projectId: string;
  ipVersion: 4 | 6;
  cidr?: Cidr;
  prefixLength?: number;
}

function versionOf(prefixes: string[]): 4 | 6 {
  if (prefixes.length === 0) throw badRequest('Empty subnet pool prefix list.', 'EmptySubnetPoolPrefixList');
  const versions = new Set(prefixes.map((p) => parseCidr(p)?.version));
  if (versions.size > 1)
    throw badRequest('Cannot mix IPv4 and IPv6 prefixes in a subnet pool.', 'PrefixVersionMismatch');
  return [...versions][0] as 4 | 6;
}

function bounds(rec: Rec): void {
  const version = rec.ip_version as 4 | 6;
  const [min, max, dflt] = [rec.min_prefixlen, rec.max_prefixlen, rec.default_prefixlen] as number[];
  const illegal = (type: string, len: number, base: string, baseLen: number) =>
    badRequest(`Illegal prefix bounds: ${type}=${len}, ${base}=${baseLen}.`, 'IllegalSubnetPoolPrefixBounds');
  if ((min as number) > (max as number))
    throw illegal('min_prefixlen', min as number, 'max_prefixlen', max as number);
  if ((max as number) > BITS[version])
    throw illegal('max_prefixlen', max as number, 'ip_version_max', BITS[version]);
  if ((dflt as number) < (min as number))
    throw illegal('default_prefixlen', dflt as number, 'min_prefixlen', min as number);
  if ((dflt as number) > (max as number))
    throw illegal('default_prefixlen', dflt as number, 'max_prefixlen', max as number);
}

const rangesOf = (cidrs: string[]) => cidrs.map((c) => rangeOf(parseCidr(c) as Cidr));

export function createSubnetPoolService(ctx: NetContext) {
  function visibleTo(auth: AuthContext, rec: Rec): boolean {
    return canSee(ctx, auth, 'subnetpool', rec);
  }

  async function get(auth: AuthContext, id: string): Promise<Rec> {
    const rec = await ctx.store.get('subnetpool', id);
    if (!rec || !visibleTo(auth, rec)) throw notFound('subnetpool', id);
    return rec;
  }

  async function list(auth: AuthContext): Promise<Rec[]> {
    return (await ctx.store.list('subnetpool')).filter((p) => visibleTo(auth, p));
  }

  async function checkOneDefault(rec: Rec): Promise<void> {
    if (rec.is_default !== true) return;
    const others = (await ctx.store.list('subnetpool')).filter(
      (p) => p.id !== rec.id && p.is_default === true && p.ip_version === rec.ip_version,
    );
    if (others.length > 0)
      throw invalidInput(
        `A default subnetpool for this IP family has already been set. Only one default may exist per IP family`,
      );
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Rec> {
    const projectId = ownerFor(auth, body);
    const target = { ...body, project_id: projectId, tenant_id: projectId };
    const defaults = { shared: false, is_default: false };
    requirePolicy(ctx, auth, 'create_subnetpool', target, explicitAttributes(body, defaults));
    const prefixes = body.prefixes as string[];
    const version = versionOf(prefixes);
    const min = body.min_prefixlen === undefined ? DEFAULT_MIN[version] : Number(body.min_prefixlen);
    const rec: Rec = {
      ...standardAttrs(ctx.clock, projectId, body.description),
      name: String(body.name),
      ip_version: version,
      prefixes: compactPrefixes(prefixes, version),
      min_prefixlen: min,
      max_prefixlen: body.max_prefixlen === undefined ? BITS[version] : Number(body.max_prefixlen),
      default_prefixlen: body.default_prefixlen === undefined ? min : Number(body.default_prefixlen),
      default_quota: body.default_quota === undefined ? null : Number(body.default_quota),
      is_default: bool(body.is_default, false),
      shared: bool(body.shared, false),
    };
    bounds(rec);
    return ctx.exclusive(async () => {
      await checkOneDefault(rec);
      await ctx.store.insert('subnetpool', rec, {}, ctx.clock.now().toISOString());
      return rec;
    });
  }

  async function update(auth: AuthContext, id: string, body: Record<string, unknown>): Promise<Rec> {
    return ctx.exclusive(async () => {
      const rec = await get(auth, id);
      requireWrite(ctx, auth, 'update_subnetpool', 'subnetpool', rec, explicitAttributes(body));
      if (body.prefixes !== undefined) {
        const wanted = body.prefixes as string[];
        if (versionOf(wanted) !== rec.ip_version)
          throw badRequest('Cannot mix IPv4 and IPv6 prefixes in a subnet pool.', 'PrefixVersionMismatch');
        if (!coveredBy(rangesOf(rec.prefixes as string[]), rangesOf(wanted)))
          throw badRequest(
            'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.',
            'IllegalSubnetPoolPrefixUpdate',
          );
        rec.prefixes = compactPrefixes([...(rec.prefixes as string[]), ...wanted], rec.ip_version as 4 | 6);
      }
      assign(rec, body, UPDATABLE);
      bounds(rec);
      await checkOneDefault(rec);
      await ctx.store.update(touch(ctx.clock, rec));
      return rec;
    });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    await ctx.exclusive(async () => {
      const rec = await get(auth, id);
      requireWrite(ctx, auth, 'delete_subnetpool', 'subnetpool', rec);
      const used = (await ctx.store.list('subnet')).some((s) => s.subnetpool_id === id);
      if (used)
        throw badRequest(
          'Unable to delete subnet pool: Subnet pool has existing allocations.',
          'SubnetPoolDeleteError',
        );
      await ctx.store.remove(id);
    });
  }

  function checkQuota(pool: Rec, subnets: Rec[], projectId: string, prefixLength: number): void {
    if (typeof pool.default_quota !== 'number') return;
    const unit = QUOTA_UNIT[pool.ip_version as 4 | 6];
    const units = (len: number) => 2 ** Math.max(0, unit - len);
    const used = subnets
      .filter((s) => s.project_id === projectId)
      .reduce((sum, s) => sum + units(parseCidr(String(s.cidr))?.prefixLength ?? unit), 0);
    if (used + units(prefixLength) > pool.default_quota)
      throw conflict('Per-project subnet pool prefix quota exceeded.', 'SubnetPoolQuotaExceeded');
  }

  /** Takes a CIDR for a new subnet from `pool` (callers hold the lock and checked the pool is usable). */
  async function allocate(pool: Rec, req: SubnetRequest): Promise<Cidr> {
    const version = pool.ip_version as 4 | 6;
    if (req.ipVersion !== version)
      throw badResourceRequest(
        'subnets',
        `Cannot allocate IPv${req.ipVersion} subnet from IPv${version} subnet pool`,
      );
    const prefixLength = req.cidr?.prefixLength ?? req.prefixLength ?? Number(pool.default_prefixlen);
    if (prefixLength > Number(pool.max_prefixlen))
      throw badRequest(
        `Unable to allocate subnet with prefix length ${prefixLength}, maximum allowed prefix is ${String(pool.max_prefixlen)}.`,
        'MaxPrefixSubnetAllocationError',
      );
    if (prefixLength < Number(pool.min_prefixlen))
      throw badRequest(
        `Unable to allocate subnet with prefix length ${prefixLength}, minimum allowed prefix is ${String(pool.min_prefixlen)}.`,
        'MinPrefixSubnetAllocationError',
      );
    const subnets = (await ctx.store.list('subnet')).filter((s) => s.subnetpool_id === pool.id);
    checkQuota(pool, subnets, req.projectId, prefixLength);
    const taken: Range[] = subnets.map((s) => rangeOf(parseCidr(String(s.cidr)) as Cidr));
    const available = subtractRanges(rangesOf(pool.prefixes as string[]), taken);
    if (req.cidr) {
      if (!coveredBy([rangeOf(req.cidr)], available))
        throw conflict(
          'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
          'SubnetAllocationError',
        );
      return req.cidr;
    }
    const got = allocateAny(available, prefixLength, version);
    if (!got)
      throw conflict(
        `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${prefixLength}.`,
        'SubnetAllocationError',
      );
    return got;
  }

  return { get, list, create, update, remove, allocate, visibleTo };
}

export type SubnetPoolService = ReturnType<typeof createSubnetPoolService>;
