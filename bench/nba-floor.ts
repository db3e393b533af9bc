// The physical floor of one NBA date's table I/O (issue 14, item 2): the same reads and writes the
// cascade made, replayed as raw DuckDB — one SELECT per read (the same partitions and entity filter,
// materialised as JavaScript rows, as a processor needs them) and one appender write plus COMMIT per
// write (into tables of the same columns without a key, so nothing is checked or merged) — against the
// engine's cost for them: the time inside the warehouse port's read and write calls, plus every
// write-behind flush of the cascade (which persists those rows, and the state with them).
//
// The replay runs on the same DuckDB file after the cascade, on a connection of its own: the reads see
// the date's final rows (at least as many as each run saw), so the floor errs on the high side.
import { performance } from 'node:perf_hooks';
import type { DuckDBValue } from '@duckdb/node-api';
import { openDuckDb, type DuckConn } from '../engine/backends/local/duckdb.js';
import { ident } from '../engine/backends/local/duckdb-values.js';
import { appendValue, encodeRows } from '../engine/backends/local/row-encoding.js';
import { DuckDbStateStore } from '../engine/backends/local/state-store.js';
import { SQL_TYPES, tableLayout, type TableLayout } from '../engine/backends/local/table-layout.js';
import { entityCondition } from '../engine/backends/local/warehouse.js';
import type { ReadQuery, Warehouse, WriteRequest } from '../engine/ports.js';
import type { Plan, TablePlan } from '../engine/spec/plan.js';

interface IoRecord {
  kind: 'read' | 'write';
  table: TablePlan;
  query?: ReadQuery;
  request?: WriteRequest;
  rows: number;
  ms: number;
}

export interface IoRecorder {
  records: IoRecord[];
  /** Time in write-behind flushes (state and table rows persisted together). */
  flushMs: number;
  flushes: number;
  stop(): void;
}

/** Time every warehouse read and write of `warehouse`, and every flush of the process's DuckDB state stores. */
export function recordIo(warehouse: Warehouse): IoRecorder {
  const rec: IoRecorder = { records: [], flushMs: 0, flushes: 0, stop: () => undefined };
  const read = warehouse.read.bind(warehouse);
  const write = warehouse.write.bind(warehouse);
  const persist = DuckDbStateStore.prototype.persist;
  warehouse.read = async (table, query) => {
    const t = performance.now();
    const rows = await read(table, query);
    rec.records.push({ kind: 'read', table, query, rows: rows.length, ms: performance.now() - t });
    return rows;
  };
  warehouse.write = async (table, request) => {
    const t = performance.now();
    const out = await write(table, request);
    rec.records.push({ kind: 'write', table, request, rows: request.rows.length, ms: performance.now() - t });
    return out;
  };
  DuckDbStateStore.prototype.persist = async function (this: DuckDbStateStore, ...args: Parameters<typeof persist>) {
    const t = performance.now();
    try {
      return await persist.apply(this, args);
    } finally {
      rec.flushMs += performance.now() - t;
      rec.flushes++;
    }
  };
  rec.stop = () => {
    warehouse.read = read;
    warehouse.write = write;
    DuckDbStateStore.prototype.persist = persist;
  };
  return rec;
}

export interface Floor {
  reads: number;
  writes: number;
  rowsRead: number;
  rowsWritten: number;
  readMs: number;
  writeMs: number;
}

/** Replay the recorded reads and writes as raw DuckDB on `file` (see the header). */
export async function measureFloor(file: string, plan: Plan, records: IoRecord[]): Promise<Floor> {
  const db = await openDuckDb(file);
  const floor: Floor = { reads: 0, writes: 0, rowsRead: 0, rowsWritten: 0, readMs: 0, writeMs: 0 };
  const layouts = new Map<string, TableLayout>();
  const layoutOf = (t: TablePlan) => {
    let l = layouts.get(t.ref);
    if (!l) layouts.set(t.ref, (l = tableLayout(t, plan.partition.key)));
    return l;
  };
  try {
    await db.withConnection(async (conn) => {
      await conn.run('CREATE SCHEMA IF NOT EXISTS _floor');
      for (const t of new Set(records.filter((r) => r.kind === 'write').map((r) => r.table))) {
        const l = layoutOf(t);
        await conn.run(`CREATE OR REPLACE TABLE _floor.${ident(`${l.schema}__${l.name}`)} (${l.columns.map((c) => `${ident(c.name)} ${SQL_TYPES[c.type]}`).join(', ')})`);
      }
      for (const r of records) {
        const l = layoutOf(r.table);
        if (r.kind === 'read') await floorRead(conn, l, r.query!, floor);
        else await floorWrite(conn, l, r.request!, floor);
      }
      await conn.run('DROP SCHEMA _floor CASCADE');
    });
  } finally {
    await db.close();
  }
  return floor;
}

async function floorRead(conn: DuckConn, l: TableLayout, q: ReadQuery, floor: Floor): Promise<void> {
  if (q.partitions.length === 0) return;
  const conditions = [`${ident(l.partitionColumn.name)} IN (${q.partitions.map(() => `?::${SQL_TYPES[l.partitionColumn.type]}`).join(', ')})`];
  const params: DuckDBValue[] = [...q.partitions];
  if (q.entities) {
    const c = entityCondition(l, q.entities.column, q.entities.ids);
    conditions.push(c.sql);
    params.push(...c.params);
  }
  const t = performance.now();
  const reader = await conn.raw.runAndReadAll(`SELECT * FROM ${l.sql} WHERE ${conditions.join(' AND ')}`, params);
  const rows = reader.getRowObjectsJS();
  floor.readMs += performance.now() - t;
  floor.reads++;
  floor.rowsRead += rows.length;
}

async function floorWrite(conn: DuckConn, l: TableLayout, w: WriteRequest, floor: Floor): Promise<void> {
  const t = performance.now();
  const encoded = encodeRows(l, w.partition, w.rows);
  await conn.raw.run('BEGIN TRANSACTION');
  const appender = await conn.raw.createAppender(`${l.schema}__${l.name}`, '_floor');
  for (const row of encoded) {
    row.forEach((v, j) => appendValue(appender, l.columns[j]!.type, v));
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
  await conn.raw.run('COMMIT');
  floor.writeMs += performance.now() - t;
  floor.writes++;
  floor.rowsWritten += encoded.length;
}

export interface EngineIo {
  /** Σ of the reads' time inside the cascade: latency, inflated by the runs in progress beside them. */
  readMsInCascade: number;
  /** The same reads again through the engine's warehouse, one at a time, after the cascade (as the floor's are). */
  readMs: number;
  writeMs: number;
  flushMs: number;
  flushes: number;
}

/**
 * The engine's side of the same I/O: its reads replayed one at a time through its own warehouse (the
 * cascade runs many at once, so their time there is mostly waiting for the CPU), and its writes as
 * the cascade made them plus the flushes that persisted them.
 */
export async function engineIo(rec: IoRecorder, warehouse: Warehouse): Promise<EngineIo> {
  const reads = rec.records.filter((r) => r.kind === 'read');
  const t = performance.now();
  for (const r of reads) await warehouse.read(r.table, r.query!);
  const readMs = performance.now() - t;
  const sum = (rs: IoRecord[]) => rs.reduce((a, r) => a + r.ms, 0);
  return { readMsInCascade: sum(reads), readMs, writeMs: sum(rec.records.filter((r) => r.kind === 'write')), flushMs: rec.flushMs, flushes: rec.flushes };
}
