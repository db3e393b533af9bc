// Rows on their way into a warehouse, for every backend: the columns a table is stored with, and
// each value checked against its column's type — the same rules and messages on every backend, so a
// processor fails the same way locally and on BigQuery. A backend only says how a checked value is
// written (ValueConverters): DuckDB appender values locally, load-job JSON on BigQuery.
//
// Rows are reported with their index and column before anything is written; the partition column is
// filled in (a row naming another partition is an error), and rows with the same key collapse into
// the last one. (engine/runtime/rows.ts checks a processor's rows against the spec first, with its
// own stricter rules; these checks guard the Warehouse port itself, whoever calls it.)
import type { Row } from '../ports.js';
import type { ColumnPlan, ColumnType, TablePlan } from '../spec/plan.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/** The columns rows are encoded against (local TableLayout and BigQuery BqLayout both are one). */
export interface RowLayout {
  readonly ref: string;
  readonly columns: readonly ColumnPlan[];
  readonly partitionColumn: ColumnPlan;
  readonly key: readonly string[];
}

/**
 * The columns a table is stored with: the declared ones, plus the partition column first (a DATE,
 * not nullable) when the table does not declare it; the key is led by the partition column.
 */
export function storedColumns(table: TablePlan, partitionKey: string): { columns: ColumnPlan[]; partitionColumn: ColumnPlan; key: string[] } {
  const declared = table.columns.find((c) => c.name === partitionKey);
  const partitionColumn: ColumnPlan = declared ?? { name: partitionKey, type: 'date', nullable: false, description: 'The partition (added by the engine).' };
  const columns = declared ? [...table.columns] : [partitionColumn, ...table.columns];
  const key = table.key.includes(partitionKey) ? [...table.key] : [partitionKey, ...table.key];
  for (const k of key) {
    if (!columns.some((c) => c.name === k)) throw new Error(`table ${table.ref}: key column "${k}" is not a column`);
  }
  return { columns, partitionColumn, key };
}

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

/** A value of each column type once checked, before a backend converts it. */
export interface CheckedValue {
  string: string;
  /** An integer as given: a bigint, an integer number (possibly beyond 2^53) or integer text. */
  int64: bigint | number | string;
  float64: number;
  /** A finite number, or exact decimal text (a bigint as its digits). */
  numeric: number | string;
  bool: boolean;
  /** 'YYYY-MM-DD'. */
  date: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** JSON text. */
  json: string;
}

/** How a backend writes a checked value of each column type. */
export type ValueConverters<V> = { readonly [T in ColumnType]: (v: CheckedValue[T]) => V };

const checkers: { readonly [T in ColumnType]: (v: unknown) => CheckedValue[T] } = {
  string(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    throw new BadValue(`${describe(v)} is not a string`);
  },
  int64(v) {
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && INTEGER.test(v))) return v;
    throw new BadValue(`${describe(v)} is not an integer`);
  },
  float64(v) {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    throw new BadValue(`${describe(v)} is not a number`);
  },
  numeric(v) {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
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
  timestamp: timestampMillis,
  json(v) {
    return JSON.stringify(v);
  },
};

function convert<T extends ColumnType, V>(type: T, value: unknown, to: ValueConverters<V>): V {
  return to[type](checkers[type](value));
}

function encodeColumn<V>(column: ColumnPlan, value: unknown, keyColumn: boolean, to: ValueConverters<V>): V | null {
  if (value === undefined || value === null) {
    if (!column.nullable || keyColumn) throw new BadValue(`is null but the column is ${keyColumn ? 'part of the key' : 'not nullable'}`);
    return null;
  }
  return convert(column.type, value, to);
}

/**
 * Rows as values in layout column order (converted by `to`), with the partition column set to
 * `partition` (a row that names a different partition is an error). Rows whose key values have the
 * same `keyText` collapse into the last one, which keeps the position of its last occurrence.
 */
export function encodeRows<V>(
  layout: RowLayout,
  partition: string,
  rows: readonly Row[],
  to: ValueConverters<V>,
  keyText: (v: V | null) => string,
): Array<Array<V | null>> {
  const known = new Set(layout.columns.map((c) => c.name));
  const keyIndexes = layout.key.map((k) => layout.columns.findIndex((c) => c.name === k));
  const partitionName = layout.partitionColumn.name;
  let partitionValue: V | null;
  try {
    partitionValue = encodeColumn(layout.partitionColumn, partition, true, to);
  } catch (err) {
    throw new Error(`table ${layout.ref}: partition ${describe(partition)} does not fit column ${partitionName}: ${(err as Error).message}`);
  }
  const byKey = new Map<string, Array<V | null>>();
  rows.forEach((row, index) => {
    const where = `table ${layout.ref}, row ${index}`;
    for (const name of Object.keys(row)) {
      if (!known.has(name)) throw new Error(`${where}: column "${name}" is not declared by the table`);
    }
    const given = row[partitionName];
    if (given !== undefined && given !== null) {
      let same = false;
      try {
        same = encodeColumn(layout.partitionColumn, given, true, to) === partitionValue;
      } catch {
        same = false;
      }
      if (!same) throw new Error(`${where}: ${partitionName} is ${describe(given)} but the write is for partition ${partition}`);
    }
    const encoded = layout.columns.map((column, i) => {
      if (column.name === partitionName) return partitionValue;
      try {
        return encodeColumn(column, row[column.name], keyIndexes.includes(i), to);
      } catch (err) {
        const msg = (err as Error).message;
        throw new Error(`${where}: column "${column.name}" ${err instanceof BadValue && !msg.startsWith('is ') ? 'value ' : ''}${msg}`);
      }
    });
    const key = keyIndexes.map((i) => keyText(encoded[i] as V | null)).join('\u0001');
    byKey.delete(key); // re-insert so the surviving row keeps the position of the last occurrence
    byKey.set(key, encoded);
  });
  return [...byKey.values()];
}
