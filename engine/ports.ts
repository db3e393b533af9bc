// The ports: every effect the engine has goes through one of these interfaces, implemented by
// `backends/local` (the embedded default: DuckDB + files + an in-process bus) and `backends/gcp`
// (Pub/Sub, Firestore, BigQuery, Cloud Storage).
//
// Terminology:
//   partition  the unit of data and work, a date such as 2025-11-15 (the key is declared in the spec)
//   asset      a table (`dataset.table`) or a collection (`objects/NAME`, `documents/NAME`)
//   processor  a module that reads declared inputs for a partition and writes its one output
//   run        one execution of (processor, partition, scope), with execution and correlation ids
//   version    per (asset, partition): bumped only when a write changed content
//   lease      a run's claim on (processor, partition), with expiry; a stale holder is fenced
//   outbox     events written in the completion transaction, published afterwards by a dispatcher
//   gate       fires once per set of member output versions; stage  processors in ordered levels
import type { Plan, TablePlan } from './spec/plan.js';

export type Row = Record<string, unknown>;

// ---------------------------------------------------------------- Bus

export interface WireMessage {
  /** JSON body (the unified message plus engine fields). */
  data: Record<string, unknown>;
  attributes: Record<string, string>;
}

export interface Delivery extends WireMessage {
  topic: string;
  messageId: string;
  /** 1 for the first delivery; unknown on backends that do not report it. */
  deliveryAttempt?: number;
  publishTime: number;
}

export type HandleResult =
  | { outcome: 'ack' }
  /** Redeliver after a delay (the bus applies its backoff when none is given). */
  | { outcome: 'retry'; reason: string; delayMs?: number }
  /** Give up on the message: record it on the topic's dead-letter queue with the reason. */
  | { outcome: 'dead-letter'; reason: string; attempts: number };

export type DeliveryHandler = (delivery: Delivery) => Promise<HandleResult>;

export interface DeadLetter {
  id: string;
  topic: string;
  message: WireMessage;
  reason: string;
  attempts: number;
  deadAt: number;
  replayedAt?: number;
}

export interface Bus {
  publish(topic: string, message: WireMessage): Promise<string>;
  /** Dead-letter a message explicitly (a terminal failure decided by the runtime). */
  deadLetter(topic: string, message: WireMessage, reason: string, attempts: number): Promise<void>;
  listDeadLetters(opts?: { topic?: string; includeReplayed?: boolean }): Promise<DeadLetter[]>;
  markReplayed(ids: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A bus that delivers to in-process handlers (the local bus). */
export interface LocalBus extends Bus {
  subscribe(topic: string, handler: DeliveryHandler): void;
  /** Resolves when no message is queued or in flight (delayed retries included). */
  idle(): Promise<void>;
  /** Messages queued or in flight. */
  pending(): number;
}

// ---------------------------------------------------------------- State

/** Collections of orchestration state; every record carries the fields it is queried by. */
export type Collection =
  | 'versions'
  | 'entity_hashes'
  | 'leases'
  | 'runs'
  | 'last_success'
  | 'attempts'
  | 'gate_fires'
  | 'stage_epochs'
  | 'stage_members'
  | 'outbox'
  | 'checks'
  | 'schedule_ticks'
  | 'fanout'
  | 'pending'
  | 'messages';

export interface Filter {
  /** Field equality (top-level fields of the record). */
  eq?: Record<string, string | number | boolean>;
  /** Inclusive range on one string or number field. */
  range?: { field: string; gte?: string | number; lte?: string | number };
  limit?: number;
}

/** One state document: the unit of a multi-document read. */
export interface DocKey {
  collection: Collection;
  id: string;
}

/**
 * A transaction remembers what it read: a later get/getMany of a document it already read sees the
 * same stored value (overlaid with its own writes) and costs no further round trip. So a caller can
 * read everything it knows it will need in one `getAll` and keep reading document by document.
 */
export interface StateTx {
  get<T>(collection: Collection, id: string): Promise<T | undefined>;
  getMany<T>(collection: Collection, ids: string[]): Promise<(T | undefined)[]>;
  /**
   * Documents of any collections in ONE round trip (Firestore: one BatchGetDocuments): one result per
   * key in the order given (a repeated key repeats its result), undefined where a document is missing.
   */
  getAll(keys: readonly DocKey[]): Promise<unknown[]>;
  query<T>(collection: Collection, filter: Filter): Promise<T[]>;
  /** Buffered, applied at commit. */
  set<T extends object>(collection: Collection, id: string, doc: T): void;
  delete(collection: Collection, id: string): void;
}

export interface StateStore {
  /** Runs `fn` in a serializable transaction, retrying it on conflict; all or nothing. */
  transaction<T>(fn: (tx: StateTx) => Promise<T>): Promise<T>;
  /**
   * Read-modify-write of ONE document that holds no lock between the read and the write: the write
   * happens only if the document is still as read (compare-and-set), and `fn` runs again on the new
   * value when it is not. For frequent small updates such as a lease's heartbeat: a Firestore
   * transaction locks what it reads until it commits, so a process killed between the two would leave
   * the document unwritable until Firestore expires the transaction, about a minute later, and the
   * reconciler could not take the lease back. `fn` returns the new document, or undefined to write
   * nothing; resolves to what was written (undefined when nothing was).
   */
  swap<T extends object>(collection: Collection, id: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined>;
  get<T>(collection: Collection, id: string): Promise<T | undefined>;
  query<T>(collection: Collection, filter: Filter): Promise<T[]>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- Warehouse

export interface ReadQuery {
  /** Partitions to read (one for a same-partition read, several for a window). */
  partitions: string[];
  /** Only rows of these entities (column → ids). */
  entities?: { column: string; ids: string[] };
}

export interface WriteRequest {
  partition: string;
  rows: Row[];
  mode: 'replace' | 'upsert';
  /** For a scoped replace: only rows of these entities are replaced. */
  scope?: { column: string; ids: string[] };
}

export interface WriteResult {
  inserted: number;
  updated: number;
  deleted: number;
  /** Rows in the partition after the write. */
  rows: number;
}

export interface PartitionStats {
  rows: number;
  updatedAt?: number;
}

/** One execution-log entry (ARCHITECTURE.md §8.12): every decision and run transition. */
export interface LogEntry {
  ts: number;
  event: string; // run:started, run:succeeded, run:failed, skip:duplicate, gate:fired, check:failed, ...
  executionId?: string;
  correlationId?: string;
  parents?: string[];
  phase?: string;
  processor?: string;
  gate?: string;
  partition?: string;
  scope?: string;
  fingerprint?: string;
  inputs?: unknown;
  rowsWritten?: number;
  changedEntities?: unknown;
  durationMs?: number;
  errorType?: string;
  errorMessage?: string;
  reasons?: string[];
  backfill?: boolean;
  backfillReason?: string;
  stopAfter?: string;
  specHash?: string;
  attempt?: number;
  detail?: unknown;
}

export interface LogQuery {
  processor?: string;
  partition?: string;
  executionId?: string;
  correlationId?: string;
  event?: string;
  since?: number;
  limit?: number;
}

export interface Warehouse {
  /** Create datasets/tables from the plan when missing (idempotent). */
  ensureTables(plan: Plan): Promise<void>;
  read(table: TablePlan, query: ReadQuery): Promise<Row[]>;
  /** Stage the rows, then apply them in one set-based upsert (or replace) by the table's key. */
  write(table: TablePlan, request: WriteRequest): Promise<WriteResult>;
  stats(table: TablePlan, partition: string): Promise<PartitionStats>;
  /** Append log entries in one batch (callers batch; never one insert per entry). */
  appendLog(entries: LogEntry[]): Promise<void>;
  queryLog(query: LogQuery): Promise<LogEntry[]>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- Objects and documents

export interface StoredObject {
  path: string;
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
  updatedAt: number;
}

export interface ObjectStore {
  put(bucket: string, path: string, body: Buffer | string, opts?: { contentType?: string; metadata?: Record<string, string>; cacheControl?: string }): Promise<void>;
  get(bucket: string, path: string): Promise<StoredObject | undefined>;
  list(bucket: string, prefix: string): Promise<string[]>;
}

export interface DocumentStore {
  put(path: string, doc: Record<string, unknown>): Promise<void>;
  get(path: string): Promise<Record<string, unknown> | undefined>;
  list(collectionPath: string): Promise<string[]>;
}

// ---------------------------------------------------------------- Clock and alerts

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type Severity = 'info' | 'warn' | 'error';

export interface Alert {
  severity: Severity;
  kind: string; // check:failed, run:failed-terminal, gate:degraded, schedule:not-ready, ...
  title: string;
  message: string;
  partition?: string;
  processor?: string;
  check?: string;
  detail?: Record<string, unknown>;
  ts: number;
}

export interface AlertSink {
  readonly name: string;
  send(alert: Alert): Promise<void>;
}

/** Everything a runtime needs, bundled. */
export interface Backends {
  kind: 'local' | 'gcp';
  bus: Bus;
  state: StateStore;
  warehouse: Warehouse;
  objects: ObjectStore;
  documents: DocumentStore;
  clock: Clock;
  close(): Promise<void>;
}
