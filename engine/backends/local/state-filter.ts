// The state store's `Filter`, twice: as SQL over the JSON documents of `_pipeline.state_docs`, and as
// a JavaScript predicate over documents buffered in an open transaction (so a transaction's queries
// see its own writes). Both must agree, hence one module: equality is typed (the number 5 does not
// equal the string '5'), ranges are inclusive, strings compare lexicographically (partitions are
// YYYY-MM-DD), numbers numerically; results are ordered by the range field (when given), then id.
import type { Filter } from '../../ports.js';
import type { SqlParam } from './duckdb.js';
import { literal } from './duckdb-values.js';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JSON_NUMBER_TYPES = `('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')`;

function checkField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`state filter field "${field}" must be a top-level field name (letters, digits, _)`);
  return literal(`$."${field}"`);
}

type Scalar = string | number | boolean;

function typeCondition(path: string, value: Scalar): string {
  if (typeof value === 'string') return `json_type(doc, ${path}) = 'VARCHAR'`;
  if (typeof value === 'number') return `json_type(doc, ${path}) IN ${JSON_NUMBER_TYPES}`;
  return `json_type(doc, ${path}) = 'BOOLEAN'`;
}

function valueExpr(path: string, value: Scalar): string {
  return typeof value === 'number' ? `TRY_CAST(json_extract_string(doc, ${path}) AS DOUBLE)` : `json_extract_string(doc, ${path})`;
}

function param(value: Scalar): SqlParam {
  return typeof value === 'boolean' ? String(value) : value;
}

function rangeKind(filter: Filter): 'string' | 'number' | undefined {
  const r = filter.range;
  if (!r) return undefined;
  const kinds = new Set([r.gte, r.lte].filter((v) => v !== undefined).map((v) => typeof v));
  if (kinds.size > 1) throw new Error(`state filter range on "${r.field}" mixes a string and a number bound`);
  return (kinds.values().next().value as 'string' | 'number' | undefined) ?? 'string';
}

/** WHERE conditions (ANDed, without the collection condition) and ORDER BY for a filter. */
export function filterSql(filter: Filter): { conditions: string[]; params: SqlParam[]; orderBy: string } {
  const conditions: string[] = [];
  const params: SqlParam[] = [];
  for (const [field, value] of Object.entries(filter.eq ?? {})) {
    const path = checkField(field);
    conditions.push(`(${typeCondition(path, value)} AND ${valueExpr(path, value)} = ?)`);
    params.push(param(value));
  }
  let orderBy = 'id';
  const r = filter.range;
  if (r) {
    const path = checkField(r.field);
    const kind = rangeKind(filter);
    const probe: Scalar = kind === 'number' ? 0 : '';
    conditions.push(typeCondition(path, probe));
    const expr = valueExpr(path, probe);
    if (r.gte !== undefined) {
      conditions.push(`${expr} >= ?`);
      params.push(r.gte);
    }
    if (r.lte !== undefined) {
      conditions.push(`${expr} <= ?`);
      params.push(r.lte);
    }
    orderBy = `${expr}, id`;
  }
  return { conditions, params, orderBy };
}

/** Does a document match the filter (same semantics as the SQL)? */
export function matchesFilter(doc: Record<string, unknown>, filter: Filter): boolean {
  for (const [field, value] of Object.entries(filter.eq ?? {})) {
    if (doc[field] !== value) return false;
  }
  const r = filter.range;
  if (r) {
    const v = doc[r.field];
    if (typeof v !== (rangeKind(filter) ?? 'string')) return false;
    if (r.gte !== undefined && (v as Scalar) < r.gte) return false;
    if (r.lte !== undefined && (v as Scalar) > r.lte) return false;
  }
  return true;
}

/** Orders (id, doc) pairs like `filterSql`'s ORDER BY. */
export function compareForFilter(filter: Filter) {
  const field = filter.range?.field;
  return (a: { id: string; doc: Record<string, unknown> }, b: { id: string; doc: Record<string, unknown> }): number => {
    if (field !== undefined) {
      const x = a.doc[field] as Scalar;
      const y = b.doc[field] as Scalar;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
