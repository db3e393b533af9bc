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
//
// Other stores join the same flush (`join`): the write-behind warehouse's changes are persisted in
// the same DuckDB transaction as the state batch, taken at the same instant. A run writes its rows
// before it commits the state that names them, so whatever a crash keeps, no persisted state refers to
// rows that were not persisted (rows without state are harmless: the run is repeated).
import type { Collection, Filter, StateStore, StateTx } from '../../ports.js';
import { MemoryStateStore } from '../memory/state-store.js';
import type { DuckConn } from './duckdb.js';
import type { DuckDbStateStore, PersistWrite } from './state-store.js';
import { swapInTransaction } from '../swap.js';

type Write = [Collection, string, unknown | undefined];

/** Changes a joined store hands to one flush. */
export interface PendingChanges {
  persist(conn: DuckConn): Promise<void>;
  /** Called once the flush committed (true) or failed (false). */
  settled(ok: boolean): void;
}

/** A store whose changes are persisted with the state's (see `join`). */
export interface FlushParticipant {
  /** What changed since the last take, or undefined when nothing did. Synchronous. */
  take(): PendingChanges | undefined;
}

/** What a joined store needs of the flusher. */
export interface Flusher {
  /** A flush soon (within `flushMs`). */
  schedule(): void;
  /** Persist everything so far; resolves when it is committed. */
  flush(): Promise<void>;
  /** Set once a flush failed: nothing more may be accepted. */
  readonly failure: Error | undefined;
}

export class WriteBehindStateStore implements StateStore, Flusher {
  private pending: Write[] = [];
  private readonly participants: FlushParticipant[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushError: Error | undefined;
  readonly counters = { transactions: 0, flushes: 0, writesPersisted: 0 };

  /**
   * The documents the DuckDB state table has a row for (`collection\0id`): what was there at open,
   * plus what each committed flush wrote, minus what it deleted. A flush appends new documents and
   * deletes only rows that exist, instead of upserting (see DuckDbStateStore.persist). Read and
   * updated only inside the flush chain, so a flush sees every earlier flush's outcome.
   */
  private readonly stored = new Set<string>();

  private constructor(private readonly mem: MemoryStateStore, private readonly disk: DuckDbStateStore, private readonly flushMs: number) {}

  static async open(disk: DuckDbStateStore, opts: { flushMs?: number } = {}): Promise<WriteBehindStateStore> {
    const dump = await disk.dumpAll();
    const store = new WriteBehindStateStore(new MemoryStateStore(dump), disk, opts.flushMs ?? 50);
    for (const [c, docs] of Object.entries(dump)) for (const id of Object.keys(docs)) store.stored.add(`${c}\u0000${id}`);
    return store;
  }

  get failure(): Error | undefined {
    return this.flushError;
  }

  /** Persist `p`'s changes in the same transactions as the state's. */
  join(p: FlushParticipant): void {
    this.participants.push(p);
  }

  schedule(): void {
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
  }

  swap<T extends object>(collection: Collection, id: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    return swapInTransaction(this, collection, id, fn);
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
      this.schedule();
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
    this.pending = [];
    // Taken now, with the state batch: see the header.
    const changes = this.participants.map((p) => p.take()).filter((c): c is PendingChanges => c !== undefined);
    this.flushing = this.flushing.then(async () => {
      if (!last.size && !changes.length) return;
      try {
        if (this.flushError) throw this.flushError;
        // Whether each document has a row is known only now, after the flushes before this one.
        const batch: PersistWrite[] = [];
        for (const [key, [collection, id, doc]] of last) {
          const stored = this.stored.has(key);
          // Set and deleted before it ever reached disk: nothing to persist.
          if (doc !== undefined || stored) batch.push({ collection, id, doc: doc as object | undefined, stored });
        }
        await this.disk.persist(batch, changes.length ? async (conn) => {
          for (const c of changes) await c.persist(conn);
        } : undefined);
        for (const [key, [, , doc]] of last) {
          if (doc === undefined) this.stored.delete(key);
          else this.stored.add(key);
        }
        for (const c of changes) c.settled(true);
        this.counters.flushes++;
        this.counters.writesPersisted += batch.length;
      } catch (e) {
        for (const c of changes) c.settled(false);
        // Persisting failed: stop accepting transactions rather than diverge silently from disk.
        this.flushError ??= new Error(`local state could not be persisted: ${(e as Error).message}`);
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
