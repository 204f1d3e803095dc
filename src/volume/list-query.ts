// Cinder's list queries for the block-storage stores: filters and sort keys (by wire name) mapped to
// columns, the default tie-breakers Cinder appends (created_at, then id, in the first key's direction),
// and keyset paging after a marker row over any combination of keys.
import assert from 'node:assert';
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { errors } from '../common/errors/codes.js';
import { volumeErrors } from './volume-errors.js';

/** Cinder's comparison operators (time filters at 3.60 use gt, gte, eq, neq, lt, lte; `like` is `key~`). */
export type FilterOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like';

/** One filter of a list request, by wire name. */
export interface FilterClause {
  key: string;
  op: FilterOp;
  value: string | number;
}

const SQL_OPS: Record<Exclude<FilterOp, 'like'>, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

/** The condition of one filter; a key without a column is a bug in the API's filter policy. */
export function filterExpression(
  columns: Readonly<Record<string, SortColumn>>,
  clause: FilterClause,
): Expression<SqlBool> {
  const column = Object.hasOwn(columns, clause.key) ? columns[clause.key] : undefined;
  assert(column !== undefined, `no column for filter ${clause.key}`);
  const target = sortExpression(column);
  if (clause.op === 'like') {
    const escaped = String(clause.value).replace(/[\\%_]/g, (c) => `\\${c}`);
    return sql<SqlBool>`${target} like ${`%${escaped}%`} escape '\\'`;
  }
  return sql<SqlBool>`${target} ${sql.raw(SQL_OPS[clause.op])} ${clause.value}`;
}

/** One key of a list request: a wire name (`name`, `size`, …) and a direction. */
export interface SortKey {
  key: string;
  dir: 'asc' | 'desc';
}

/** A sortable column; text columns that may be NULL sort as '' so both dialects order them alike. */
export interface SortColumn {
  column: string;
  nullableText?: boolean;
}

export interface ResolvedSort {
  column: SortColumn;
  dir: 'asc' | 'desc';
}

/** Cinder's order when a list names none. */
export const DEFAULT_SORT: readonly SortKey[] = [{ key: 'created_at', dir: 'desc' }];

/**
 * The columns to order by: the requested keys, then created_at and id (Cinder's process_sort_params),
 * each once. An unknown key is Cinder's 400 "Invalid sort key".
 */
export function resolveSort(
  columns: Readonly<Record<string, SortColumn>>,
  requested: readonly SortKey[],
): ResolvedSort[] {
  const keys = requested.length > 0 ? requested : DEFAULT_SORT;
  const out: ResolvedSort[] = [];
  for (const { key, dir } of keys) {
    const column = Object.hasOwn(columns, key) ? columns[key] : undefined;
    if (column === undefined) throw volumeErrors.invalidInput('Invalid sort key');
    if (!out.some((r) => r.column.column === column.column)) out.push({ column, dir });
  }
  const tieDir = out[0]?.dir ?? 'desc';
  for (const column of [columns.created_at, columns.id]) {
    if (column !== undefined && !out.some((r) => r.column.column === column.column))
      out.push({ column, dir: tieDir });
  }
  return out;
}

/** The expression a column sorts by. */
export function sortExpression(c: SortColumn): RawBuilder<unknown> {
  return c.nullableText ? sql`coalesce(${sql.ref(c.column)}, '')` : sql`${sql.ref(c.column)}`;
}

function markerValue(c: SortColumn, row: Record<string, unknown>): unknown {
  const value = row[c.column];
  return c.nullableText && (value === null || value === undefined) ? '' : value;
}

/**
 * Rows strictly after `marker` in the order `sort`: the OR over each key of "equal on every earlier
 * key and past the marker on this one".
 */
export function afterMarker(
  sort: readonly ResolvedSort[],
  marker: Record<string, unknown>,
): Expression<SqlBool> {
  const branches = sort.map((s, i) => {
    const equal = sort
      .slice(0, i)
      .map((p) => sql`${sortExpression(p.column)} = ${markerValue(p.column, marker)}`);
    const past = sql`${sortExpression(s.column)} ${sql.raw(s.dir === 'asc' ? '>' : '<')} ${markerValue(s.column, marker)}`;
    return sql`(${sql.join([...equal, past], sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(branches, sql` or `)})`;
}

const DIRECTION = /^(asc|desc)$/;

/**
 * Cinder's sort parameters (cinder/api/common.py get_sort_params): `sort=key1:dir1,key2` or the
 * deprecated `sort_key`/`sort_dir` (not both styles at once); directions are asc or desc.
 */
export function parseSortParams(q: { sort?: string; sort_key?: string; sort_dir?: string }): SortKey[] {
  if (q.sort !== undefined && (q.sort_key !== undefined || q.sort_dir !== undefined)) {
    throw errors.badRequest(
      "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
    );
  }
  const pairs: [string, string | undefined][] =
    q.sort !== undefined
      ? q.sort
          .trim()
          .split(',')
          .map((part) => {
            const [key = '', dir] = part.split(':');
            return [key.trim(), dir?.trim() || undefined];
          })
      : q.sort_key !== undefined || q.sort_dir !== undefined
        ? [[(q.sort_key ?? 'created_at').trim(), q.sort_dir?.trim()]]
        : [];
  const keys: SortKey[] = [];
  for (const [key, rawDir] of pairs) {
    const dir = (rawDir ?? 'desc').toLowerCase();
    if (!DIRECTION.test(dir))
      throw volumeErrors.invalidInput("Unknown sort direction, must be 'desc' or 'asc'");
    keys.push({ key, dir: dir as 'asc' | 'desc' });
  }
  return keys;
}
