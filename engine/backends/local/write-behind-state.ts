// The local state store as the engine uses it by default: memory is the authority (transactions are
// serialized and take microseconds), and every committed write set is persisted to the DuckDB state
// table in order, batched into one DuckDB transaction per flush (every `flushMs`, and on close).
//
// Why: a DuckDB commit costs 4–10 ms (disk sync), and a run needs several state transactions, so
// synchronous commits would dominate the phase-to-phase handoff. The local engine is one process (a
// DuckDB file opens in one process only) and its bus is in memory too, so a crash loses queued
// messages either way; at most the last `flushMs` of state is lost with them, and `pipeline run`
// (deduplicated by fingerprints) or `pipeline reconcile` picks up from what was persisted.
// PIPELINE_LOCAL_DURABILITY=strict uses the DuckDB store directly (every transaction committed).
import type { Collection, Filter, StateStore, StateTx } from '../../ports.js';
import { MemoryStateStore } from '../memory/state-store.js';
import type { DuckDbStateStore } from './state-store.js';

type Write = [Collection, string, unknown | undefined];

export class WriteBehindStateStore implements StateStore {
  private pending: Write[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushError: Error | undefined;
  readonly counters = { transactions: 0, flushes: 0, writesPersisted: 0 };

  private constructor(private readonly mem: MemoryStateStore, private readonly disk: DuckDbStateStore, private readonly flushMs: number) {}

  static async open(disk: DuckDbStateStore, opts: { flushMs?: number } = {}): Promise<WriteBehindStateStore> {
    return new WriteBehindStateStore(new MemoryStateStore(await disk.dumpAll()), disk, opts.flushMs ?? 50);
  }

  async transaction<T>(fn: (tx: StateTx) => Promise<T>): Promise<T> {
    if (this.flushError) throw this.flushError;
    let writes: Write[] = [];
    const result = await this.mem.transaction(async (tx) => {
      writes = [];
      const wrapped: StateTx = {
        get: (c, id) => tx.get(c, id),
        getMany: (c, ids) => tx.getMany(c, ids),
        getAll: (keys) => tx.getAll(keys),
        query: (c, f) => tx.query(c, f),
        set: (c, id, doc) => {
          writes.push([c, id, doc]);
          tx.set(c, id, doc);
        },
        delete: (c, id) => {
          writes.push([c, id, undefined]);
          tx.delete(c, id);
        },
      };
      return fn(wrapped);
    });
    this.counters.transactions++;
    if (writes.length) {
      // The memory store keeps its own copy; engine code never mutates a document after setting it,
      // so the written object itself is what gets persisted.
      this.pending.push(...writes);
      this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
    }
    return result;
  }

  /** Persist everything committed so far in one DuckDB transaction. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Only the last write of each document in a batch reaches disk: a lease or outbox entry set and
    // deleted, or a run record written twice, within one flush interval costs one statement row.
    const last = new Map<string, Write>();
    for (const w of this.pending) last.set(`${w[0]}\u0000${w[1]}`, w);
    const batch = [...last.values()];
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (!batch.length) return;
      try {
        await this.disk.transaction(async (tx) => {
          for (const [c, id, doc] of batch) {
            if (doc === undefined) tx.delete(c, id);
            else tx.set(c, id, doc as object);
          }
        });
        this.counters.flushes++;
        this.counters.writesPersisted += batch.length;
      } catch (e) {
        // Persisting failed: stop accepting transactions rather than diverge silently from disk.
        this.flushError = new Error(`local state could not be persisted: ${(e as Error).message}`);
        throw this.flushError;
      }
    });
    return this.flushing;
  }

  get<T>(c: Collection, id: string): Promise<T | undefined> {
    return this.mem.get<T>(c, id);
  }

  query<T>(c: Collection, f: Filter): Promise<T[]> {
    return this.mem.query<T>(c, f);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.disk.close();
  }
}
