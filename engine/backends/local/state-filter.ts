// The state store's `Filter` as SQL over the JSON documents of `_pipeline.state_docs`, with the
// semantics of ../filter.ts (which also evaluates it over a transaction's buffered documents):
// equality is typed (the number 5 does not equal the string '5'), ranges are inclusive, strings
// compare lexicographically (partitions are YYYY-MM-DD), numbers numerically; results are ordered by
// the range field (when given), then id.
import type { Filter } from '../../ports.js';
import { filterField, rangeKind } from '../filter.js';
import type { SqlParam } from './duckdb.js';
import { literal } from './duckdb-values.js';

const JSON_NUMBER_TYPES = `('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')`;

function checkField(field: string): string {
  return literal(`$."${filterField(field)}"`);
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
    const kind = rangeKind(r);
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
