// In-memory StateStore: dry runs (`pipeline plan`) and fast scenario tests. Transactions are
// serialized and all-or-nothing; documents are copied in and out so callers never share objects.
import type { Collection, Filter, StateStore, StateTx } from '../../ports.js';
import { Mutex } from './mutex.js';

export function matches(doc: Record<string, unknown>, f: Filter): boolean {
  for (const [k, v] of Object.entries(f.eq ?? {})) if (doc[k] !== v) return false;
  if (f.range) {
    const v = doc[f.range.field] as string | number | undefined;
    if (v === undefined) return false;
    if (f.range.gte !== undefined && v < f.range.gte) return false;
    if (f.range.lte !== undefined && v > f.range.lte) return false;
  }
  return true;
}

export class MemoryStateStore implements StateStore {
  private readonly data = new Map<Collection, Map<string, unknown>>();
  private readonly mutex = new Mutex();

  constructor(seed?: Record<string, Record<string, unknown>>) {
    for (const [c, docs] of Object.entries(seed ?? {})) this.data.set(c as Collection, new Map(Object.entries(docs).map(([id, d]) => [id, structuredClone(d)])));
  }

  private col(c: Collection): Map<string, unknown> {
    let m = this.data.get(c);
    if (!m) this.data.set(c, (m = new Map()));
    return m;
  }

  async transaction<T>(fn: (tx: StateTx) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const writes: Array<[Collection, string, unknown | undefined]> = [];
      const pending = (c: Collection, id: string) => {
        for (let i = writes.length - 1; i >= 0; i--) if (writes[i]![0] === c && writes[i]![1] === id) return { hit: true, doc: writes[i]![2] };
        return { hit: false, doc: undefined };
      };
      const tx: StateTx = {
        get: async <D>(c: Collection, id: string) => {
          const p = pending(c, id);
          return structuredClone((p.hit ? p.doc : this.col(c).get(id)) as D | undefined);
        },
        getMany: async <D>(c: Collection, ids: string[]) => Promise.all(ids.map((id) => tx.get<D>(c, id))),
        query: async <D>(c: Collection, f: Filter) => this.queryNow<D>(c, f),
        set: (c, id, doc) => void writes.push([c, id, structuredClone(doc)]),
        delete: (c, id) => void writes.push([c, id, undefined]),
      };
      const result = await fn(tx);
      for (const [c, id, doc] of writes) {
        if (doc === undefined) this.col(c).delete(id);
        else this.col(c).set(id, doc);
      }
      return result;
    });
  }

  async get<T>(c: Collection, id: string): Promise<T | undefined> {
    return structuredClone(this.col(c).get(id) as T | undefined);
  }

  async query<T>(c: Collection, f: Filter): Promise<T[]> {
    return this.queryNow<T>(c, f);
  }

  private queryNow<T>(c: Collection, f: Filter): T[] {
    let hits = [...this.col(c)].filter(([, doc]) => matches(doc as Record<string, unknown>, f));
    // Same order as the DuckDB store: by the range field, then id.
    if (f.range) {
      const k = f.range.field;
      hits = hits.sort(([ia, a], [ib, b]) => {
        const va = (a as Record<string, string | number>)[k]!;
        const vb = (b as Record<string, string | number>)[k]!;
        return va < vb ? -1 : va > vb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0;
      });
    }
    if (f.limit) hits = hits.slice(0, f.limit);
    return hits.map(([, doc]) => structuredClone(doc as T));
  }

  /** Everything, for persisting a dry-run state or seeding from another store. */
  dump(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [c, m] of this.data) out[c] = Object.fromEntries([...m].map(([id, d]) => [id, structuredClone(d)]));
    return out;
  }

  async close(): Promise<void> {}
}
