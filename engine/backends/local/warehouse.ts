// The local Warehouse: plan tables as DuckDB tables (one schema per dataset) in the shared file, and
// the execution log. A write stages its rows with the appender into a temporary table and applies
// them set-based in one transaction: one INSERT ... ON CONFLICT DO UPDATE by the table's key (only
// rows whose content differs are updated), and for `replace` one DELETE of the partition's (or the
// scope's) rows the staging lacks. Writes to one table are serialized in-process (lock per table) so
// that concurrent writers of a table queue instead of failing on conflicts.
import type { LogEntry, LogQuery, PartitionStats, ReadQuery, Row, Warehouse, WriteRequest, WriteResult } from '../../ports.js';
import type { Plan, TablePlan } from '../../spec/plan.js';
import { listValue, type DuckDBAppender } from '@duckdb/node-api';
import { openDuckDb, type DuckConn, type DuckDb, type SqlParam } from './duckdb.js';
import { ident } from './duckdb-values.js';
import { appendLogEntries, queryLogEntries } from './execution-log.js';
import { appendValue, encodeRows, type Encoded } from './row-encoding.js';
import { appendableAsLaid, ensureTable, SQL_TYPES, tableLayout, typedParam, type TableLayout } from './table-layout.js';

/** Instrumentation for tests and benchmarks. */
export interface WarehouseCounters {
  /** appendLog calls that wrote entries (each is one appender batch in one transaction). */
  logBatches: number;
  logRows: number;
  /** read, stats and queryLog calls (each runs one SQL query). */
  queries: number;
  /** write calls. */
  writes: number;
}

export interface DuckDbWarehouseOptions {
  /** The partition column, when reads or writes may come before `ensureTables(plan)`. */
  partitionKey?: string;
  /** Close the database reference with the warehouse (set by `open`). */
  ownsDb?: boolean;
}

/** An entity filter as SQL: the column compared as text, since entity ids travel as strings. */
export function entityCondition(layout: TableLayout, column: string, ids: string[], alias = ''): { sql: string; params: SqlParam[] } {
  const col = layout.columns.find((c) => c.name === column);
  if (!col) throw new Error(`table ${layout.ref} has no column "${column}" to filter entities by`);
  const ref = `${alias}${ident(column)}`;
  const expr = col.type === 'string' ? ref : `CAST(${ref} AS VARCHAR)`;
  return { sql: `${expr} IN (SELECT unnest(?::VARCHAR[]))`, params: [listValue(ids)] };
}

export class DuckDbWarehouse implements Warehouse {
  static async open(file: string, opts: Omit<DuckDbWarehouseOptions, 'ownsDb'> = {}): Promise<DuckDbWarehouse> {
    return new DuckDbWarehouse(await openDuckDb(file), { ...opts, ownsDb: true });
  }

  private partitionKey?: string;
  private readonly layouts = new Map<string, TableLayout>();
  /** Tables created or evolved by this instance (keyed by ref), so each is checked once. */
  private readonly ensured = new Map<string, Promise<void>>();
  /** Per table: stored exactly as laid out, so flushes may append to it directly (appendableAsLaid). */
  private readonly appendable = new Map<string, boolean>();
  private readonly count: WarehouseCounters = { logBatches: 0, logRows: 0, queries: 0, writes: 0 };

  constructor(
    private readonly db: DuckDb,
    private readonly opts: DuckDbWarehouseOptions = {},
  ) {
    this.partitionKey = opts.partitionKey;
  }

  /** Counters since this warehouse was opened (a copy). */
  counters(): WarehouseCounters {
    return { ...this.count };
  }

  async ensureTables(plan: Plan): Promise<void> {
    this.partitionKey = plan.partition.key;
    const tables = [...plan.assets.values()].filter((a): a is TablePlan => a.kind === 'table');
    for (const table of tables) {
      this.layouts.delete(table.ref);
      this.ensured.delete(table.ref);
      await this.prepare(table);
    }
  }

  private layout(table: TablePlan): TableLayout {
    let layout = this.layouts.get(table.ref);
    if (!layout) {
      if (this.partitionKey === undefined) {
        throw new Error(`warehouse: partition column unknown for ${table.ref} — call ensureTables(plan) first or pass partitionKey`);
      }
      layout = tableLayout(table, this.partitionKey);
      this.layouts.set(table.ref, layout);
    }
    return layout;
  }

  /** The table's layout, creating or evolving the table on first use. */
  async prepare(table: TablePlan): Promise<TableLayout> {
    const layout = this.layout(table);
    let done = this.ensured.get(table.ref);
    if (!done) {
      done = this.db.transaction(
        async (conn) => {
          await ensureTable(conn, layout);
          this.appendable.set(table.ref, await appendableAsLaid(conn, layout));
        },
        { lock: 'ddl' },
      );
      this.ensured.set(table.ref, done);
      done.catch(() => this.ensured.delete(table.ref));
    }
    await done;
    return layout;
  }

  async read(table: TablePlan, query: ReadQuery): Promise<Row[]> {
    const layout = await this.prepare(table);
    if (query.partitions.length === 0 || query.entities?.ids.length === 0) return [];
    this.count.queries++;
    const conditions = [`${ident(layout.partitionColumn.name)} IN (${query.partitions.map(() => typedParam(layout.partitionColumn)).join(', ')})`];
    const params: SqlParam[] = [...query.partitions];
    if (query.entities) {
      const c = entityCondition(layout, query.entities.column, query.entities.ids);
      conditions.push(c.sql);
      params.push(...c.params);
    }
    const columns = layout.columns.map((c) => ident(c.name)).join(', ');
    const order = layout.key.map(ident).join(', ');
    return this.db.all(`SELECT ${columns} FROM ${layout.sql} WHERE ${conditions.join(' AND ')} ORDER BY ${order}`, params);
  }

  async write(table: TablePlan, request: WriteRequest): Promise<WriteResult> {
    const layout = await this.prepare(table);
    const rows = encodeRows(layout, request.partition, request.rows);
    this.count.writes++;
    return this.db.transaction((conn) => this.apply(conn, layout, request, rows), { lock: `table:${layout.ref}` });
  }

  /** `fn` with the rows staged in a temporary table of the layout's columns (DuckConn.staged). */
  private appendRows(appender: DuckDBAppender, layout: TableLayout, rows: Encoded[][]): void {
    rows.forEach((row, i) => {
      try {
        row.forEach((v, j) => appendValue(appender, layout.columns[j]!.type, v));
        appender.endRow();
      } catch (err) {
        throw new Error(`table ${layout.ref}, row ${i} (after de-duplication): ${(err as Error).message}`);
      }
    });
  }

  private stage<T>(conn: DuckConn, layout: TableLayout, rows: Encoded[][], fn: (staging: string) => Promise<T>): Promise<T> {
    const columns = layout.columns.map((c) => `${ident(c.name)} ${SQL_TYPES[c.type]}`).join(', ');
    return conn.staged(columns, (appender) => this.appendRows(appender, layout, rows), fn);
  }

  /** `INSERT … ON CONFLICT` of the staged rows by key; `changedOnly` skips rows whose values are equal. */
  private upsertSql(layout: TableLayout, staging: string, changedOnly: boolean): string {
    const cols = layout.columns.map((c) => ident(c.name));
    const valueCols = layout.columns.filter((c) => !layout.key.includes(c.name)).map((c) => ident(c.name));
    const onConflict = valueCols.length
      ? `DO UPDATE SET ${valueCols.map((c) => `${c} = excluded.${c}`).join(', ')}` +
        (changedOnly ? ` WHERE (${valueCols.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${valueCols.map((c) => `excluded.${c}`).join(', ')})` : '')
      : 'DO NOTHING';
    return `INSERT INTO ${layout.sql} AS t (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${staging} ON CONFLICT (${layout.key.map(ident).join(', ')}) ${onConflict}`;
  }

  private keyMatch(layout: TableLayout): string {
    return layout.key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' AND ');
  }

  /** Apply one write on `conn`, inside the caller's transaction, and count what it changed. */
  private async apply(conn: DuckConn, layout: TableLayout, request: WriteRequest, rows: Encoded[][]): Promise<WriteResult> {
    const part = layout.partitionColumn;
    return this.stage(conn, layout, rows, async (staging) => {
      const inserted = Number(
        await conn.scalar(`SELECT count(*) FROM ${staging} s WHERE NOT EXISTS (SELECT 1 FROM ${layout.sql} t WHERE ${this.keyMatch(layout)})`),
      );
      const changed = await conn.run(this.upsertSql(layout, staging, true));
      let deleted = 0;
      if (request.mode === 'replace') {
        const conditions = [`t.${ident(part.name)} = ${typedParam(part)}`, `NOT EXISTS (SELECT 1 FROM ${staging} s WHERE ${this.keyMatch(layout)})`];
        const params: SqlParam[] = [request.partition];
        if (request.scope) {
          const c = entityCondition(layout, request.scope.column, request.scope.ids, 't.');
          conditions.push(c.sql);
          params.push(...c.params);
        }
        deleted = await conn.run(`DELETE FROM ${layout.sql} AS t WHERE ${conditions.join(' AND ')}`, params);
      }
      const total = Number(
        await conn.scalar(`SELECT count(*) FROM ${layout.sql} WHERE ${ident(part.name)} = ${typedParam(part)}`, [request.partition]),
      );
      return { inserted, updated: changed - inserted, deleted, rows: total };
    });
  }

  /**
   * Persist final contents on `conn`, inside the caller's transaction (the write-behind warehouse's
   * flush): the rows upserted by key, and in each of the `replaced` partitions every row they lack
   * deleted — so for those, `rows` holds the partition's whole content. No counts: nobody waits.
   */
  /**
   * Persist a write-behind flush's changes to one table on `conn` (the flush's transaction): `rows`
   * upserted by key, the `replaced` partitions' other rows deleted, and `appended` — rows whose keys
   * the caller knows are not stored (a new partition's, a new key's) — added by the appender straight
   * into the table, without a staging table or an upsert, when the table is laid out as the spec says.
   */
  async persist(conn: DuckConn, table: TablePlan, rows: Encoded[][], replaced: readonly string[], appended: Encoded[][] = []): Promise<void> {
    const layout = await this.prepare(table);
    const part = layout.partitionColumn;
    if (appended.length && !this.appendable.get(table.ref)) {
      rows = [...rows, ...appended];
      appended = [];
    }
    if (appended.length) {
      const appender = await conn.raw.createAppender(layout.name, layout.schema);
      try {
        this.appendRows(appender, layout, appended);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    }
    if (!rows.length && !replaced.length) return;
    await this.stage(conn, layout, rows, async (staging) => {
      if (rows.length) await conn.run(this.upsertSql(layout, staging, false));
      if (replaced.length) {
        await conn.run(
          `DELETE FROM ${layout.sql} AS t WHERE t.${ident(part.name)} IN (${replaced.map(() => typedParam(part)).join(', ')}) ` +
            `AND NOT EXISTS (SELECT 1 FROM ${staging} s WHERE ${this.keyMatch(layout)})`,
          [...replaced],
        );
      }
    });
  }

  /** The partitions that hold rows (as text, the form partitions travel in). */
  async partitionsWithRows(table: TablePlan): Promise<Set<string>> {
    const layout = await this.prepare(table);
    this.count.queries++;
    const col = ident(layout.partitionColumn.name);
    const rows = await this.db.all(`SELECT DISTINCT CAST(${col} AS VARCHAR) AS p FROM ${layout.sql}`);
    return new Set(rows.map((r) => String(r.p)));
  }

  async stats(table: TablePlan, partition: string): Promise<PartitionStats> {
    const layout = await this.prepare(table);
    this.count.queries++;
    const part = layout.partitionColumn;
    const rows = await this.db.all(`SELECT count(*) AS n FROM ${layout.sql} WHERE ${ident(part.name)} = ${typedParam(part)}`, [partition]);
    return { rows: Number(rows[0]?.n ?? 0) };
  }

  async appendLog(entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await appendLogEntries(this.db, entries);
    this.count.logBatches++;
    this.count.logRows += entries.length;
  }

  async queryLog(query: LogQuery): Promise<LogEntry[]> {
    this.count.queries++;
    return queryLogEntries(this.db, query);
  }

  async close(): Promise<void> {
    if (this.opts.ownsDb) await this.db.close();
  }
}
