// In-memory Warehouse, ObjectStore and DocumentStore for dry runs and scenario tests. The warehouse
// keeps rows per table and partition and upserts by key like the real ones, so scenario tests see the
// same semantics; the execution log is an array.
import { cloneValue } from '../clone.js';
import type {
  DocumentStore, LogEntry, LogQuery, ObjectStore, PartitionStats, ReadQuery, Row, StoredObject, Warehouse, WriteRequest, WriteResult,
} from '../../ports.js';
import type { Plan, TablePlan } from '../../spec/plan.js';

export class MemoryWarehouse implements Warehouse {
  private readonly tables = new Map<string, Map<string, Map<string, Row>>>();
  readonly log: LogEntry[] = [];
  readonly counters = { reads: 0, writes: 0, logBatches: 0, stats: 0 };

  async ensureTables(_plan: Plan): Promise<void> {}

  private part(table: TablePlan, partition: string): Map<string, Row> {
    let t = this.tables.get(table.ref);
    if (!t) this.tables.set(table.ref, (t = new Map()));
    let p = t.get(partition);
    if (!p) t.set(partition, (p = new Map()));
    return p;
  }

  async read(table: TablePlan, q: ReadQuery): Promise<Row[]> {
    this.counters.reads++;
    const out: Row[] = [];
    for (const d of q.partitions) {
      for (const r of this.part(table, d).values()) if (!q.entities || q.entities.ids.includes(String(r[q.entities.column]))) out.push(cloneValue(r));
    }
    return out;
  }

  async write(table: TablePlan, w: WriteRequest): Promise<WriteResult> {
    this.counters.writes++;
    const part = this.part(table, w.partition);
    const key = (r: Row) => table.key.map((k) => String(r[k])).join('\u0001');
    const incoming = new Map(w.rows.map((r) => [key(r), r] as const));
    let inserted = 0;
    let updated = 0;
    let deleted = 0;
    if (w.mode === 'replace') {
      for (const [k, r] of part) {
        const inScope = !w.scope || w.scope.ids.includes(String(r[w.scope.column]));
        if (inScope && !incoming.has(k)) {
          part.delete(k);
          deleted++;
        }
      }
    }
    for (const [k, r] of incoming) {
      if (part.has(k)) updated++;
      else inserted++;
      part.set(k, cloneValue(r));
    }
    return { inserted, updated, deleted, rows: part.size };
  }

  async stats(table: TablePlan, partition: string): Promise<PartitionStats> {
    this.counters.stats++;
    return { rows: this.part(table, partition).size };
  }

  async appendLog(entries: LogEntry[]): Promise<void> {
    this.counters.logBatches++;
    this.log.push(...entries.map((e) => cloneValue(e)));
  }

  async queryLog(q: LogQuery): Promise<LogEntry[]> {
    const out = this.log.filter(
      (e) =>
        (!q.processor || e.processor === q.processor) && (!q.partition || e.partition === q.partition) && (!q.executionId || e.executionId === q.executionId) &&
        (!q.correlationId || e.correlationId === q.correlationId) && (!q.event || e.event === q.event) && (q.since === undefined || e.ts >= q.since),
    );
    return q.limit ? out.slice(-q.limit) : out;
  }

  async close(): Promise<void> {}
}

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  constructor(private readonly now: () => number = () => 0) {}

  async put(bucket: string, path: string, body: Buffer | string, opts: { contentType?: string; metadata?: Record<string, string> } = {}): Promise<void> {
    this.objects.set(`${bucket}/${path}`, { path, body: Buffer.from(body), contentType: opts.contentType ?? 'application/octet-stream', metadata: opts.metadata ?? {}, updatedAt: this.now() });
  }

  async get(bucket: string, path: string): Promise<StoredObject | undefined> {
    return this.objects.get(`${bucket}/${path}`);
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    const p = `${bucket}/${prefix}`;
    return [...this.objects.keys()].filter((k) => k.startsWith(p)).map((k) => k.slice(bucket.length + 1)).sort();
  }
}

export class MemoryDocumentStore implements DocumentStore {
  readonly docs = new Map<string, Record<string, unknown>>();

  async put(path: string, doc: Record<string, unknown>): Promise<void> {
    this.docs.set(path, cloneValue(doc));
  }

  async get(path: string): Promise<Record<string, unknown> | undefined> {
    return cloneValue(this.docs.get(path));
  }

  async list(collectionPath: string): Promise<string[]> {
    const depth = collectionPath.split('/').length + 1;
    return [...this.docs.keys()].filter((k) => k.startsWith(`${collectionPath}/`) && k.split('/').length === depth).sort();
  }
}
