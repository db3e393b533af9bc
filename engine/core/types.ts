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
}

export type RunStatus = 'claimed' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface Lease {
  processor: string;
  partition: string;
  /** The holder's execution id: completion is refused unless it still matches (fencing). */
  token: string;
  expiresAt: number;
  claimedAt: number;
  attempt: number;
  /** A trigger arrived during the run: re-evaluate once the holder finishes. */
  rerunRequested: boolean;
  /** The request to re-evaluate with (the latest trigger seen while leased). */
  rerun?: RunRequested;
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
  | 'rerun-requested'
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
