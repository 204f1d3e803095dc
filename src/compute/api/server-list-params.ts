// GET /servers query parameters → the service's list options (Nova's filters: status, name and ip as
// regular expressions, changes-since/-before, flavor, image, host, tags…, sort_key/sort_dir,
// limit/marker), and the `servers_links` next link, which keeps the other parameters as Nova does.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../common/http/context.js';
import { isAdmin } from '../compute-policy.js';
import { parseSort } from '../server-list.js';
import type { ServerListOptions } from '../server-service.js';
import { atLeast } from './microversion.js';
import { versionOf } from './route-deps.js';
import { parseIsoTime } from './validation/nova-formats.js';
import { errors } from '../../common/errors/codes.js';

type Query = Record<string, string[]>;

/** Nova's list limit when the caller gives none (CONF.api.max_limit). */
export const SERVER_PAGE_MAX = 1000;

const many = (query: Query, key: string): string[] => query[key] ?? [];
/** Nova reads a single-valued filter as the last value given. */
const one = (query: Query, key: string): string | undefined => many(query, key).at(-1);

/** A validated date-time (the schema checked its format) as an ISO timestamp. */
function timestamp(query: Query, key: string): string | undefined {
  const raw = one(query, key);
  return raw === undefined ? undefined : parseIsoTime(raw)?.toISOString();
}

function tagList(query: Query, key: string): string[] | undefined {
  const raw = one(query, key);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

export function serverListOptions(request: FastifyRequest, auth: AuthContext): ServerListOptions {
  const v = versionOf(request);
  const query = request.novaQuery ?? {};
  const limitText = one(query, 'limit');
  const limit = limitText === undefined ? undefined : Math.min(Number(limitText), SERVER_PAGE_MAX);
  const changesSince = timestamp(query, 'changes-since');
  const changesBefore = atLeast(v, 66) ? timestamp(query, 'changes-before') : undefined;
  if (changesSince !== undefined && changesBefore !== undefined && changesSince > changesBefore) {
    throw errors.badRequest('The value of changes-since must be less than or equal to changes-before.');
  }
  const tags = atLeast(v, 26);
  const projectId = one(query, 'project_id') ?? one(query, 'tenant_id');
  const allTenants = one(query, 'all_tenants');
  const extra = {
    ...(changesSince !== undefined && { changesSince }),
    ...(changesBefore !== undefined && { changesBefore }),
    ...(one(query, 'flavor') !== undefined && { flavorId: one(query, 'flavor') }),
    ...(one(query, 'image') !== undefined && { imageId: one(query, 'image') }),
    ...(one(query, 'host') !== undefined && { host: one(query, 'host') }),
    ...(tags && tagList(query, 'tags') !== undefined && { tagsAll: tagList(query, 'tags') }),
    ...(tags && tagList(query, 'tags-any') !== undefined && { tagsAny: tagList(query, 'tags-any') }),
    ...(tags && tagList(query, 'not-tags') !== undefined && { notTagsAll: tagList(query, 'not-tags') }),
    ...(tags &&
      tagList(query, 'not-tags-any') !== undefined && { notTagsAny: tagList(query, 'not-tags-any') }),
    sort: parseSort(many(query, 'sort_key'), many(query, 'sort_dir'), isAdmin(auth)),
  };
  const status = one(query, 'status');
  const name = one(query, 'name');
  const ip = one(query, 'ip');
  const ip6 = one(query, 'ip6');
  const marker = one(query, 'marker');
  return {
    allTenants: allTenants !== undefined && allTenants !== '0' && allTenants.toLowerCase() !== 'false',
    ...(projectId !== undefined && { projectId }),
    ...(status !== undefined && { status }),
    ...(name !== undefined && { nameRegex: name }),
    ...(ip !== undefined && { ip }),
    ...(ip6 !== undefined && { ip6 }),
    ...(limit !== undefined && { limit }),
    ...(marker !== undefined && { marker }),
    extra,
  };
}

/** Nova's `servers_links`: a next link when the page is full, with the request's other parameters. */
export function serversLinks(
  request: FastifyRequest,
  href: string,
  found: readonly { id: string }[],
  limit: number | undefined,
) {
  const last = found.at(-1);
  if (last === undefined || found.length < (limit ?? SERVER_PAGE_MAX)) return undefined;
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(request.novaQuery ?? {})) {
    if (key === 'marker') continue;
    for (const item of values) params.append(key, item);
  }
  params.set('marker', last.id);
  return [{ rel: 'next', href: `${href}?${params.toString()}` }];
}
