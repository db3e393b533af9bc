// The local warehouse as the engine uses it by default (with the write-behind state): table partitions
// are held in memory (partition-cache.ts) and every write is applied there at once — the row count,
// what changed, what the next processor reads — while DuckDB gets the changes with the next state
// flush, in the same DuckDB transaction as the state batch (write-behind-state.ts).
//
// Why: a set-based upsert into DuckDB costs 10–15 ms (a staging table, an INSERT … ON CONFLICT, the
// counts, the commit) against well under a millisecond in memory, and it sat between one processor's
// return and the next one's start. What a crash can lose is what the state could lose already: the
// last flush interval (~50 ms), data and the state that names it together, never state without its
// data; `pipeline run` or `reconcile` repeats the lost tail.
//
// Each flush writes every partition changed since the last one once: the rows whose keys were
// written, or — when a key was deleted — the partition's whole content (a replace). Rows whose keys
// DuckDB does not have yet (a new day's, a new key's: `CachedPartition.stored`) are appended straight
// into the table; the others go through a staged upsert.
// Partitions not changed are evicted least recently used beyond `maxCachedRows`. Tables whose values
// cannot round-trip through plain JavaScript (see `notCacheable`) are written through to DuckDB.
import type { LogEntry, LogQuery, PartitionStats, ReadQuery, Row, Warehouse, WriteRequest, WriteResult } from '../../ports.js';
import type { Plan, TablePlan } from '../../spec/plan.js';
import type { DuckConn } from './duckdb.js';
import { CachedPartition, copyRows, decodeRow, filterableInMemory, keyOf, keyOrder, notCacheable, type PlainRow } from './partition-cache.js';
import { encodeRows, type Encoded } from './row-encoding.js';
import type { TableLayout } from './table-layout.js';
import type { DuckDbWarehouse, WarehouseCounters } from './warehouse.js';
import type { FlushParticipant, Flusher, PendingChanges } from './write-behind-state.js';

export interface WriteBehindCounters {
  /** Writes applied in memory, persisted later. */
  cachedWrites: number;
  /** Writes to tables that are not held in memory (committed before they return). */
  writesThrough: number;
  /** Reads answered from memory. */
  cachedReads: number;
  /** Partitions loaded from DuckDB (one query may load several). */
  loads: number;
  evictions: number;
  /** Partition changes persisted by flushes. */
  partitionsFlushed: number;
}

const DEFAULT_MAX_CACHED_ROWS = 500_000;

export class WriteBehindWarehouse implements Warehouse, FlushParticipant {
  /** `ref\0partition` → partition, least recently used first. */
  private readonly parts = new Map<string, CachedPartition>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly dirty = new Set<CachedPartition>();
  private readonly verdicts = new Map<string, string | undefined>();
  /** Per table, the partitions DuckDB has rows in (read once): a partition outside it loads without a query. */
  private readonly onDisk = new Map<string, Promise<Set<string>>>();
  private readonly onDiskKnown = new Map<string, Set<string>>();
  private cachedRows = 0;
  readonly counts: WriteBehindCounters = { cachedWrites: 0, writesThrough: 0, cachedReads: 0, loads: 0, evictions: 0, partitionsFlushed: 0 };

  constructor(
    private readonly disk: DuckDbWarehouse,
    private readonly flusher: Flusher,
    private readonly opts: { maxCachedRows?: number } = {},
  ) {}

  /** The DuckDB warehouse's own counters (statements it ran). */
  counters(): WarehouseCounters {
    return this.disk.counters();
  }

  async ensureTables(plan: Plan): Promise<void> {
    // Tables may gain columns: what is held in memory was read with the old layout.
    await this.flusher.flush();
    for (const [k, p] of this.parts) if (p.clean) this.drop(k, p);
    this.verdicts.clear();
    this.onDisk.clear();
    this.onDiskKnown.clear();
    await this.disk.ensureTables(plan);
  }

  /** The table's layout when it is held in memory, undefined when it is written through. */
  private async cached(table: TablePlan): Promise<TableLayout | undefined> {
    const layout = await this.disk.prepare(table);
    if (!this.verdicts.has(table.ref)) this.verdicts.set(table.ref, notCacheable(table, layout));
    return this.verdicts.get(table.ref) === undefined ? layout : undefined;
  }

  private drop(k: string, p: CachedPartition): void {
    this.parts.delete(k);
    this.cachedRows -= p.rows.size;
  }

  /** Make sure these partitions are in memory: the missing ones loaded with one query. */
  private async load(table: TablePlan, layout: TableLayout, partitions: string[]): Promise<void> {
    const missing = partitions.filter((d) => !this.parts.has(`${table.ref}\0${d}`) && !this.loading.has(`${table.ref}\0${d}`));
    if (missing.length) {
      const job = (async () => {
        // A new partition (a new day) is empty: no query for it. The set only grows, with every partition
        // this process writes rows to; a partition emptied since only costs one query. Only where the
        // partition column's text is the partition's (a date or a string column).
        let toRead = missing;
        if (layout.partitionColumn.type === 'date' || layout.partitionColumn.type === 'string') {
          let known = this.onDisk.get(table.ref);
          if (!known) {
            this.onDisk.set(table.ref, (known = this.disk.partitionsWithRows(table)));
            void known.then((set) => this.onDiskKnown.set(table.ref, set), () => this.onDisk.delete(table.ref));
          }
          const stored = await known;
          toRead = missing.filter((d) => stored.has(d));
        }
        const rows = toRead.length ? ((await this.disk.read(table, { partitions: toRead })) as PlainRow[]) : [];
        const byPartition = new Map(missing.map((d) => [d, new CachedPartition(table, layout, d)] as const));
        const col = layout.partitionColumn.name;
        for (const r of rows) {
          const p = byPartition.get(String(r[col]));
          const k = keyOf(layout, r);
          p?.rows.set(k, r);
          p?.stored.add(k);
        }
        for (const [d, p] of byPartition) {
          this.parts.set(`${table.ref}\0${d}`, p);
          this.cachedRows += p.rows.size;
          this.counts.loads++;
        }
      })();
      for (const d of missing) this.loading.set(`${table.ref}\0${d}`, job);
      void job.catch(() => undefined).finally(() => missing.forEach((d) => this.loading.delete(`${table.ref}\0${d}`)));
    }
    await Promise.all(partitions.map((d) => this.loading.get(`${table.ref}\0${d}`)));
  }

  /** The partition in memory, loaded if need be; checked after the wait, since an eviction may run meanwhile. */
  private async partition(table: TablePlan, layout: TableLayout, partition: string): Promise<CachedPartition> {
    const k = `${table.ref}\0${partition}`;
    for (;;) {
      await this.load(table, layout, [partition]);
      const p = this.parts.get(k);
      if (!p) continue;
      // Most recently used last.
      this.parts.delete(k);
      this.parts.set(k, p);
      return p;
    }
  }

  async read(table: TablePlan, query: ReadQuery): Promise<Row[]> {
    const layout = await this.cached(table);
    if (!layout) return this.disk.read(table, query);
    if (query.partitions.length === 0 || query.entities?.ids.length === 0) return [];
    if (query.entities && !filterableInMemory(layout, query.entities.column)) {
      // A filter DuckDB must evaluate (its CAST to text): persist what is pending, then ask DuckDB.
      await this.flusher.flush();
      return this.disk.read(table, query);
    }
    const partitions = [...new Set(query.partitions)];
    await this.load(table, layout, partitions);
    const order = keyOrder(layout);
    const ids = query.entities ? new Set(query.entities.ids) : undefined;
    const column = query.entities?.column;
    const out: PlainRow[] = [];
    for (const d of partitions) {
      const p = this.parts.get(`${table.ref}\0${d}`);
      // Evicted between the load and now: it was unchanged, so DuckDB has it.
      const rows = p ? p.rows.values() : ((await this.disk.read(table, { partitions: [d] })) as PlainRow[]).values();
      for (const r of rows) if (!ids || ids.has(String(r[column!]))) out.push(r);
    }
    this.counts.cachedReads++;
    return copyRows(out.sort(order));
  }

  async write(table: TablePlan, request: WriteRequest): Promise<WriteResult> {
    const layout = await this.cached(table);
    if (!layout || (request.scope && !filterableInMemory(layout, request.scope.column))) {
      if (layout) await this.demote(table, `scope column ${request.scope!.column} cannot be matched in memory`);
      this.counts.writesThrough++;
      return this.disk.write(table, request);
    }
    if (this.flusher.failure) throw this.flusher.failure;
    // Checked and encoded first: a bad row fails the write before anything changes.
    const encoded = encodeRows(layout, request.partition, request.rows);
    const part = await this.partition(table, layout, request.partition);
    if (this.flusher.failure) throw this.flusher.failure;
    // From here to the return nothing waits: the write is applied as one step.
    const incoming = new Map<string, PlainRow>();
    for (const values of encoded) {
      const row = decodeRow(layout.columns, values);
      incoming.set(keyOf(layout, row), row);
    }
    let inserted = 0;
    let updated = 0;
    let deleted = 0;
    if (request.mode === 'replace') {
      const scope = request.scope ? { column: request.scope.column, ids: new Set(request.scope.ids) } : undefined;
      for (const [k, r] of part.rows) {
        if (incoming.has(k) || (scope && !scope.ids.has(String(r[scope.column])))) continue;
        part.rows.delete(k);
        part.touched.delete(k);
        part.deletedSince = true;
        deleted++;
      }
    }
    for (const [k, row] of incoming) {
      const old = part.rows.get(k);
      if (!old) inserted++;
      else if (JSON.stringify(old) !== JSON.stringify(row)) updated++;
      else continue;
      part.rows.set(k, row);
      part.touched.add(k);
    }
    this.cachedRows += inserted - deleted;
    this.counts.cachedWrites++;
    // Before the partition can be evicted (it is not clean until flushed), so a reload reads it.
    if (part.rows.size) this.onDiskKnown.get(table.ref)?.add(request.partition);
    if (!part.clean) {
      this.dirty.add(part);
      this.flusher.schedule();
    }
    this.evict();
    return { inserted, updated, deleted, rows: part.rows.size };
  }

  /** Stop holding a table in memory: persist what is pending and forget its partitions. */
  private async demote(table: TablePlan, reason: string): Promise<void> {
    this.verdicts.set(table.ref, reason);
    await this.flusher.flush();
    for (const [k, p] of this.parts) if (k.startsWith(`${table.ref}\0`)) this.drop(k, p);
  }

  private evict(): void {
    const max = this.opts.maxCachedRows ?? DEFAULT_MAX_CACHED_ROWS;
    if (this.cachedRows <= max) return;
    for (const [k, p] of this.parts) {
      if (this.cachedRows <= max * 0.8) break;
      if (!p.clean) continue;
      this.drop(k, p);
      this.counts.evictions++;
    }
  }

  async stats(table: TablePlan, partition: string): Promise<PartitionStats> {
    const layout = await this.cached(table);
    const p = layout ? this.parts.get(`${table.ref}\0${partition}`) : undefined;
    // Not in memory: nothing of it is pending either (a written partition stays until flushed).
    return p ? { rows: p.rows.size } : this.disk.stats(table, partition);
  }

  take(): PendingChanges | undefined {
    if (!this.dirty.size) return undefined;
    // Per table: the rows to upsert (a replaced partition's whole content) and the replaced partitions.
    const byTable = new Map<string, { table: TablePlan; rows: Array<{ p: CachedPartition; rows: PlainRow[] }>; replaced: string[] }>();
    for (const p of this.dirty) {
      let t = byTable.get(p.table.ref);
      if (!t) byTable.set(p.table.ref, (t = { table: p.table, rows: [], replaced: [] }));
      // Row objects are never changed in place (a write sets new ones), so references are a snapshot.
      t.rows.push({ p, rows: p.deletedSince ? [...p.rows.values()] : [...p.touched].map((k) => p.rows.get(k)!) });
      if (p.deletedSince) t.replaced.push(p.partition);
      p.touched = new Set();
      p.deletedSince = false;
      p.inFlight++;
    }
    this.dirty.clear();
    const tables = [...byTable.values()];
    return {
      persist: async (conn: DuckConn) => {
        for (const t of tables) {
          // Which keys DuckDB has is known only now, after the flushes before this one settled.
          const upserts: Encoded[][] = [];
          const appends: Encoded[][] = [];
          for (const { p, rows } of t.rows) {
            if (t.replaced.includes(p.partition)) {
              upserts.push(...encodeRows(p.layout, p.partition, rows));
              continue;
            }
            const fresh: PlainRow[] = [];
            const known: PlainRow[] = [];
            for (const r of rows) (p.stored.has(keyOf(p.layout, r)) ? known : fresh).push(r);
            if (fresh.length) appends.push(...encodeRows(p.layout, p.partition, fresh));
            if (known.length) upserts.push(...encodeRows(p.layout, p.partition, known));
          }
          await this.disk.persist(conn, t.table, upserts, t.replaced, appends);
        }
      },
      settled: (ok) => {
        for (const t of tables) {
          for (const { p, rows } of t.rows) {
            p.inFlight--;
            if (!ok) continue;
            if (t.replaced.includes(p.partition)) p.stored = new Set();
            for (const r of rows) p.stored.add(keyOf(p.layout, r));
          }
        }
        if (ok) this.counts.partitionsFlushed += tables.reduce((n, t) => n + t.rows.length, 0);
      },
    };
  }

  appendLog(entries: LogEntry[]): Promise<void> {
    return this.disk.appendLog(entries);
  }

  queryLog(query: LogQuery): Promise<LogEntry[]> {
    return this.disk.queryLog(query);
  }

  close(): Promise<void> {
    return this.disk.close();
  }
}
