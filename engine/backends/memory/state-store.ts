// In-memory StateStore: dry runs (`pipeline plan`) and fast scenario tests. Transactions are
// serialized and all-or-nothing; documents are copied in and out so callers never share objects.
import { cloneValue } from '../clone.js';
import type { Collection, Filter, StateStore, StateTx } from '../../ports.js';
import { filterDocs, overlayWrites, type FilterHit } from '../filter.js';
import { EqualityIndexes } from './equality-index.js';
import { Mutex } from './mutex.js';
import { swapInTransaction } from '../swap.js';

export class MemoryStateStore implements StateStore {
  private readonly data = new Map<Collection, Map<string, unknown>>();
  private readonly mutex = new Mutex();
  private readonly indexes = new EqualityIndexes();

  constructor(seed?: Record<string, Record<string, unknown>>) {
    for (const [c, docs] of Object.entries(seed ?? {})) this.data.set(c as Collection, new Map(Object.entries(docs).map(([id, d]) => [id, cloneValue(d)])));
  }

  private col(c: Collection): Map<string, unknown> {
    let m = this.data.get(c);
    if (!m) this.data.set(c, (m = new Map()));
    return m;
  }

  swap<T extends object>(collection: Collection, id: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    return swapInTransaction(this, collection, id, fn);
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
          return cloneValue((p.hit ? p.doc : this.col(c).get(id)) as D | undefined);
        },
        getMany: async <D>(c: Collection, ids: string[]) => Promise.all(ids.map((id) => tx.get<D>(c, id))),
        getAll: async (keys) => Promise.all(keys.map((k) => tx.get(k.collection, k.id))),
        // Like the DuckDB and Firestore stores, a transaction's queries see its own buffered writes.
        query: async <D>(c: Collection, f: Filter) => {
          const latest = new Map<string, Record<string, unknown> | undefined>();
          for (const [wc, id, doc] of writes) if (wc === c) latest.set(id, doc as Record<string, unknown> | undefined);
          const stored = filterDocs(this.candidates(c, f), { ...f, limit: undefined });
          return overlayWrites(f, stored, [...latest].map(([id, doc]) => ({ id, doc }))).map((h) => cloneValue(h.doc as D));
        },
        set: (c, id, doc) => void writes.push([c, id, cloneValue(doc)]),
        delete: (c, id) => void writes.push([c, id, undefined]),
      };
      const result = await fn(tx);
      for (const [c, id, doc] of writes) {
        const col = this.col(c);
        this.indexes.replace(c, id, col.get(id), doc);
        if (doc === undefined) col.delete(id);
        else col.set(id, doc);
      }
      return result;
    });
  }

  async get<T>(c: Collection, id: string): Promise<T | undefined> {
    return cloneValue(this.col(c).get(id) as T | undefined);
  }

  async query<T>(c: Collection, f: Filter): Promise<T[]> {
    return this.queryNow<T>(c, f);
  }

  private queryNow<T>(c: Collection, f: Filter): T[] {
    // The same semantics as the DuckDB and Firestore stores (../filter.ts).
    return filterDocs(this.candidates(c, f), f).map((h) => cloneValue(h.doc as T));
  }

  /**
   * The documents a filter can match: with an equality condition, those an index gives for its value
   * (the engine's queries — a partition's pending marks, an asset's versions — would otherwise scan
   * every document of the collection, which grows with every partition ever run); every one without.
   * The filter itself is still applied to them, so the index only narrows.
   */
  private candidates(c: Collection, f: Filter): FilterHit[] {
    const col = this.col(c);
    const ids = this.indexes.lookup(c, f, col);
    if (!ids) return [...col].map(([id, doc]) => ({ id, doc: doc as Record<string, unknown> }));
    const out: FilterHit[] = [];
    for (const id of ids) out.push({ id, doc: col.get(id) as Record<string, unknown> });
    return out;
  }

  /** Everything, for persisting a dry-run state or seeding from another store. */
  dump(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [c, m] of this.data) out[c] = Object.fromEntries([...m].map(([id, d]) => [id, cloneValue(d)]));
    return out;
  }

  async close(): Promise<void> {}
}
