// Rows across the BigQuery boundary, both ways.
//
// In: each value is checked against its column's type (../row-values.ts: the same rules and messages
// as the local warehouse, so a processor fails the same way on both backends) and written as the
// JSON a load job reads — DATE 'YYYY-MM-DD', TIMESTAMP ISO-8601 UTC with microseconds, INT64 and
// NUMERIC as exact text, FLOAT64 as a number ('NaN'/'Infinity' as text), JSON as JSON text (the
// staging column is a STRING). The partition column is filled in, and rows with the same key collapse into the last one,
// so the staged rows are unique by key before the load: a MERGE with duplicate source keys fails.
//
// Out: query results arrive as `{f: [{v}]}` with every scalar as text; `decodeRows` turns them into
// plain JavaScript like the local backend's: INT64/FLOAT64/NUMERIC → number, BOOL → boolean,
// DATE → 'YYYY-MM-DD', TIMESTAMP (int64 microseconds, asked with useInt64Timestamp) → ISO text,
// JSON → parsed value.
import type { Row } from '../../ports.js';
import { encodeRows, type ValueConverters } from '../row-values.js';
import type { BqLayout } from './bigquery-layout.js';

type Json = string | number | boolean | null;

/** Checked values as load-job JSON: exact text for big integers and NUMERIC, ISO timestamps. */
const toJson: ValueConverters<Exclude<Json, null>> = {
  string: (v) => v,
  int64: (v) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isSafeInteger(v) ? BigInt(v).toString() : v),
  float64: (n) => (Number.isFinite(n) ? n : String(n)),
  numeric: (v) => String(v),
  bool: (v) => v,
  date: (v) => v,
  timestamp: (ms) => new Date(ms).toISOString(),
  json: (v) => v,
};

/**
 * The rows as staging records (column name → JSON value), the partition column set to `partition`
 * (a row naming another partition is an error), unique by key (the last row of a key wins).
 */
export function stageRows(layout: BqLayout, partition: string, rows: readonly Row[]): Array<Record<string, Json>> {
  return encodeRows(layout, partition, rows, toJson, String).map((values) => Object.fromEntries(layout.columns.map((c, i) => [c.name, values[i]])));
}

/** Newline-delimited JSON of staged records (what the load job uploads). */
export function ndjson(records: ReadonlyArray<Record<string, Json>>): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}

// ---------------------------------------------------------------- results

export interface ResultField {
  name: string;
  type: string;
  mode?: string;
  fields?: ResultField[];
}

type Cell = { v: unknown };

function decodeValue(field: ResultField, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (field.mode === 'REPEATED') return (v as Cell[]).map((c) => decodeValue({ ...field, mode: 'NULLABLE' }, c.v));
  switch (field.type) {
    case 'INTEGER':
    case 'INT64':
    case 'FLOAT':
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return Number(v);
    case 'BOOLEAN':
    case 'BOOL':
      return v === true || v === 'true';
    case 'TIMESTAMP': {
      const text = String(v);
      // useInt64Timestamp: microseconds since the epoch; otherwise floating-point seconds.
      const ms = /^-?\d+$/.test(text) ? Number(BigInt(text) / 1000n) : Number(text) * 1000;
      return new Date(ms).toISOString();
    }
    case 'JSON':
      return JSON.parse(String(v));
    case 'RECORD':
    case 'STRUCT':
      return decodeRow(field.fields ?? [], v as { f: Cell[] });
    default:
      // STRING, DATE ('YYYY-MM-DD'), DATETIME, TIME, BYTES (base64): the text as it comes.
      return v;
  }
}

function decodeRow(fields: readonly ResultField[], row: { f: Cell[] }): Row {
  const out: Row = {};
  fields.forEach((field, i) => {
    out[field.name] = decodeValue(field, row.f[i]?.v);
  });
  return out;
}

export function decodeRows(fields: readonly ResultField[], rows: ReadonlyArray<{ f: Cell[] }> | undefined): Row[] {
  return (rows ?? []).map((r) => decodeRow(fields, r));
}
