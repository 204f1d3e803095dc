// The WHERE and ORDER BY of a server listing (Nova's GET /servers filters, sort keys and marker paging),
// built over compute_servers for server-store.ts. Keyset paging: the marker row's sort values bound the
// next page, so pages stay stable while rows are added.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ComputeTables, ServerTable } from './compute-tables.js';

/** Columns a listing may sort on (Nova's sort keys map onto them in the service). */
export type ServerSortColumn =
  | 'created_at'
  | 'updated_at'
  | 'id'
  | 'name'
  | 'description'
  | 'availability_zone'
  | 'host'
  | 'image_id'
  | 'flavor_id'
  | 'key_name'
  | 'launch_index'
  | 'launched_at'
  | 'terminated_at'
  | 'power_state'
  | 'project_id'
  | 'user_id'
  | 'task_state'
  | 'vm_state'
  | 'config_drive'
  | 'locked';

export interface ServerSort {
  column: ServerSortColumn;
  direction: 'asc' | 'desc';
}

/** Filters beyond project/status/name that server-store.ts hands to this file. */
export interface ServerListExtraFilter {
  /** ISO time: servers changed at or after it (deleted ones included, as Nova). */
  changesSince?: string;
  /** ISO time: servers changed at or before it (2.66). */
  changesBefore?: string;
  flavorId?: string;
  imageId?: string;
  host?: string;
  /** Every tag present (Nova `tags`). */
  tagsAll?: readonly string[];
  /** At least one tag present (`tags-any`). */
  tagsAny?: readonly string[];
  /** Not every tag present (`not-tags`). */
  notTagsAll?: readonly string[];
  /** None of the tags present (`not-tags-any`). */
  notTagsAny?: readonly string[];
  /** Sort order; created_at and id are appended as tie-breakers (Nova's process_sort_params). */
  sort?: readonly ServerSort[];
}

type Eb = ExpressionBuilder<ComputeTables, 'compute_servers'>;

const NULLABLE_TEXT = new Set<ServerSortColumn>([
  'description',
  'host',
  'image_id',
  'key_name',
  'launched_at',
  'terminated_at',
  'task_state',
]);

/** The full sort order: the requested keys, then created_at and id in the first key's direction. */
export function sortOrder(sort: readonly ServerSort[] | undefined): ServerSort[] {
  const keys = [...(sort ?? [])];
  const direction = keys[0]?.direction ?? 'desc';
  for (const column of ['created_at', 'id'] as const) {
    if (!keys.some((k) => k.column === column)) keys.push({ column, direction });
  }
  return keys;
}

/** The expression a sort column orders by: nullable text compares as '' so that keyset paging holds. */
export function sortExpression(eb: Eb, column: ServerSortColumn) {
  return NULLABLE_TEXT.has(column)
    ? eb.fn.coalesce(eb.ref(column as 'host'), eb.val(''))
    : eb.ref(column as 'id');
}

function hasTag(eb: Eb, tag: string) {
  return eb.exists(
    eb
      .selectFrom('compute_server_tags')
      .select('compute_server_tags.tag')
      .whereRef('compute_server_tags.server_id', '=', 'compute_servers.id')
      .where('compute_server_tags.tag', '=', tag),
  );
}

function hasAnyTag(eb: Eb, tags: readonly string[]) {
  return eb.exists(
    eb
      .selectFrom('compute_server_tags')
      .select('compute_server_tags.tag')
      .whereRef('compute_server_tags.server_id', '=', 'compute_servers.id')
      .where('compute_server_tags.tag', 'in', [...tags]),
  );
}

/** The extra filters as one condition (true when none is set). */
export function extraConditions(eb: Eb, f: ServerListExtraFilter): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [];
  if (f.changesSince !== undefined) all.push(eb('updated_at', '>=', f.changesSince));
  if (f.changesBefore !== undefined) all.push(eb('updated_at', '<=', f.changesBefore));
  if (f.flavorId !== undefined) all.push(eb('flavor_id', '=', f.flavorId));
  if (f.imageId !== undefined) all.push(eb('image_id', '=', f.imageId));
  if (f.host !== undefined) all.push(eb('host', '=', f.host));
  if (f.tagsAll !== undefined && f.tagsAll.length > 0) all.push(eb.and(f.tagsAll.map((t) => hasTag(eb, t))));
  if (f.tagsAny !== undefined && f.tagsAny.length > 0) all.push(hasAnyTag(eb, f.tagsAny));
  if (f.notTagsAll !== undefined && f.notTagsAll.length > 0) {
    all.push(eb.not(eb.and(f.notTagsAll.map((t) => hasTag(eb, t)))));
  }
  if (f.notTagsAny !== undefined && f.notTagsAny.length > 0) all.push(eb.not(hasAnyTag(eb, f.notTagsAny)));
  return eb.and(all);
}

/** The marker row's value for a column (typed as text: the builder's operand type follows sortExpression). */
function markerValue(row: ServerTable, column: ServerSortColumn): string {
  const value = row[column];
  return (value ?? '') as string;
}

/** Rows strictly after the marker row in `order`: OR over i of (k1 = m1 … k(i-1) = m(i-1), ki past mi). */
export function afterMarker(eb: Eb, order: readonly ServerSort[], marker: ServerTable): Expression<SqlBool> {
  const branches: Expression<SqlBool>[] = [];
  order.forEach((key, index) => {
    const equal = order
      .slice(0, index)
      .map((prior) => eb(sortExpression(eb, prior.column), '=', markerValue(marker, prior.column)));
    const past = eb(
      sortExpression(eb, key.column),
      key.direction === 'asc' ? '>' : '<',
      markerValue(marker, key.column),
    );
    branches.push(eb.and([...equal, past]));
  });
  return eb.or(branches);
}
