// The execution log's table, for every backend and for codegen: one column per LogEntry field
// (keyed by the field, so a new field fails to compile until it has a column), lists and free-form
// values as JSON; and the mapping between entries and rows. The DuckDB log
// (local/execution-log.ts), the BigQuery log (gcp/bigquery-log.ts) and the generated BigQuery DDL
// and Terraform (infra/bigquery-schema.ts) all read it, so they cannot drift apart.
import type { LogEntry, LogQuery } from '../ports.js';
import type { ColumnType } from '../spec/plan.js';

export const EXECUTION_LOG = { dataset: '_pipeline', table: 'execution_log' } as const;

export interface LogColumn {
  readonly field: keyof LogEntry;
  readonly name: string;
  readonly type: Extract<ColumnType, 'string' | 'json' | 'int64' | 'float64' | 'bool' | 'timestamp'>;
  /** NOT NULL (ts and event). */
  readonly required: boolean;
  readonly description: string;
}

const BY_FIELD: { readonly [F in keyof Required<LogEntry>]: Omit<LogColumn, 'field'> } = {
  ts: { name: 'ts', type: 'timestamp', required: true, description: 'When it happened.' },
  event: { name: 'event', type: 'string', required: true, description: 'run:started, run:succeeded, run:failed, skip:duplicate, gate:fired, check:failed, ...' },
  executionId: { name: 'execution_id', type: 'string', required: false, description: 'The run.' },
  correlationId: { name: 'correlation_id', type: 'string', required: false, description: 'The phase-1 run the update started from.' },
  parents: { name: 'parents', type: 'json', required: false, description: 'Execution ids of the upstream runs (a JSON array).' },
  phase: { name: 'phase', type: 'string', required: false, description: 'Phase of the processor.' },
  processor: { name: 'processor', type: 'string', required: false, description: 'Processor name.' },
  gate: { name: 'gate', type: 'string', required: false, description: 'Gate name, for gate events.' },
  partition: { name: 'partition', type: 'string', required: false, description: 'The partition (YYYY-MM-DD).' },
  scope: { name: 'scope', type: 'string', required: false, description: 'Entities the run covered (empty: the whole partition).' },
  fingerprint: { name: 'fingerprint', type: 'string', required: false, description: 'Input fingerprint of the run.' },
  inputs: { name: 'inputs', type: 'json', required: false, description: 'What the decision saw of each input.' },
  rowsWritten: { name: 'rows_written', type: 'int64', required: false, description: 'Rows written by the run.' },
  changedEntities: { name: 'changed_entities', type: 'json', required: false, description: 'Entities whose rows changed.' },
  durationMs: { name: 'duration_ms', type: 'float64', required: false, description: 'Run duration in milliseconds.' },
  errorType: { name: 'error_type', type: 'string', required: false, description: 'Name of the error.' },
  errorMessage: { name: 'error_message', type: 'string', required: false, description: 'Error message.' },
  reasons: { name: 'reasons', type: 'json', required: false, description: 'Why the decision was taken (a JSON array of texts).' },
  backfill: { name: 'backfill', type: 'bool', required: false, description: 'Part of a backfill.' },
  backfillReason: { name: 'backfill_reason', type: 'string', required: false, description: 'Why the backfill runs.' },
  stopAfter: { name: 'stop_after', type: 'string', required: false, description: 'Last phase of the backfill.' },
  specHash: { name: 'spec_hash', type: 'string', required: false, description: 'Hash of the spec the engine ran.' },
  attempt: { name: 'attempt', type: 'int64', required: false, description: 'Attempt number, 1 for the first.' },
  detail: { name: 'detail', type: 'json', required: false, description: 'Anything else.' },
};

/** The columns in table order. */
export const LOG_COLUMNS: readonly LogColumn[] = Object.entries(BY_FIELD).map(([field, c]) => ({ field: field as keyof LogEntry, ...c }));

/** LogEntry field → its column name. */
export function logColumn(field: keyof LogEntry): string {
  return BY_FIELD[field].name;
}

/**
 * An entry's value for a column, before a backend writes it: null when absent; JSON text for json,
 * a rounded number for int64, a number for float64 and timestamp (epoch ms), a boolean, else text.
 */
export function logValue(column: LogColumn, entry: LogEntry): string | number | boolean | null {
  const v = entry[column.field];
  if (v === undefined || v === null) return null;
  switch (column.type) {
    case 'json':
      return JSON.stringify(v);
    case 'int64':
      return Math.round(Number(v));
    case 'float64':
    case 'timestamp':
      return Number(v);
    case 'bool':
      return Boolean(v);
    default:
      return String(v);
  }
}

/** A row read back (column → plain value, ts as epoch ms) as a LogEntry, nulls left out. */
export function logEntry(row: Readonly<Record<string, unknown>>): LogEntry {
  const entry: Record<string, unknown> = {};
  for (const c of LOG_COLUMNS) {
    const v = row[c.name];
    if (v !== null && v !== undefined) entry[c.field] = v;
  }
  return entry as unknown as LogEntry;
}

/** The equality conditions of a query: column and value, for the fields it sets. */
export function logQueryEquals(query: LogQuery): Array<{ column: string; value: string }> {
  const fields = ['processor', 'partition', 'executionId', 'correlationId', 'event'] as const;
  return fields.filter((f) => query[f] !== undefined).map((f) => ({ column: logColumn(f), value: String(query[f]) }));
}

/** The SELECT list of a log query: every column, ts as `ts` (the backend's expression for epoch ms). */
export function logSelectList(tsAsEpochMs: string, quote: (name: string) => string): string {
  return LOG_COLUMNS.map((c) => (c.field === 'ts' ? tsAsEpochMs : quote(c.name))).join(', ');
}

/** ` LIMIT n` when the query has a limit (the first entries, oldest first). */
export function logLimitSql(query: LogQuery): string {
  return query.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(query.limit))}`;
}
