// How a table of the spec looks in BigQuery: columns (the partition column added first when a table
// does not declare it, as the local warehouse does: backends/row-values.ts), types, modes, day
// partitioning and clustering; and the execution log's table (columns: backends/log-columns.ts).
// Read by the Terraform and DDL generators and by the BigQuery warehouse (backends/gcp), so they agree.
import type { ColumnPlan, ColumnType, Plan, TablePlan } from '../spec/plan.js';
import { EXECUTION_LOG, LOG_COLUMNS } from '../backends/log-columns.js';
import { storedColumns } from '../backends/row-values.js';

export { EXECUTION_LOG, logColumn } from '../backends/log-columns.js';

/** Standard SQL type names (DDL, queries). */
export const SQL_TYPES: Record<ColumnType, string> = {
  string: 'STRING', int64: 'INT64', float64: 'FLOAT64', numeric: 'NUMERIC', bool: 'BOOL', date: 'DATE', timestamp: 'TIMESTAMP', json: 'JSON',
};

/** Type names of the REST API's table schema (what the API returns, so Terraform sees no drift). */
export const API_TYPES: Record<ColumnType, string> = {
  string: 'STRING', int64: 'INTEGER', float64: 'FLOAT', numeric: 'NUMERIC', bool: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', json: 'JSON',
};

/** Types BigQuery can cluster on (not FLOAT64, not JSON). */
const CLUSTERABLE: ReadonlySet<ColumnType> = new Set(['string', 'int64', 'numeric', 'bool', 'date', 'timestamp']);
export const MAX_CLUSTER_COLUMNS = 4;

/** REQUIRED for key and non-nullable columns. */
export function columnMode(c: ColumnPlan, key: readonly string[]): 'REQUIRED' | 'NULLABLE' {
  return c.nullable && !key.includes(c.name) ? 'NULLABLE' : 'REQUIRED';
}

/** Of the candidate names, in order, those of columns BigQuery can cluster on, each once, at most four. */
export function clusterColumns(candidates: readonly string[], columns: ReadonlyArray<{ name: string; type: ColumnType }>): string[] {
  const typeOf = new Map(columns.map((c) => [c.name, c.type] as const));
  return [...new Set(candidates)]
    .filter((name) => {
      const type = typeOf.get(name);
      return type !== undefined && CLUSTERABLE.has(type);
    })
    .slice(0, MAX_CLUSTER_COLUMNS);
}

export interface BigQueryColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly mode: 'REQUIRED' | 'NULLABLE';
  readonly description?: string;
}

export interface BigQueryTable {
  readonly ref: string;
  readonly dataset: string;
  readonly table: string;
  readonly description?: string;
  readonly columns: readonly BigQueryColumn[];
  /** Day partitioning on this column (a DATE, or a TIMESTAMP truncated to its day). */
  readonly partitionColumn: string;
  readonly clustering: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Labels: lowercase letters, digits, `_` and `-`, at most 63 characters. */
export function labelValue(v: string): string {
  return v.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}

export function tableLabels(plan: Plan, dataset: string): Record<string, string> {
  return { pipeline: labelValue(plan.name), dataset: labelValue(dataset) };
}

/**
 * Clustering: the key columns, then the entity columns, without the partition column and types
 * BigQuery cannot cluster on, at most four.
 */
export function clusteringOf(table: TablePlan, columns: readonly BigQueryColumn[], partitionColumn: string): string[] {
  return clusterColumns([...table.key, ...Object.values(table.entities)].filter((name) => name !== partitionColumn), columns);
}

export function bigQueryTable(plan: Plan, table: TablePlan): BigQueryTable {
  const key = plan.partition.key;
  const stored = storedColumns(table, key);
  const columns = stored.columns.map(
    (c): BigQueryColumn => ({ name: c.name, type: c.type, mode: columnMode(c, stored.key), ...(c.description ? { description: c.description } : {}) }),
  );
  return {
    ref: table.ref, dataset: table.dataset, table: table.name, ...(table.description ? { description: table.description } : {}),
    columns, partitionColumn: key, clustering: clusteringOf(table, columns, key), labels: tableLabels(plan, table.dataset),
  };
}

/** The tables the pipeline owns (external tables belong to another system and are not created). */
export function ownedTables(plan: Plan): BigQueryTable[] {
  return [...plan.assets.values()]
    .filter((a): a is TablePlan => a.kind === 'table' && !a.external)
    .sort((a, b) => (a.ref < b.ref ? -1 : 1))
    .map((t) => bigQueryTable(plan, t));
}

/** Datasets in the spec → whether the pipeline writes any of their tables. */
export function datasetsOf(plan: Plan): Map<string, { written: boolean; owned: boolean }> {
  const out = new Map<string, { written: boolean; owned: boolean }>();
  for (const a of [...plan.assets.values()].sort((x, y) => (x.ref < y.ref ? -1 : 1))) {
    if (a.kind !== 'table') continue;
    const d = out.get(a.dataset) ?? { written: false, owned: false };
    out.set(a.dataset, { written: d.written || plan.writerOf.has(a.ref), owned: d.owned || !a.external });
  }
  return out;
}

// ---------------------------------------------------------------- the execution log

/** After the LogEntry columns: the streaming insert id, which orders entries of the same ts. */
export const LOG_INSERT_ID = { name: 'insert_id', type: 'string', mode: 'NULLABLE', description: 'Streaming insert id: orders entries of the same ts.' } as const satisfies BigQueryColumn;

/** What `explain` and `trace` filter the log by. */
export const EXECUTION_LOG_CLUSTERING = ['processor', 'event', 'correlation_id'] as const;

export function executionLogTable(plan: Plan): BigQueryTable {
  return {
    ref: `${EXECUTION_LOG.dataset}.${EXECUTION_LOG.table}`, dataset: EXECUTION_LOG.dataset, table: EXECUTION_LOG.table,
    description: 'Every decision and run transition of the engine, written in batches.',
    columns: [
      ...LOG_COLUMNS.map((c): BigQueryColumn => ({ name: c.name, type: c.type, mode: c.required ? 'REQUIRED' : 'NULLABLE', description: c.description })),
      LOG_INSERT_ID,
    ],
    partitionColumn: 'ts', clustering: [...EXECUTION_LOG_CLUSTERING],
    labels: tableLabels(plan, EXECUTION_LOG.dataset),
  };
}
