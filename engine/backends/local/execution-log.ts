// The execution log in DuckDB: `_pipeline.execution_log`, one column per LogEntry field (arrays and
// objects as JSON), plus `seq` for insertion order. One list of fields drives the DDL, the appender
// and the decoding, so they cannot drift apart.
import type { LogEntry, LogQuery } from '../../ports.js';
import { timestampValue, type DuckDBAppender } from '@duckdb/node-api';
import type { DuckDb, SqlParam } from './duckdb.js';
import { ident } from './duckdb-values.js';

type Kind = 'varchar' | 'json' | 'bigint' | 'double' | 'bool' | 'timestamp';

const FIELDS: ReadonlyArray<{ field: keyof LogEntry; column: string; kind: Kind }> = [
  { field: 'ts', column: 'ts', kind: 'timestamp' },
  { field: 'event', column: 'event', kind: 'varchar' },
  { field: 'executionId', column: 'execution_id', kind: 'varchar' },
  { field: 'correlationId', column: 'correlation_id', kind: 'varchar' },
  { field: 'parents', column: 'parents', kind: 'json' },
  { field: 'phase', column: 'phase', kind: 'varchar' },
  { field: 'processor', column: 'processor', kind: 'varchar' },
  { field: 'gate', column: 'gate', kind: 'varchar' },
  { field: 'partition', column: 'partition', kind: 'varchar' },
  { field: 'scope', column: 'scope', kind: 'varchar' },
  { field: 'fingerprint', column: 'fingerprint', kind: 'varchar' },
  { field: 'inputs', column: 'inputs', kind: 'json' },
  { field: 'rowsWritten', column: 'rows_written', kind: 'bigint' },
  { field: 'changedEntities', column: 'changed_entities', kind: 'json' },
  { field: 'durationMs', column: 'duration_ms', kind: 'double' },
  { field: 'errorType', column: 'error_type', kind: 'varchar' },
  { field: 'errorMessage', column: 'error_message', kind: 'varchar' },
  { field: 'reasons', column: 'reasons', kind: 'json' },
  { field: 'backfill', column: 'backfill', kind: 'bool' },
  { field: 'backfillReason', column: 'backfill_reason', kind: 'varchar' },
  { field: 'stopAfter', column: 'stop_after', kind: 'varchar' },
  { field: 'specHash', column: 'spec_hash', kind: 'varchar' },
  { field: 'attempt', column: 'attempt', kind: 'bigint' },
  { field: 'detail', column: 'detail', kind: 'json' },
];

const SQL_TYPE: Record<Kind, string> = {
  varchar: 'VARCHAR',
  json: 'JSON',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

const SCHEMA = '_pipeline';
const TABLE = 'execution_log';
const TABLE_SQL = `${SCHEMA}.${TABLE}`;

export const LOG_DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${TABLE_SQL} (seq BIGINT NOT NULL, ${FIELDS.map(
    (f) => `${ident(f.column)} ${SQL_TYPE[f.kind]}${f.field === 'ts' || f.field === 'event' ? ' NOT NULL' : ''}`,
  ).join(', ')})`,
];

function append(appender: DuckDBAppender, kind: Kind, value: unknown): void {
  if (value === undefined || value === null) return appender.appendNull();
  switch (kind) {
    case 'json':
      return appender.appendVarchar(JSON.stringify(value));
    case 'bigint':
      return appender.appendBigInt(BigInt(Math.round(Number(value))));
    case 'double':
      return appender.appendDouble(Number(value));
    case 'bool':
      return appender.appendBoolean(Boolean(value));
    case 'timestamp':
      return appender.appendTimestamp(timestampValue(BigInt(Math.round(Number(value))) * 1000n));
    default:
      return appender.appendVarchar(String(value));
  }
}

/**
 * Append entries in one transaction through one appender. `seq` continues from the table's maximum,
 * read under the 'log' lock that every appender of this file takes, so it stays unique and ordered.
 */
export async function appendLogEntries(db: DuckDb, entries: readonly LogEntry[]): Promise<void> {
  await db.setup('execution_log', LOG_DDL);
  await db.transaction(
    async (conn) => {
      const last = Number(await conn.scalar(`SELECT coalesce(max(seq), 0) FROM ${TABLE_SQL}`));
      const appender = await conn.raw.createAppender(TABLE, SCHEMA);
      try {
        entries.forEach((entry, i) => {
          appender.appendBigInt(BigInt(last + i + 1));
          for (const f of FIELDS) append(appender, f.kind, entry[f.field]);
          appender.endRow();
        });
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
    { lock: 'log' },
  );
}

/** Entries matching the query, oldest first (ts, then insertion order); `limit` keeps the first ones. */
export async function queryLogEntries(db: DuckDb, query: LogQuery): Promise<LogEntry[]> {
  await db.setup('execution_log', LOG_DDL);
  const conditions: string[] = [];
  const params: SqlParam[] = [];
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
    conditions.push(`${ident(column)} = ?`);
    params.push(String(v));
  }
  if (query.since !== undefined) {
    conditions.push('ts >= make_timestamp(?::BIGINT)');
    params.push(BigInt(Math.round(query.since)) * 1000n);
  }
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const limit = query.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(query.limit))}`;
  const columns = FIELDS.map((f) => (f.field === 'ts' ? 'epoch_ms(ts) AS ts' : ident(f.column))).join(', ');
  const rows = await db.all(`SELECT ${columns} FROM ${TABLE_SQL}${where} ORDER BY ts, seq${limit}`, params);
  return rows.map((row) => {
    const entry: Record<string, unknown> = {};
    for (const f of FIELDS) {
      const v = row[f.column];
      if (v !== null && v !== undefined) entry[f.field] = v;
    }
    return entry as unknown as LogEntry;
  });
}
