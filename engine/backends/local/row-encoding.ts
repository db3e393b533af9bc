// Rows on their way into DuckDB: checked by the backend-neutral rules (../row-values.ts: types,
// partition, duplicate keys) and converted to what the DuckDB appender takes.
import type { DuckDBAppender } from '@duckdb/node-api';
import { timestampValue } from '@duckdb/node-api';
import type { Row } from '../../ports.js';
import type { ColumnType } from '../../spec/plan.js';
import { encodeRows as encodeCheckedRows, type ValueConverters } from '../row-values.js';
import type { TableLayout } from './table-layout.js';

/** A value ready for the appender: strings for VARCHAR/DATE/JSON (and exact NUMERIC), bigint for BIGINT. */
export type Encoded = string | number | bigint | boolean | null;

/** Checked values as the appender takes them: BIGINT and TIMESTAMP (microseconds) as bigint. */
const toAppender: ValueConverters<Exclude<Encoded, null>> = {
  string: (v) => v,
  int64: (v) => BigInt(v),
  float64: (v) => v,
  // Text keeps all 38 digits; a JS number goes through a double anyway.
  numeric: (v) => v,
  bool: (v) => v,
  date: (v) => v,
  timestamp: (ms) => BigInt(Math.round(ms * 1000)),
  json: (v) => v,
};

/** Append one encoded value; the column type decides the appender call. */
export function appendValue(appender: DuckDBAppender, type: ColumnType, v: Encoded): void {
  if (v === null) return appender.appendNull();
  switch (type) {
    case 'int64':
      return appender.appendBigInt(v as bigint);
    case 'float64':
      return appender.appendDouble(v as number);
    case 'numeric':
      return typeof v === 'number' ? appender.appendDouble(v) : appender.appendVarchar(v as string);
    case 'bool':
      return appender.appendBoolean(v as boolean);
    case 'timestamp':
      return appender.appendTimestamp(timestampValue(v as bigint));
    default:
      // VARCHAR, JSON, and DATE as 'YYYY-MM-DD' (the appender casts it).
      return appender.appendVarchar(v as string);
  }
}

/**
 * Encode rows in layout column order, with the partition column set to `partition` (a row that names
 * a different partition is an error). Rows with the same key collapse into the last one.
 */
export function encodeRows(layout: TableLayout, partition: string, rows: readonly Row[]): Encoded[][] {
  return encodeCheckedRows(layout, partition, rows, toAppender, (v) => `${typeof v}:${String(v)}`);
}
