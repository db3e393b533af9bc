// Table partitions held in memory by the write-behind warehouse (warehouse.ts): the rows exactly as a
// read from DuckDB returns them, so a read served from here equals a cold read of the file. Rows
// written in this process are decoded from the encoded values the appender would take, with the same
// conversions `plainConverter` applies to what DuckDB returns (duckdb-values.ts); a test holds the
// two equal for every column type.
//
// Which tables may be held here (`cacheable`): those whose every value round-trips through plain
// JavaScript exactly. Not: a `numeric` column (DECIMAL(38,9) rounds and converts through DuckDB's own
// decimal code), a timestamp or JSON key column (a sub-millisecond timestamp or a JSON text's layout
// would be lost in the plain form, and the key must match the stored row exactly), an entity column
// whose text form differs from DuckDB's CAST to VARCHAR (float, timestamp, JSON). Those tables are
// written through to DuckDB as before.
import { cloneValue } from '../clone.js';
import type { Row } from '../../ports.js';
import type { ColumnPlan, ColumnType, TablePlan } from '../../spec/plan.js';
import { isoFromMicros, type Plain } from './duckdb-values.js';
import type { Encoded } from './row-encoding.js';
import type { TableLayout } from './table-layout.js';

export type PlainRow = Record<string, Plain>;

/** Column types whose plain text (String(v)) equals DuckDB's CAST(v AS VARCHAR). */
const TEXT_LIKE: ReadonlySet<ColumnType> = new Set(['string', 'int64', 'bool', 'date']);

/** Why a table cannot be held in memory, or undefined when it can. */
export function notCacheable(table: TablePlan, layout: TableLayout): string | undefined {
  const numeric = layout.columns.find((c) => c.type === 'numeric');
  if (numeric) return `column ${numeric.name} is numeric`;
  const key = layout.key.map((k) => layout.columns.find((c) => c.name === k)!).find((c) => c.type === 'timestamp' || c.type === 'json');
  if (key) return `key column ${key.name} is a ${key.type}`;
  for (const column of Object.values(table.entities)) {
    const c = layout.columns.find((x) => x.name === column);
    if (c && !TEXT_LIKE.has(c.type)) return `entity column ${c.name} is a ${c.type}`;
  }
  return undefined;
}

/** Whether an entity filter on `column` can be evaluated on plain values (see TEXT_LIKE). */
export function filterableInMemory(layout: TableLayout, column: string): boolean {
  const c = layout.columns.find((x) => x.name === column);
  return c !== undefined && TEXT_LIKE.has(c.type);
}

function decodeValue(type: ColumnType, v: Encoded): Plain {
  if (v === null) return null;
  switch (type) {
    case 'int64':
      return Number(v as bigint);
    case 'timestamp':
      return isoFromMicros(v as bigint);
    case 'json':
      return JSON.parse(v as string) as Plain;
    default:
      // string, float64, bool, date ('YYYY-MM-DD', as DuckDB's DATE prints it)
      return v as Plain;
  }
}

/** An encoded row (layout column order) as a read from DuckDB would return it. */
export function decodeRow(columns: readonly ColumnPlan[], values: readonly Encoded[]): PlainRow {
  const row: PlainRow = {};
  columns.forEach((c, i) => (row[c.name] = decodeValue(c.type, values[i]!)));
  return row;
}

export function keyOf(layout: TableLayout, row: PlainRow): string {
  return JSON.stringify(layout.key.map((k) => row[k]));
}

/** Code-point order, as DuckDB compares VARCHAR (UTF-8 bytes); JS `<` compares UTF-16 units. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function compareValues(a: Plain, b: Plain): number {
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareText(JSON.stringify(a), JSON.stringify(b));
}

/** ORDER BY the key columns (never null: they are the primary key). */
export function keyOrder(layout: TableLayout): (a: PlainRow, b: PlainRow) => number {
  return (a, b) => {
    for (const k of layout.key) {
      const c = compareValues(a[k]!, b[k]!);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** Rows as processors receive them: copies, so a caller's edits never reach the cache. */
export function copyRows(rows: Iterable<PlainRow>): Row[] {
  return [...rows].map((r) => cloneValue(r));
}

/** One partition of one table in memory, with what it holds that DuckDB does not have yet. */
export class CachedPartition {
  readonly rows = new Map<string, PlainRow>();
  /** Keys written since the last flush took this partition's changes. */
  touched = new Set<string>();
  /** A key was deleted since the last take: the flush rewrites the whole partition (replace). */
  deletedSince = false;
  /** Takes being persisted right now; the partition may be evicted only when clean. */
  inFlight = 0;
  /**
   * The keys DuckDB has a row for: those loaded, plus those each committed flush wrote (after a
   * replace, exactly the partition's rows). A flush appends rows outside it instead of upserting them.
   * Read and updated only inside the flush chain.
   */
  stored = new Set<string>();

  constructor(
    readonly table: TablePlan,
    readonly layout: TableLayout,
    readonly partition: string,
  ) {}

  get clean(): boolean {
    return this.touched.size === 0 && !this.deletedSince && this.inFlight === 0;
  }
}
