// Rows on their way into the warehouse: each value checked against its column's type and converted to
// what the DuckDB appender takes, the partition column filled in, duplicates by key collapsed (last
// wins). Every problem is reported with the row index and column, before anything is written.
import type { DuckDBAppender } from '@duckdb/node-api';
import { timestampValue } from '@duckdb/node-api';
import type { Row } from '../../ports.js';
import type { ColumnPlan, ColumnType } from '../../spec/plan.js';
import type { TableLayout } from './table-layout.js';

/** A value ready for the appender: strings for VARCHAR/DATE/JSON (and exact NUMERIC), bigint for BIGINT. */
export type Encoded = string | number | bigint | boolean | null;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

class BadValue extends Error {}

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

const encoders: Record<ColumnType, (v: unknown) => Encoded> = {
  string(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    throw new BadValue(`${describe(v)} is not a string`);
  },
  int64(v) {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v);
    throw new BadValue(`${describe(v)} is not an integer`);
  },
  float64(v) {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    throw new BadValue(`${describe(v)} is not a number`);
  },
  numeric(v) {
    // Text keeps all 38 digits; a JS number goes through a double anyway.
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'bigint') return String(v);
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
    return BigInt(Math.round(timestampMillis(v) * 1000));
  },
  json(v) {
    return JSON.stringify(v);
  },
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

function encodeColumn(column: ColumnPlan, value: unknown, keyColumn: boolean): Encoded {
  if (value === undefined || value === null) {
    if (!column.nullable || keyColumn) throw new BadValue(`is null but the column is ${keyColumn ? 'part of the key' : 'not nullable'}`);
    return null;
  }
  return encoders[column.type](value);
}

/**
 * Encode rows in layout column order, with the partition column set to `partition` (a row that names
 * a different partition is an error). Rows with the same key collapse into the last one.
 */
export function encodeRows(layout: TableLayout, partition: string, rows: readonly Row[]): Encoded[][] {
  const known = new Set(layout.columns.map((c) => c.name));
  const keyIndexes = layout.key.map((k) => layout.columns.findIndex((c) => c.name === k));
  const partitionName = layout.partitionColumn.name;
  let partitionValue: Encoded;
  try {
    partitionValue = encodeColumn(layout.partitionColumn, partition, true);
  } catch (err) {
    throw new Error(`table ${layout.ref}: partition ${describe(partition)} does not fit column ${partitionName}: ${(err as Error).message}`);
  }
  const byKey = new Map<string, Encoded[]>();
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
    const encoded = layout.columns.map((column, i) => {
      if (column.name === partitionName) return partitionValue;
      try {
        return encodeColumn(column, row[column.name], keyIndexes.includes(i));
      } catch (err) {
        const msg = (err as Error).message;
        throw new Error(`${where}: column "${column.name}" ${err instanceof BadValue && !msg.startsWith('is ') ? 'value ' : ''}${msg}`);
      }
    });
    const key = keyIndexes.map((i) => `${typeof encoded[i]}:${String(encoded[i])}`).join('\u0001');
    byKey.delete(key); // re-insert so the surviving row keeps the position of the last occurrence
    byKey.set(key, encoded);
  });
  return [...byKey.values()];
}
