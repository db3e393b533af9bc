// How a table of the spec looks in BigQuery: columns (the partition column added first when a table
// does not declare it, as the local warehouse does), types, modes, day partitioning and clustering.
// Read by the Terraform and DDL generators and by the BigQuery warehouse, so they agree.
import type { LogEntry } from '../ports.js';
import type { ColumnPlan, ColumnType, Plan, TablePlan } from '../spec/plan.js';

/** Standard SQL type names (DDL, queries). */
export const SQL_TYPES: Record<ColumnType, string> = {
  string: 'STRING', int64: 'INT64', float64: 'FLOAT64', numeric: 'NUMERIC', bool: 'BOOL', date: 'DATE', timestamp: 'TIMESTAMP', json: 'JSON',
};

/** Type names of the REST API's table schema (what the API returns, so Terraform sees no drift). */
export const API_TYPES: Record<ColumnType, string> = {
  string: 'STRING', int64: 'INTEGER', float64: 'FLOAT', numeric: 'NUMERIC', bool: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', json: 'JSON',
};

/** Types BigQuery can cluster on. */
const CLUSTERABLE: ReadonlySet<ColumnType> = new Set(['string', 'int64', 'numeric', 'bool', 'date', 'timestamp']);
export const MAX_CLUSTER_COLUMNS = 4;

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

function column(c: ColumnPlan): BigQueryColumn {
  return { name: c.name, type: c.type, mode: c.nullable ? 'NULLABLE' : 'REQUIRED', ...(c.description ? { description: c.description } : {}) };
}

/**
 * Clustering: the key columns, then the entity columns, without the partition column and types
 * BigQuery cannot cluster on, at most four.
 */
export function clusteringOf(table: TablePlan, columns: readonly BigQueryColumn[], partitionColumn: string): string[] {
  const typeOf = new Map(columns.map((c) => [c.name, c.type] as const));
  const out: string[] = [];
  for (const name of [...table.key, ...Object.values(table.entities)]) {
    const type = typeOf.get(name);
    if (name === partitionColumn || !type || !CLUSTERABLE.has(type) || out.includes(name)) continue;
    out.push(name);
  }
  return out.slice(0, MAX_CLUSTER_COLUMNS);
}

export function bigQueryTable(plan: Plan, table: TablePlan): BigQueryTable {
  const key = plan.partition.key;
  const declared = table.columns.find((c) => c.name === key);
  const columns = declared
    ? table.columns.map(column)
    : [{ name: key, type: 'date' as const, mode: 'REQUIRED' as const, description: 'The partition (added by the engine).' }, ...table.columns.map(column)];
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

export const EXECUTION_LOG = { dataset: '_pipeline', table: 'execution_log' } as const;

/**
 * One column per LogEntry field (keyed by the field, so a new field fails to compile until it has a
 * column), as the BigQuery warehouse writes them (engine/backends/gcp/bigquery-log.ts): lists and
 * free-form values are JSON; `insert_id` orders entries of the same ts.
 */
const LOG_COLUMNS: { readonly [F in keyof Required<LogEntry>]: Omit<BigQueryColumn, 'description'> & { description: string } } = {
  ts: { name: 'ts', type: 'timestamp', mode: 'REQUIRED', description: 'When it happened.' },
  event: { name: 'event', type: 'string', mode: 'REQUIRED', description: 'run:started, run:succeeded, run:failed, skip:duplicate, gate:fired, check:failed, ...' },
  executionId: { name: 'execution_id', type: 'string', mode: 'NULLABLE', description: 'The run.' },
  correlationId: { name: 'correlation_id', type: 'string', mode: 'NULLABLE', description: 'The phase-1 run the update started from.' },
  parents: { name: 'parents', type: 'json', mode: 'NULLABLE', description: 'Execution ids of the upstream runs (a JSON array).' },
  phase: { name: 'phase', type: 'string', mode: 'NULLABLE', description: 'Phase of the processor.' },
  processor: { name: 'processor', type: 'string', mode: 'NULLABLE', description: 'Processor name.' },
  gate: { name: 'gate', type: 'string', mode: 'NULLABLE', description: 'Gate name, for gate events.' },
  partition: { name: 'partition', type: 'string', mode: 'NULLABLE', description: 'The partition (YYYY-MM-DD).' },
  scope: { name: 'scope', type: 'string', mode: 'NULLABLE', description: 'Entities the run covered (empty: the whole partition).' },
  fingerprint: { name: 'fingerprint', type: 'string', mode: 'NULLABLE', description: 'Input fingerprint of the run.' },
  inputs: { name: 'inputs', type: 'json', mode: 'NULLABLE', description: 'What the decision saw of each input.' },
  rowsWritten: { name: 'rows_written', type: 'int64', mode: 'NULLABLE', description: 'Rows written by the run.' },
  changedEntities: { name: 'changed_entities', type: 'json', mode: 'NULLABLE', description: 'Entities whose rows changed.' },
  durationMs: { name: 'duration_ms', type: 'float64', mode: 'NULLABLE', description: 'Run duration in milliseconds.' },
  errorType: { name: 'error_type', type: 'string', mode: 'NULLABLE', description: 'Name of the error.' },
  errorMessage: { name: 'error_message', type: 'string', mode: 'NULLABLE', description: 'Error message.' },
  reasons: { name: 'reasons', type: 'json', mode: 'NULLABLE', description: 'Why the decision was taken (a JSON array of texts).' },
  backfill: { name: 'backfill', type: 'bool', mode: 'NULLABLE', description: 'Part of a backfill.' },
  backfillReason: { name: 'backfill_reason', type: 'string', mode: 'NULLABLE', description: 'Why the backfill runs.' },
  stopAfter: { name: 'stop_after', type: 'string', mode: 'NULLABLE', description: 'Last phase of the backfill.' },
  specHash: { name: 'spec_hash', type: 'string', mode: 'NULLABLE', description: 'Hash of the spec the engine ran.' },
  attempt: { name: 'attempt', type: 'int64', mode: 'NULLABLE', description: 'Attempt number, 1 for the first.' },
  detail: { name: 'detail', type: 'json', mode: 'NULLABLE', description: 'Anything else.' },
};

/** LogEntry field → its column name. */
export function logColumn(field: keyof LogEntry): string {
  return LOG_COLUMNS[field].name;
}

export function executionLogTable(plan: Plan): BigQueryTable {
  return {
    ref: `${EXECUTION_LOG.dataset}.${EXECUTION_LOG.table}`, dataset: EXECUTION_LOG.dataset, table: EXECUTION_LOG.table,
    description: 'Every decision and run transition of the engine, written in batches.',
    columns: [...Object.values(LOG_COLUMNS), { name: 'insert_id', type: 'string', mode: 'NULLABLE', description: 'Streaming insert id: orders entries of the same ts.' }],
    partitionColumn: 'ts', clustering: ['processor', 'event', 'correlation_id'],
    labels: tableLabels(plan, EXECUTION_LOG.dataset),
  };
}
