// The core's vocabulary: events that travel on the bus, the state records orchestration keeps, and the
// decisions the core returns. Plain data only — every backend stores these shapes as they are.
//
// Terminology (ARCHITECTURE.md §2):
//   partition  the unit of data and work (a date); asset  a table or an object/document collection;
//   run  one execution of (processor, partition, scope); fingerprint  hash of the versions of every
//   input a run read + the processor's spec hash; version  bumped only when a write changed content;
//   scope  the entities a run covers (null = the whole partition); gate  fires once per set of member
//   output versions; stage  processors in ordered levels; backfill  flags that travel with every run.

/** Entity kind → ids, e.g. { player: ['lebronjames'] }. null means "unknown: treat as everything". */
export type ChangedEntities = Record<string, string[]>;

export interface Scope {
  kind: string;
  ids: string[];
}

export interface BackfillFlags {
  mode: true;
  reason: string;
  /** Phase name; nothing in a later phase is triggered. */
  stopAfter?: string;
}

/** Lineage that travels with every event and run. */
export interface Lineage {
  correlationId: string;
  /** Execution ids of the runs this one descends from (direct parents). */
  parents: string[];
}

export interface StageContext {
  name: string;
  epoch: number;
  level: number;
}

/** An asset's partition got a new version (or, from outside, was reported updated). */
export interface AssetUpdated extends Lineage {
  type: 'asset_updated';
  asset: string;
  partition: string;
  /** Absent for external updates: the runtime records a new version first. */
  version?: number;
  changedEntities: ChangedEntities | null;
  rows?: number;
  /** The run that wrote it, absent for external updates. */
  executionId?: string;
  processor?: string;
  status: 'success' | 'no_data' | 'partial' | 'failed';
  backfill: BackfillFlags | null;
  emittedAt: number;
  /** Where it came from: engine, unified (another system), legacy scraper message, gcs notification. */
  origin: 'engine' | 'unified' | 'legacy' | 'gcs';
  /** The ticket this delivery settles (transport: the outbox entry that emitted it). */
  ticket?: string;
}

export type RequestReason = 'gate' | 'stage' | 'schedule' | 'manual' | 'rerun' | 'replay' | 'straggler';

/** Somebody asks for a processor to run for a partition (gate, stage level, schedule, CLI, rerun). */
export interface RunRequested extends Lineage {
  type: 'run_requested';
  processor: string;
  partition: string;
  scope: Scope | null;
  reason: RequestReason;
  /** Name of the gate, stage, schedule or person behind it. */
  source: string;
  stage?: StageContext;
  backfill: BackfillFlags | null;
  /** Skip the duplicate check (a forced manual run). */
  force?: boolean;
  /** Skip when already done for the current inputs (schedules, resumable backfills). */
  onlyIfNotDone?: boolean;
  emittedAt: number;
  /** The ticket this delivery settles (transport: the outbox entry that emitted it). */
  ticket?: string;
}

/** One per-entity task of a fan-out run. */
export interface TaskRequested extends Lineage {
  type: 'task_requested';
  processor: string;
  partition: string;
  executionId: string;
  entity: string;
  /** The entities this task covers (a batch of the fan-out). */
  ids: string[];
  /** Task attempt round (straggler retries bump it). */
  round: number;
  backfill: BackfillFlags | null;
  emittedAt: number;
}

export type EngineEvent = AssetUpdated | RunRequested | TaskRequested;

// ---- State records (the state store is the source of truth for orchestration) ----

export interface PartitionVersion {
  asset: string;
  partition: string;
  version: number;
  rows: number;
  /** Epoch ms of the last content change (or external report). */
  updatedAt: number;
  /** Entities changed by the write that produced this version; null = unknown / everything. */
  changedEntities: ChangedEntities | null;
  executionId?: string;
  correlationId?: string;
  /** Backfill flags of the run that wrote it: follow-ups evaluated from state (gates, the reconciler) keep them. */
  backfill?: BackfillFlags | null;
}

export type RunStatus = 'claimed' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** Who holds a lease: a process on a host, so a dead holder is recognised without waiting for expiry. */
export interface RunnerId {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
}

/** What a run was asked to do: the merged context of the tickets it covers, kept for a rerun after a crash. */
export interface RunContext {
  scope: Scope | null;
  backfill: BackfillFlags | null;
  stage?: StageContext;
  lineage: Lineage;
  force?: boolean;
  onlyIfNotDone?: boolean;
}

export interface Lease {
  processor: string;
  partition: string;
  /** The holder's execution id: completion is refused unless it still matches (fencing). */
  token: string;
  /** Renewed by the holder's heartbeat; a lease past it, or whose runner is gone, is taken over. */
  expiresAt: number;
  claimedAt: number;
  attempt: number;
  /** The runner holding it (absent: held by a fan-out's state, not by a process). */
  runner?: RunnerId;
  /** The tickets this run settles when it completes. */
  covers: string[];
  /** The request context, so a reclaimed run is requested again with its stage, scope and backfill. */
  context: RunContext;
}

/**
 * One trigger of a processor for a partition that is not settled yet: written in the transaction that
 * emits it (the outbox entry's id), closed by the decision that evaluates the processor on inputs that
 * include it. While a processor has open tickets, everything downstream of it waits (glitch-free waves).
 */
export interface Ticket {
  id: string;
  at: number;
  reason: string;
  source: string;
  scope: Scope | null;
  backfill: BackfillFlags | null;
  stage?: StageContext;
  lineage: Lineage;
  force?: boolean;
  onlyIfNotDone?: boolean;
}

/** A processor's unsettled work for a partition; absent when everything it was asked to do is settled. */
export interface PendingMark {
  processor: string;
  partition: string;
  tickets: Ticket[];
  /** Its latest run for these tickets failed for good: it holds downstream until fixed or replayed. */
  failed?: { executionId: string; error: string; at: number; fingerprint?: string; covers?: string[] };
  /** It was held back by unsettled upstream work; released when that settles. */
  deferred?: { since: number; reasons: string[] };
  updatedAt: number;
}

/** The last successful run of (processor, partition): what dedup compares against. */
export interface LastSuccess {
  processor: string;
  partition: string;
  fingerprint: string;
  scope: Scope | null;
  executionId: string;
  finishedAt: number;
  /** Fingerprint of the last whole-partition success (scoped runs keep it). */
  fullFingerprint?: string;
}

/** Attempts of failing runs, kept until a success or a terminal failure resets them. */
export interface AttemptState {
  processor: string;
  partition: string;
  attempts: number;
  lastError?: string;
  lastErrorType?: string;
  nextAttemptAt?: number;
  terminal: boolean;
  /** Input fingerprint of the failing attempts: new inputs lift a terminal failure. */
  fingerprint?: string;
}

export interface GateFire {
  gate: string;
  partition: string;
  /** member → the version of its primary output the gate last fired for. */
  vector: Record<string, number>;
  firedAt: number;
  count: number;
  degraded: boolean;
}

export interface StageEpoch {
  stage: string;
  partition: string;
  epoch: number;
  /** Entities changed upstream of this fire (null = everything): each level's scope comes from it. */
  changed: ChangedEntities | null;
  firedAt: number;
  /** Highest level requested for this epoch. */
  level: number;
  lineage: Lineage;
  backfill: BackfillFlags | null;
  /** running until its last level settled (done) or a level halted it. */
  status?: 'running' | 'done' | 'halted';
}

export interface StageMember {
  stage: string;
  partition: string;
  processor: string;
  epoch: number;
  outcome: 'succeeded' | 'duplicate' | 'not-ready' | 'failed' | 'stopped';
  executionId?: string;
}

// ---- Decisions ----

export type DecisionKind =
  | 'run'
  | 'skip:duplicate'
  | 'skip:not-ready'
  | 'skip:stop-after'
  | 'skip:backoff'
  | 'skip:terminal'
  | 'skip:redelivered'
  | 'rerun-requested'
  | 'held'
  | 'fail:stale';

/** What the core saw of one input when deciding. */
export interface InputSeen {
  asset: string;
  partitions: string[];
  /** partition → version (absent partitions omitted). */
  versions: Record<string, number>;
  rows: number;
  /** Epoch ms of the newest update among the partitions read. */
  updatedAt?: number;
  critical: boolean;
  status: 'ready' | 'missing' | 'too-few-rows' | 'stale' | 'warn-stale' | 'optional-missing';
}

export interface Decision {
  kind: DecisionKind;
  processor: string;
  partition: string;
  scope: Scope | null;
  reasons: string[];
  warnings: string[];
  fingerprint?: string;
  inputs: InputSeen[];
}
