// How a TablePlan becomes a DuckDB table: column types, the partition column, the primary key,
// CREATE TABLE and the additive schema evolution (ADD COLUMN) of an existing table.
import type { ColumnPlan, ColumnType, TablePlan } from '../../spec/plan.js';
import { storedColumns } from '../row-values.js';
import type { DuckConn } from './duckdb.js';
import { ident } from './duckdb-values.js';

export const SQL_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int64: 'BIGINT',
  float64: 'DOUBLE',
  // BigQuery's NUMERIC: 38 digits, 9 after the point.
  numeric: 'DECIMAL(38,9)',
  bool: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
};

export interface TableLayout {
  ref: string;
  schema: string;
  name: string;
  /** `"dataset"."table"`. */
  sql: string;
  /** Declared columns, plus the partition column first when the table does not declare it. */
  columns: ColumnPlan[];
  partitionColumn: ColumnPlan;
  /** Primary key: the declared key, led by the partition column when the key lacks it. */
  key: string[];
}

export function tableLayout(table: TablePlan, partitionKey: string): TableLayout {
  const { columns, partitionColumn, key } = storedColumns(table, partitionKey);
  return {
    ref: table.ref,
    schema: table.dataset,
    name: table.name,
    sql: `${ident(table.dataset)}.${ident(table.name)}`,
    columns,
    partitionColumn,
    key,
  };
}

/** `?::TYPE`: a parameter typed like the column, so DuckDB compares without implicit casts. */
export function typedParam(column: ColumnPlan): string {
  return `?::${SQL_TYPES[column.type]}`;
}

export function createTableSql(layout: TableLayout): string {
  const cols = layout.columns.map((c) => {
    const notNull = !c.nullable && !layout.key.includes(c.name) ? ' NOT NULL' : '';
    return `${ident(c.name)} ${SQL_TYPES[c.type]}${notNull}`;
  });
  cols.push(`PRIMARY KEY (${layout.key.map(ident).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${layout.sql} (${cols.join(', ')})`;
}

/**
 * Create the table, or add the columns an existing table lacks (nullable: existing rows have no
 * value). Changed types, removed columns and key changes are left alone — evolution is additive.
 */
export async function ensureTable(conn: DuckConn, layout: TableLayout): Promise<string[]> {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${ident(layout.schema)}`);
  const existing = await conn.all(
    `SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ?`,
    [layout.schema, layout.name],
  );
  if (existing.length === 0) {
    await conn.run(createTableSql(layout));
    return [];
  }
  const have = new Set(existing.map((r) => r.column_name as string));
  const added: string[] = [];
  for (const c of layout.columns) {
    if (have.has(c.name)) continue;
    await conn.run(`ALTER TABLE ${layout.sql} ADD COLUMN ${ident(c.name)} ${SQL_TYPES[c.type]}`);
    added.push(c.name);
  }
  return added;
}

/**
 * Whether the stored table has exactly the layout's columns, in its order and with its types — then
 * rows can be appended to it directly (the appender fills columns by position, with no casts).
 * A table whose columns were added later, or whose types or extra columns an older spec left, is
 * written through a staging table instead.
 */
export async function appendableAsLaid(conn: DuckConn, layout: TableLayout): Promise<boolean> {
  const stored = await conn.all(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ? ORDER BY ordinal_position`,
    [layout.schema, layout.name],
  );
  return stored.length === layout.columns.length && layout.columns.every((c, i) => stored[i]!.column_name === c.name && stored[i]!.data_type === SQL_TYPES[c.type]);
}

