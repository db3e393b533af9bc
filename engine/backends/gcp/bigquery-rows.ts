// Rows across the BigQuery boundary, both ways.
//
// In: each value is checked against its column's type (the same rules and messages as the local
// warehouse, so a processor fails the same way on both backends) and written as the JSON a load job
// reads — DATE 'YYYY-MM-DD', TIMESTAMP ISO-8601 UTC with microseconds, INT64 and NUMERIC as exact
// text, FLOAT64 as a number ('NaN'/'Infinity' as text), JSON as JSON text (the staging column is a
// STRING). The partition column is filled in, and rows with the same key collapse into the last one,
// so the staged rows are unique by key before the load: a MERGE with duplicate source keys fails.
//
// Out: query results arrive as `{f: [{v}]}` with every scalar as text; `decodeRows` turns them into
// plain JavaScript like the local backend's: INT64/FLOAT64/NUMERIC → number, BOOL → boolean,
// DATE → 'YYYY-MM-DD', TIMESTAMP (int64 microseconds, asked with useInt64Timestamp) → ISO text,
// JSON → parsed value.
import type { Row } from '../../ports.js';
import type { ColumnPlan, ColumnType } from '../../spec/plan.js';
import type { BqLayout } from './bigquery-layout.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

class BadValue extends Error {}

type Json = string | number | boolean | null;

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? 'an object' : String(v);
}

/** Epoch milliseconds of a timestamp given as a Date, epoch ms or ISO text (no zone = UTC). */
export function timestampMillis(v: unknown): number {
  let ms = NaN;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'number') ms = v;
  else if (typeof v === 'string') {
    const text = DATE.test(v) ? `${v}T00:00:00Z` : v.replace(' ', 'T');
    ms = Date.parse(HAS_ZONE.test(text) ? text : `${text}Z`);
  }
  if (!Number.isFinite(ms)) throw new BadValue(`${describe(v)} is not a timestamp (Date, epoch ms or ISO text)`);
  return ms;
}

const encoders: Record<ColumnType, (v: unknown) => Json> = {
  string(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    throw new BadValue(`${describe(v)} is not a string`);
  },
  int64(v) {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' && Number.isInteger(v)) return Number.isSafeInteger(v) ? v : BigInt(v).toString();
    if (typeof v === 'string' && INTEGER.test(v)) return v;
    throw new BadValue(`${describe(v)} is not an integer`);
  },
  float64(v) {
    let n: number | undefined;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'bigint') n = Number(v);
    else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) n = Number(v);
    if (n === undefined) throw new BadValue(`${describe(v)} is not a number`);
    return Number.isFinite(n) ? n : String(n);
  },
  numeric(v) {
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string' && DECIMAL.test(v)) return v;
    throw new BadValue(`${describe(v)} is not a decimal number`);
  },
  bool(v) {
    if (typeof v === 'boolean') return v;
    throw new BadValue(`${describe(v)} is not a boolean`);
  },
  date(v) {
    if (v instanceof Date && Number.isFinite(v.getTime())) return v.toISOString().slice(0, 10);
    if (typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) return v;
    throw new BadValue(`${describe(v)} is not a date (YYYY-MM-DD)`);
  },
  timestamp(v) {
    return new Date(timestampMillis(v)).toISOString();
  },
  json(v) {
    return JSON.stringify(v);
  },
};

function encodeColumn(column: ColumnPlan, value: unknown, keyColumn: boolean): Json {
  if (value === undefined || value === null) {
    if (!column.nullable || keyColumn) throw new BadValue(`is null but the column is ${keyColumn ? 'part of the key' : 'not nullable'}`);
    return null;
  }
  return encoders[column.type](value);
}

/**
 * The rows as staging records (column name → JSON value), the partition column set to `partition`
 * (a row naming another partition is an error), unique by key (the last row of a key wins).
 */
export function stageRows(layout: BqLayout, partition: string, rows: readonly Row[]): Array<Record<string, Json>> {
  const known = new Set(layout.columns.map((c) => c.name));
  const partitionName = layout.partitionColumn.name;
  let partitionValue: Json;
  try {
    partitionValue = encodeColumn(layout.partitionColumn, partition, true);
  } catch (err) {
    throw new Error(`table ${layout.ref}: partition ${describe(partition)} does not fit column ${partitionName}: ${(err as Error).message}`);
  }
  const byKey = new Map<string, Record<string, Json>>();
  rows.forEach((row, index) => {
    const where = `table ${layout.ref}, row ${index}`;
    for (const name of Object.keys(row)) {
      if (!known.has(name)) throw new Error(`${where}: column "${name}" is not declared by the table`);
    }
    const given = row[partitionName];
    if (given !== undefined && given !== null) {
      let same = false;
      try {
        same = encodeColumn(layout.partitionColumn, given, true) === partitionValue;
      } catch {
        same = false;
      }
      if (!same) throw new Error(`${where}: ${partitionName} is ${describe(given)} but the write is for partition ${partition}`);
    }
    const record: Record<string, Json> = {};
    for (const column of layout.columns) {
      if (column.name === partitionName) {
        record[column.name] = partitionValue;
        continue;
      }
      try {
        record[column.name] = encodeColumn(column, row[column.name], layout.key.includes(column.name));
      } catch (err) {
        const msg = (err as Error).message;
        throw new Error(`${where}: column "${column.name}" ${err instanceof BadValue && !msg.startsWith('is ') ? 'value ' : ''}${msg}`);
      }
    }
    const key = layout.key.map((k) => String(record[k])).join('\u0001');
    byKey.delete(key); // re-insert so the surviving row keeps the position of the last occurrence
    byKey.set(key, record);
  });
  return [...byKey.values()];
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
