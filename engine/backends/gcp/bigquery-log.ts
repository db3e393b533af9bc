// The execution log in BigQuery: `{prefix}_pipeline.execution_log`, one column per LogEntry field
// (../log-columns.ts: the same columns as the local log, arrays and objects as JSON), partitioned by
// DATE(ts) and clustered by processor, event and correlation id (what `explain` and `trace` filter
// by) — the layout codegen creates (infra/bigquery-schema.ts).
//
// Appends use the streaming API (tabledata.insertAll), one request per batch: the log is
// append-only and written in batches by the runtime, and streaming keeps it off the load-job and DML
// quotas the data writes use (the reference system's run history, written one load at a time,
// exhausted the table's load quota and blocked data writes). Each row has an insertId
// (`{batch}-{index}`) so a retried request is deduplicated by BigQuery, and the same id is stored
// in `insert_id` so entries with the same ts read back in insertion order.
import { randomUUID } from 'node:crypto';
import { EXECUTION_LOG_CLUSTERING, LOG_INSERT_ID, SQL_TYPES } from '../../infra/bigquery-schema.js';
import type { LogEntry, LogQuery } from '../../ports.js';
import { EXECUTION_LOG, LOG_COLUMNS, logEntry, logLimitSql, logQueryEquals, logSelectList, logValue } from '../log-columns.js';
import type { SchemaField } from './bigquery-layout.js';
import type { Params } from './bigquery-rest.js';

export const LOG_DATASET = EXECUTION_LOG.dataset;
export const LOG_TABLE = EXECUTION_LOG.table;

export function logTableResource(projectId: string, datasetId: string): Record<string, unknown> {
  const fields: SchemaField[] = [
    ...LOG_COLUMNS.map((c): SchemaField => ({ name: c.name, type: SQL_TYPES[c.type], mode: c.required ? 'REQUIRED' : 'NULLABLE' })),
    { name: LOG_INSERT_ID.name, type: SQL_TYPES[LOG_INSERT_ID.type], mode: LOG_INSERT_ID.mode },
  ];
  return {
    tableReference: { projectId, datasetId, tableId: LOG_TABLE },
    description: 'pipeline execution log: every decision and run transition (ARCHITECTURE.md §8.12)',
    schema: { fields },
    timePartitioning: { type: 'DAY', field: 'ts' },
    clustering: { fields: [...EXECUTION_LOG_CLUSTERING] },
  };
}

/** The insertAll rows of a batch: `{insertId, json}` with undefined fields left out. */
export function logRows(entries: readonly LogEntry[]): Array<{ insertId: string; json: Record<string, unknown> }> {
  const batch = randomUUID();
  return entries.map((entry, i) => {
    const insertId = `${batch}-${String(i).padStart(6, '0')}`;
    const json: Record<string, unknown> = { [LOG_INSERT_ID.name]: insertId };
    for (const c of LOG_COLUMNS) {
      const v = logValue(c, entry);
      // insertAll takes a TIMESTAMP as ISO text, a JSON column's value as JSON text.
      if (v !== null && v !== undefined) json[c.name] = c.type === 'timestamp' ? new Date(v as number).toISOString() : v;
    }
    return { insertId, json };
  });
}

/** Entries matching the query, oldest first (ts, then insertion order); `limit` keeps the first. */
export function logQuery(table: string, query: LogQuery): { sql: string; params: Params } {
  const conditions: string[] = [];
  const params: Params = [];
  for (const { column, value } of logQueryEquals(query)) {
    conditions.push(`\`${column}\` = @${column}`);
    params.push({ name: column, parameterType: { type: 'STRING' }, parameterValue: { value } });
  }
  if (query.since !== undefined) {
    conditions.push('ts >= TIMESTAMP_MILLIS(@since)');
    params.push({ name: 'since', parameterType: { type: 'INT64' }, parameterValue: { value: String(Math.round(query.since)) } });
  }
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const columns = logSelectList('UNIX_MILLIS(ts) AS ts', (name) => `\`${name}\``);
  return { sql: `SELECT ${columns} FROM ${table}${where} ORDER BY ts, ${LOG_INSERT_ID.name}${logLimitSql(query)}`, params };
}

/** Decoded result rows (column → plain value) back to LogEntry objects (nulls left out). */
export function logEntries(rows: ReadonlyArray<Record<string, unknown>>): LogEntry[] {
  return rows.map(logEntry);
}
