// The execution log in BigQuery: `{prefix}_pipeline.execution_log`, one column per LogEntry field
// (the same columns as the local log, arrays and objects as JSON), partitioned by DATE(ts) and
// clustered by processor, event and correlation id (what `explain` and `trace` filter by).
//
// Appends use the streaming API (tabledata.insertAll), one request per batch: the log is
// append-only and written in batches by the runtime, and streaming keeps it off the load-job and DML
// quotas the data writes use (the reference system's run history, written one load at a time,
// exhausted the table's load quota and blocked data writes). Each row has an insertId
// (`{batch}-{index}`) so a retried request is deduplicated by BigQuery, and the same id is stored
// in `insert_id` so entries with the same ts read back in insertion order.
import { randomUUID } from 'node:crypto';
import type { LogEntry, LogQuery } from '../../ports.js';
import type { SchemaField } from './bigquery-layout.js';
import type { Params } from './bigquery-rest.js';

type Kind = 'STRING' | 'JSON' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP';

const FIELDS: ReadonlyArray<{ field: keyof LogEntry; column: string; kind: Kind }> = [
  { field: 'ts', column: 'ts', kind: 'TIMESTAMP' },
  { field: 'event', column: 'event', kind: 'STRING' },
  { field: 'executionId', column: 'execution_id', kind: 'STRING' },
  { field: 'correlationId', column: 'correlation_id', kind: 'STRING' },
  { field: 'parents', column: 'parents', kind: 'JSON' },
  { field: 'phase', column: 'phase', kind: 'STRING' },
  { field: 'processor', column: 'processor', kind: 'STRING' },
  { field: 'gate', column: 'gate', kind: 'STRING' },
  { field: 'partition', column: 'partition', kind: 'STRING' },
  { field: 'scope', column: 'scope', kind: 'STRING' },
  { field: 'fingerprint', column: 'fingerprint', kind: 'STRING' },
  { field: 'inputs', column: 'inputs', kind: 'JSON' },
  { field: 'rowsWritten', column: 'rows_written', kind: 'INT64' },
  { field: 'changedEntities', column: 'changed_entities', kind: 'JSON' },
  { field: 'durationMs', column: 'duration_ms', kind: 'FLOAT64' },
  { field: 'errorType', column: 'error_type', kind: 'STRING' },
  { field: 'errorMessage', column: 'error_message', kind: 'STRING' },
  { field: 'reasons', column: 'reasons', kind: 'JSON' },
  { field: 'backfill', column: 'backfill', kind: 'BOOL' },
  { field: 'backfillReason', column: 'backfill_reason', kind: 'STRING' },
  { field: 'stopAfter', column: 'stop_after', kind: 'STRING' },
  { field: 'specHash', column: 'spec_hash', kind: 'STRING' },
  { field: 'attempt', column: 'attempt', kind: 'INT64' },
  { field: 'detail', column: 'detail', kind: 'JSON' },
];

export const LOG_DATASET = '_pipeline';
export const LOG_TABLE = 'execution_log';

export function logTableResource(projectId: string, datasetId: string): Record<string, unknown> {
  const fields: SchemaField[] = [
    ...FIELDS.map((f): SchemaField => ({ name: f.column, type: f.kind, mode: f.field === 'ts' || f.field === 'event' ? 'REQUIRED' : 'NULLABLE' })),
    { name: 'insert_id', type: 'STRING', mode: 'NULLABLE' },
  ];
  return {
    tableReference: { projectId, datasetId, tableId: LOG_TABLE },
    description: 'pipeline execution log: every decision and run transition (ARCHITECTURE.md §8.12)',
    schema: { fields },
    timePartitioning: { type: 'DAY', field: 'ts' },
    clustering: { fields: ['processor', 'event', 'correlation_id'] },
  };
}

function cell(kind: Kind, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  switch (kind) {
    case 'TIMESTAMP':
      return new Date(Number(value)).toISOString();
    case 'JSON':
      // insertAll takes a JSON column's value as JSON text.
      return JSON.stringify(value);
    case 'INT64':
      return Math.round(Number(value));
    case 'FLOAT64':
      return Number(value);
    case 'BOOL':
      return Boolean(value);
    default:
      return String(value);
  }
}

/** The insertAll rows of a batch: `{insertId, json}` with undefined fields left out. */
export function logRows(entries: readonly LogEntry[]): Array<{ insertId: string; json: Record<string, unknown> }> {
  const batch = randomUUID();
  return entries.map((entry, i) => {
    const insertId = `${batch}-${String(i).padStart(6, '0')}`;
    const json: Record<string, unknown> = { insert_id: insertId };
    for (const f of FIELDS) {
      const v = cell(f.kind, entry[f.field]);
      if (v !== undefined) json[f.column] = v;
    }
    return { insertId, json };
  });
}

/** Entries matching the query, oldest first (ts, then insertion order); `limit` keeps the first. */
export function logQuery(table: string, query: LogQuery): { sql: string; params: Params } {
  const conditions: string[] = [];
  const params: Params = [];
  const eq: Array<[keyof LogQuery, string]> = [
    ['processor', 'processor'],
    ['partition', 'partition'],
    ['executionId', 'execution_id'],
    ['correlationId', 'correlation_id'],
    ['event', 'event'],
  ];
  for (const [field, column] of eq) {
    const v = query[field];
    if (v === undefined) continue;
    conditions.push(`\`${column}\` = @${column}`);
    params.push({ name: column, parameterType: { type: 'STRING' }, parameterValue: { value: String(v) } });
  }
  if (query.since !== undefined) {
    conditions.push('ts >= TIMESTAMP_MILLIS(@since)');
    params.push({ name: 'since', parameterType: { type: 'INT64' }, parameterValue: { value: String(Math.round(query.since)) } });
  }
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const limit = query.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(query.limit))}`;
  const columns = FIELDS.map((f) => (f.field === 'ts' ? 'UNIX_MILLIS(ts) AS ts' : `\`${f.column}\``)).join(', ');
  return { sql: `SELECT ${columns} FROM ${table}${where} ORDER BY ts, insert_id${limit}`, params };
}

/** Decoded result rows (column → plain value) back to LogEntry objects (nulls left out). */
export function logEntries(rows: ReadonlyArray<Record<string, unknown>>): LogEntry[] {
  return rows.map((row) => {
    const entry: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const v = row[f.column];
      if (v !== null && v !== undefined) entry[f.field] = v;
    }
    return entry as unknown as LogEntry;
  });
}
