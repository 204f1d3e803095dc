// Server listing rules beyond the store's SQL: Nova's sort keys (mapped onto columns, admin-only keys
// ignored for others), the regular-expression filters (`name`, `ip`, `ip6`) compiled safely, and a
// bounded scan that applies those filters page by page so that limit and marker still hold.
import { errors } from '../common/errors/codes.js';
import type { Server } from './model.js';
import type { ServerSort, ServerSortColumn } from './server-list-query.js';

/**
 * Nova's VALID_SORT_KEYS (schemas/servers.py) → our column; null: a key Nova accepts whose value is
 * the same for every Nuage server (accepted, no effect).
 */
const SORT_KEYS: Record<string, ServerSortColumn | null> = {
  access_ip_v4: null,
  access_ip_v6: null,
  auto_disk_config: null,
  availability_zone: 'availability_zone',
  config_drive: 'config_drive',
  created_at: 'created_at',
  display_description: 'description',
  display_name: 'name',
  host: 'host',
  hostname: 'name',
  image_ref: 'image_id',
  instance_type_id: 'flavor_id',
  kernel_id: null,
  key_name: 'key_name',
  launch_index: 'launch_index',
  launched_at: 'launched_at',
  locked_by: 'locked',
  node: 'host',
  power_state: 'power_state',
  progress: null,
  project_id: 'project_id',
  ramdisk_id: null,
  root_device_name: null,
  task_state: 'task_state',
  terminated_at: 'terminated_at',
  updated_at: 'updated_at',
  user_id: 'user_id',
  uuid: 'id',
  vm_state: 'vm_state',
};

/** Sort keys only admins may use; Nova ignores them for other callers. */
const ADMIN_SORT_KEYS = new Set(['host', 'node']);

/** `sort_key`/`sort_dir` query values → the store's sort (Nova's process_sort_params pairing). */
export function parseSort(keys: readonly string[], dirs: readonly string[], admin: boolean): ServerSort[] {
  if (dirs.length > keys.length) throw errors.badRequest('Sort direction size exceeds sort key size');
  for (const dir of dirs) {
    if (dir !== 'asc' && dir !== 'desc') {
      throw errors.badRequest(`Invalid input for query parameters sort_dir. Value: ${dir}.`);
    }
  }
  const fallback = (dirs[0] ?? 'desc') as 'asc' | 'desc';
  const out: ServerSort[] = [];
  keys.forEach((key, index) => {
    if (!(key in SORT_KEYS)) {
      throw errors.badRequest(`Invalid input for query parameters sort_key. Value: ${key}.`);
    }
    const column = SORT_KEYS[key];
    if (column === null || column === undefined || (!admin && ADMIN_SORT_KEYS.has(key))) return;
    if (out.some((s) => s.column === column)) return;
    out.push({ column, direction: (dirs[index] ?? fallback) as 'asc' | 'desc' });
  });
  return out;
}

/** Longest pattern accepted for a regular-expression filter (server names are at most 255 characters). */
export const FILTER_PATTERN_MAX = 255;

/**
 * Compiles a Nova regular-expression filter (matched anywhere, like Python's re.search). Patterns
 * that could backtrack exponentially — a quantified group that itself holds a quantifier or an
 * alternation — and back-references are refused with 400, as are malformed ones; the subjects are
 * short (names ≤ 255, addresses), which bounds the rest.
 */
export function compileFilterRegex(field: string, pattern: string): RegExp {
  const bad = () => errors.badRequest(`Invalid regular expression for filter ${field}: ${pattern}`);
  if (pattern.length > FILTER_PATTERN_MAX) throw bad();
  if (/\\[1-9]|\\k</.test(pattern)) throw bad();
  if (hasNestedQuantifier(pattern)) throw bad();
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      throw bad();
    }
  }
}

/** True when a group followed by a quantifier contains a quantifier or '|' (catastrophic backtracking). */
function hasNestedQuantifier(pattern: string): boolean {
  const groups: { risky: boolean }[] = [];
  let closedRisky = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const afterRiskyGroup = closedRisky;
    closedRisky = false;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // A character class: quantifier characters inside are literals.
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      groups.push({ risky: false });
      continue;
    }
    if (c === ')') {
      closedRisky = groups.pop()?.risky === true;
      const parent = groups.at(-1);
      if (parent && closedRisky) parent.risky = true;
      continue;
    }
    const repeat = c === '*' || c === '+' || c === '{';
    if (repeat && afterRiskyGroup) return true;
    const top = groups.at(-1);
    if (top && (repeat || c === '|')) top.risky = true;
  }
  return false;
}

/** A predicate over listed servers for the regex filters; undefined when there are none. */
export function regexFilter(filters: { name?: RegExp; ip?: RegExp; ip6?: RegExp }) {
  const { name, ip, ip6 } = filters;
  if (!name && !ip && !ip6) return undefined;
  const addresses = (s: Server, version: 4 | 6) =>
    s.ports.flatMap((p) => p.fixedIps.filter((a) => a.version === version).map((a) => a.address));
  return (s: Server): boolean =>
    (!name || name.test(s.name)) &&
    (!ip || addresses(s, 4).some((a) => ip.test(a))) &&
    (!ip6 || addresses(s, 6).some((a) => ip6.test(a)));
}

/** Rows one scan reads at most before answering with what it found (a bounded loop). */
export const FILTER_SCAN_MAX = 10_000;

/**
 * Reads pages of `batch` rows after `marker`, keeps those passing `keep`, until `limit` are found or
 * the rows (or FILTER_SCAN_MAX) run out.
 */
export async function scanFiltered(
  fetch: (marker: Server | undefined, batch: number) => Promise<Server[]>,
  keep: (s: Server) => boolean,
  limit: number,
  marker: Server | undefined,
  batch = 200,
): Promise<Server[]> {
  const found: Server[] = [];
  let cursor = marker;
  for (let scanned = 0; scanned < FILTER_SCAN_MAX && found.length < limit; scanned += batch) {
    const page = await fetch(cursor, batch);
    for (const s of page) {
      if (keep(s)) found.push(s);
      if (found.length === limit) break;
    }
    cursor = page.at(-1);
    if (page.length < batch || cursor === undefined) break;
  }
  return found;
}
