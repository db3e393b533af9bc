// The execution log in DuckDB: `_pipeline.execution_log`, one column per LogEntry field
// (../log-columns.ts: the same columns as the BigQuery log, arrays and objects as JSON), plus `seq`
// for insertion order.
import type { LogEntry, LogQuery } from '../../ports.js';
import { EXECUTION_LOG, LOG_COLUMNS, logEntry, logLimitSql, logQueryEquals, logSelectList, logValue } from '../log-columns.js';
import type { DuckDb, SqlParam } from './duckdb.js';
import { ident } from './duckdb-values.js';
import { appendValue } from './row-encoding.js';
import { SQL_TYPES } from './table-layout.js';

const SCHEMA = EXECUTION_LOG.dataset;
const TABLE = EXECUTION_LOG.table;
const TABLE_SQL = `${SCHEMA}.${TABLE}`;

export const LOG_DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${TABLE_SQL} (seq BIGINT NOT NULL, ${LOG_COLUMNS.map(
    (c) => `${ident(c.name)} ${SQL_TYPES[c.type]}${c.required ? ' NOT NULL' : ''}`,
  ).join(', ')})`,
];

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
          for (const c of LOG_COLUMNS) {
            const v = logValue(c, entry);
            // BIGINT as bigint, TIMESTAMP as bigint microseconds (from whole milliseconds).
            const encoded = v === null ? null : c.type === 'int64' ? BigInt(v as number) : c.type === 'timestamp' ? BigInt(Math.round(v as number)) * 1000n : v;
            appendValue(appender, c.type, encoded);
          }
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
  for (const { column, value } of logQueryEquals(query)) {
    conditions.push(`${ident(column)} = ?`);
    params.push(value);
  }
  if (query.since !== undefined) {
    conditions.push('ts >= make_timestamp(?::BIGINT)');
    params.push(BigInt(Math.round(query.since)) * 1000n);
  }
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const columns = logSelectList('epoch_ms(ts) AS ts', ident);
  const rows = await db.all(`SELECT ${columns} FROM ${TABLE_SQL}${where} ORDER BY ts, seq${logLimitSql(query)}`, params);
  return rows.map(logEntry);
}
