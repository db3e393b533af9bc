// The production StateStore on Firestore (Native mode).
//
// Layout. Each `Collection` is a top-level Firestore collection `{prefix}{collection}` (prefix
// default `pipeline_`), and each state record one document whose id is the port's id escaped
// reversibly (firestore-encoding.ts) and whose data is the record as plain JSON — so the fields
// queries filter on (`asset`, `partition`, `kind`, ...) are top-level document fields.
//
// No hot documents. Firestore sustains about one write per second per document under contention;
// the engine's records are keyed so that concurrent work never shares one: versions and entity
// hashes per (asset, partition), leases, last successes and attempts per (processor, partition),
// gate fires per (gate, partition), stage epochs per (stage, partition), stage members per (stage,
// partition, processor), runs per execution id, outbox entries per event. So the members of a gate
// finishing together each write their own documents and only the gate's fire transaction reads
// them all; two partitions of one processor never touch the same document.
//
// Transactions. `transaction(fn)` runs `firestore.runTransaction`: reads go through the transaction
// (`tx.get` / `tx.getAll` / `tx.get(query)`, which lock what they read), writes are buffered by the
// port and applied at the end of fn — which is also what Firestore requires (all reads before any
// write). Inside a transaction get/getMany/query see the transaction's own buffered writes. Firestore
// retries fn on contention (ABORTED) up to `maxAttempts`, each attempt with a fresh buffer.
//
// A transaction attempt reads each document at most once: `getAll` asks for every document not yet read
// or written in ONE BatchGetDocuments (`t.getAll(...refs)`), and get/getMany are getAll of their keys,
// so what a caller read up front is served from the attempt's read set afterwards. Reads are locked by
// the transaction, so the remembered value is the stored value until the commit.
//
// Operation counts (`ops()`): reads = documents read (a query that returns nothing is billed as one
// read), writes = documents set or deleted by committed transactions, queries, batchGets = batched
// reads inside transactions, transactions = calls,
// attempts = runs of fn (retries included), commits = committed transactions.
import { FieldPath, FieldValue, Firestore, type DocumentReference, type Query, type Transaction } from '@google-cloud/firestore';
import type { Collection, DocKey, Filter, StateStore, StateTx } from '../../ports.js';
import { decodeId, encodeId, fromFirestore, toFirestore } from './firestore-encoding.js';
import { compareForFilter, overlayWrites } from '../filter.js';
import { applyFilter } from './firestore-query.js';

export interface FirestoreStateOptions {
  /** A Firestore client to use (shared with the document store); closed only when the store made it. */
  firestore?: Firestore;
  /** Project id when the store makes its own client (FIRESTORE_EMULATOR_HOST is honoured by the client). */
  projectId?: string;
  /** Prefix of every collection name (default `pipeline_`). */
  prefix?: string;
  /** Attempts of a contended transaction before it fails (default 30). */
  maxAttempts?: number;
}

export interface FirestoreOps {
  reads: number;
  writes: number;
  queries: number;
  /** BatchGetDocuments calls inside transactions (one per getAll/getMany/get that read anything). */
  batchGets: number;
  transactions: number;
  attempts: number;
  commits: number;
}

/** What one transaction attempt read: round trips (batched gets + queries), batched gets, documents. */
export interface TxReadCounts {
  rpcs: number;
  batchGets: number;
  reads: number;
}

type Doc = Record<string, unknown>;

interface BufferedWrite {
  collection: Collection;
  id: string;
  /** The document as stored (already encoded); undefined for a delete. */
  data?: Doc;
  /** The document as the port sees it (for read-your-own-writes). */
  doc?: Doc;
}

const key = (collection: string, id: string) => `${collection}/${id}`;

/** gRPC codes on which a swap reads again: ALREADY_EXISTS (created since read), FAILED_PRECONDITION (changed since read), ABORTED (contention). */
const SWAP_AGAIN = new Set([6, 9, 10]);

export class FirestoreStateStore implements StateStore {
  readonly firestore: Firestore;
  private readonly prefix: string;
  private readonly ownsClient: boolean;
  private readonly maxAttempts: number;
  private readonly counts: FirestoreOps = { reads: 0, writes: 0, queries: 0, batchGets: 0, transactions: 0, attempts: 0, commits: 0 };

  constructor(opts: FirestoreStateOptions = {}) {
    this.ownsClient = !opts.firestore;
    this.firestore = opts.firestore ?? new Firestore({ projectId: opts.projectId });
    this.prefix = opts.prefix ?? 'pipeline_';
    this.maxAttempts = opts.maxAttempts ?? 30;
  }

  /** Operation counters since the store was made (a copy). */
  ops(): FirestoreOps {
    return { ...this.counts };
  }

  /** The Firestore collection id of a state collection. */
  collectionId(collection: Collection): string {
    return `${this.prefix}${collection}`;
  }

  ref(collection: Collection, id: string): DocumentReference {
    return this.firestore.collection(this.collectionId(collection)).doc(encodeId(id));
  }

  /** The Firestore query of a filter (`limit` overrides the filter's). */
  filteredQuery(collection: Collection, filter: Filter, limit = filter.limit): Query {
    return applyFilter(this.firestore.collection(this.collectionId(collection)), filter, limit);
  }

  async transaction<T>(fn: (tx: StateTx) => Promise<T>): Promise<T> {
    this.counts.transactions++;
    let last: FirestoreTx | undefined;
    const result = await this.firestore.runTransaction(
      async (t) => {
        this.counts.attempts++;
        const tx = new FirestoreTx(this, t, this.counts);
        last = tx;
        try {
          const out = await fn(tx);
          tx.apply();
          return out;
        } finally {
          tx.finished = true;
        }
      },
      { maxAttempts: this.maxAttempts },
    );
    this.counts.commits++;
    this.counts.writes += last?.writes.size ?? 0;
    return result;
  }

  /**
   * A compare-and-set on the document's update time, outside any transaction: a plain read, then a
   * write with a precondition (`lastUpdateTime` when the document exists, `exists: false` when it does
   * not). Nothing is locked in between, so a process killed there leaves the document free; a
   * concurrent change fails the precondition and `fn` runs again on what is stored now.
   */
  async swap<T extends object>(collection: Collection, id: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const ref = this.ref(collection, id);
    for (let attempt = 1; ; attempt++) {
      this.counts.attempts++;
      const snap = await ref.get();
      this.counts.reads++;
      const stored = snap.data();
      // fromFirestore builds a fresh value: fn may change it without touching the snapshot.
      const next = fn(fromFirestore<T>(stored));
      if (next === undefined) return undefined;
      const data = toFirestore(next, `state ${collection}/${id}`);
      try {
        if (!stored) await ref.create(data);
        else {
          // The whole document replaced: every field of the new one, and a delete of each field it dropped.
          const fields: unknown[] = [];
          for (const [k, v] of Object.entries(data)) fields.push(new FieldPath(k), v);
          for (const k of Object.keys(stored)) if (!(k in data)) fields.push(new FieldPath(k), FieldValue.delete());
          const [first, value, ...rest] = fields;
          await ref.update(first as FieldPath, value, ...rest, { lastUpdateTime: snap.updateTime! });
        }
        this.counts.writes++;
        this.counts.commits++;
        return JSON.parse(JSON.stringify(next)) as T;
      } catch (e) {
        if (SWAP_AGAIN.has((e as { code?: number }).code ?? -1) && attempt < this.maxAttempts) continue;
        throw e;
      }
    }
  }

  async get<T>(collection: Collection, id: string): Promise<T | undefined> {
    const snap = await this.ref(collection, id).get();
    this.counts.reads++;
    return fromFirestore<T>(snap.data());
  }

  async query<T>(collection: Collection, filter: Filter): Promise<T[]> {
    const snap = await this.filteredQuery(collection, filter).get();
    this.counts.queries++;
    this.counts.reads += Math.max(1, snap.size);
    return snap.docs
      .map((d) => ({ id: decodeId(d.id), doc: fromFirestore<Doc>(d.data())! }))
      .sort(compareForFilter(filter))
      .map((r) => r.doc as T);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.firestore.terminate();
  }
}

/** One attempt of a transaction: Firestore reads through `t`, buffered writes overlaid on them. */
export class FirestoreTx implements StateTx {
  readonly writes = new Map<string, BufferedWrite>();
  /** Stored documents this attempt read (or is reading), by key: read once, then served from here. */
  private readonly read = new Map<string, Promise<Doc | undefined>>();
  /** This attempt's read round trips (batched gets and queries) and documents read. */
  readonly counts: TxReadCounts = { rpcs: 0, batchGets: 0, reads: 0 };
  finished = false;

  constructor(
    private readonly store: FirestoreStateStore,
    private readonly t: Transaction,
    private readonly ops: FirestoreOps,
  ) {}

  private check(): void {
    if (this.finished) throw new Error('state transaction already finished: do not use its tx after fn returns');
  }

  async get<T>(collection: Collection, id: string): Promise<T | undefined> {
    return (await this.getMany<T>(collection, [id]))[0];
  }

  async getMany<T>(collection: Collection, ids: string[]): Promise<(T | undefined)[]> {
    return (await this.getAll(ids.map((id) => ({ collection, id })))) as (T | undefined)[];
  }

  async getAll(keys: readonly DocKey[]): Promise<unknown[]> {
    this.check();
    // Documents neither written nor read yet by this attempt, each once: one BatchGetDocuments.
    const fresh = new Map<string, DocKey>();
    for (const k of keys) {
      const kk = key(k.collection, k.id);
      if (!this.writes.has(kk) && !this.read.has(kk)) fresh.set(kk, k);
    }
    if (fresh.size) {
      const batch = [...fresh.values()];
      const snaps = this.t.getAll(...batch.map((k) => this.store.ref(k.collection, k.id)));
      this.counts.rpcs++;
      this.counts.batchGets++;
      // Concurrent reads of the same documents wait for this one rather than asking again.
      batch.forEach((k, i) => {
        const doc = snaps.then((s) => fromFirestore<Doc>(s[i]!.data()));
        doc.catch(() => undefined); // a failed batch fails the attempt through `await snaps` below
        this.read.set(key(k.collection, k.id), doc);
      });
      const got = await snaps;
      this.counts.reads += got.length;
      this.ops.batchGets++;
      this.ops.reads += got.length;
    }
    return Promise.all(
      keys.map(async (k) => {
        const kk = key(k.collection, k.id);
        const w = this.writes.get(kk);
        if (w) return w.doc === undefined ? undefined : structuredClone(w.doc);
        const doc = await this.read.get(kk)!;
        return doc === undefined ? undefined : structuredClone(doc);
      }),
    );
  }

  async query<T>(collection: Collection, filter: Filter): Promise<T[]> {
    this.check();
    const mine = [...this.writes.values()].filter((w) => w.collection === collection);
    // Ask for enough extra documents that buffered deletes or overwrites cannot push results out.
    const limit = filter.limit === undefined ? undefined : filter.limit + mine.length;
    const snap = await this.t.get(this.store.filteredQuery(collection, filter, limit));
    this.counts.rpcs++;
    this.counts.reads += Math.max(1, snap.size);
    this.ops.queries++;
    this.ops.reads += Math.max(1, snap.size);
    const stored = snap.docs.map((d) => ({ id: decodeId(d.id), doc: fromFirestore<Doc>(d.data())! }));
    const buffered = mine.map((w) => ({ id: w.id, doc: w.doc === undefined ? undefined : structuredClone(w.doc) }));
    return overlayWrites(filter, stored, buffered).map((r) => r.doc as T);
  }

  set<T extends object>(collection: Collection, id: string, doc: T): void {
    this.check();
    const data = toFirestore(doc, `state ${collection}/${id}`);
    encodeId(id); // fail at set time, not at commit, on an id Firestore cannot hold
    // The stored document is the value at the time of set (as in the local store).
    this.writes.set(key(collection, id), { collection, id, data, doc: JSON.parse(JSON.stringify(doc)) as Doc });
  }

  delete(collection: Collection, id: string): void {
    this.check();
    encodeId(id);
    this.writes.set(key(collection, id), { collection, id });
  }

  /** Hand the buffered writes to the Firestore transaction (sent with its commit). */
  apply(): void {
    for (const w of this.writes.values()) {
      const ref = this.store.ref(w.collection, w.id);
      if (w.data === undefined) this.t.delete(ref);
      else this.t.set(ref, w.data);
    }
  }
}
