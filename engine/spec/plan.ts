// The resolved Plan: immutable, built once from a valid spec (build-plan.ts), holding every derived
// index. The engine, the service, the CLI and codegen read only this — never the raw YAML.

export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export type ColumnType = 'string' | 'int64' | 'float64' | 'numeric' | 'bool' | 'date' | 'timestamp' | 'json';

export interface ColumnPlan {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly description?: string;
}

interface AssetBase {
  /** `dataset.table`, `objects/NAME` or `documents/NAME`. */
  readonly ref: string;
  readonly name: string;
  readonly description?: string;
  readonly source: SourcePos;
}

export interface TablePlan extends AssetBase {
  readonly kind: 'table';
  readonly dataset: string;
  readonly columns: readonly ColumnPlan[];
  readonly key: readonly string[];
  /** entity kind → column */
  readonly entities: Readonly<Record<string, string>>;
  readonly external: boolean;
  readonly mode: 'replace' | 'upsert';
}

export interface ObjectCollectionPlan extends AssetBase {
  readonly kind: 'objects';
  readonly bucketAlias: string;
  readonly bucket: string;
  /** Path pattern with {date} and other placeholders. */
  readonly path: string;
}

export interface DocumentCollectionPlan extends AssetBase {
  readonly kind: 'documents';
  readonly path: string;
}

export type AssetPlan = TablePlan | ObjectCollectionPlan | DocumentCollectionPlan;

export interface WindowPlan {
  readonly days: number;
  readonly includeCurrent: boolean;
  readonly minPartitions: number;
}

export interface ReadPlan {
  readonly asset: string;
  readonly critical: boolean;
  readonly minRows: number;
  readonly warnAfterMs?: number;
  readonly failAfterMs?: number;
  readonly window?: WindowPlan;
  readonly trigger: boolean;
  readonly source: SourcePos;
}

export interface RetryPlan {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
  readonly nonRetryable: readonly string[];
}

export interface FanOutPlan {
  readonly entity: string;
  readonly from: string;
  readonly coverage: number;
  readonly waitMs: number;
  readonly taskTimeoutMs: number;
  readonly batch: number;
}

export interface ProcessorPlan {
  readonly name: string;
  readonly phase: string;
  readonly phaseNumber: number;
  readonly module: string;
  readonly description?: string;
  /** Every output; the first is the primary one, whose versions gates compare. */
  readonly outputs: readonly string[];
  readonly output: string;
  /** The output table, when the processor writes a table. */
  readonly table?: string;
  readonly reads: readonly ReadPlan[];
  readonly triggers: readonly string[];
  readonly scopes: readonly string[];
  readonly timeoutMs: number;
  /** Lease length: timeout plus a margin; renewed while the run is alive. */
  readonly leaseMs: number;
  readonly retry: RetryPlan;
  readonly codeVersion: string;
  readonly legacyNames: readonly string[];
  readonly fanOut?: FanOutPlan;
  /** Hash of this processor's spec entry and code version: part of every input fingerprint. */
  readonly specHash: string;
  readonly stage?: { readonly name: string; readonly level: number };
  readonly source: SourcePos;
}

export type TargetKind = 'processor' | 'gate' | 'stage';

export interface TargetRef {
  readonly kind: TargetKind;
  readonly name: string;
}

export interface GatePlan {
  readonly name: string;
  readonly description?: string;
  readonly members: readonly string[];
  readonly critical: readonly string[];
  readonly deadline?: { readonly afterMs: number; readonly minFraction: number };
  readonly fires: readonly TargetRef[];
  readonly source: SourcePos;
}

export interface StagePlan {
  readonly name: string;
  readonly description?: string;
  readonly levels: readonly (readonly string[])[];
  readonly source: SourcePos;
}

export interface SchedulePlan {
  readonly name: string;
  readonly description?: string;
  readonly cron: string;
  readonly timezone: string;
  readonly target: TargetRef;
  readonly partition: 'today' | 'yesterday' | 'tomorrow';
  readonly onlyIfNotDone: boolean;
  readonly waitForMs?: number;
  readonly stragglers?: { readonly entity: string; readonly expected: string };
  readonly source: SourcePos;
}

export interface CheckPlan {
  readonly name: string;
  readonly description?: string;
  readonly table: string;
  readonly kind: 'row_count' | 'coverage' | 'freshness';
  readonly warnBelow?: number;
  readonly failBelow?: number;
  readonly warnAfterMs?: number;
  readonly failAfterMs?: number;
  readonly of?: string;
  readonly entity?: string;
  readonly deadline?: { readonly at: string; readonly timezone: string; readonly dayOffset: number };
  readonly sinks: readonly string[];
  readonly source: SourcePos;
}

export interface AlertSinkPlan {
  readonly name: string;
  readonly type: 'log' | 'webhook';
  readonly url?: string;
  readonly urlEnv?: string;
  readonly minSeverity: 'info' | 'warn' | 'error';
}

/** A service local runs need (a sample source): started from `module`, its URL handed over in `env`. */
export interface LocalServicePlan {
  readonly name: string;
  readonly module: string;
  readonly env: string;
  readonly description?: string;
}

export interface PhasePlan {
  readonly name: string;
  readonly number: number;
  /** Topic name with the project's topic prefix applied. */
  readonly topic: string;
  readonly accepts: readonly ('unified' | 'legacy' | 'gcs')[];
  readonly description?: string;
}

export interface Plan {
  readonly name: string;
  readonly description?: string;
  /** Hash of the whole spec (canonical JSON): stamped on every run and on /healthz. */
  readonly specHash: string;
  /** Display path of the spec and the absolute folder modules are resolved from. */
  readonly file: string;
  readonly dir: string;
  readonly partition: { readonly key: string; readonly timezone: string };
  readonly project: { readonly id?: string; readonly region: string; readonly service: string; readonly topicPrefix: string };
  readonly entities: readonly string[];
  readonly buckets: ReadonlyMap<string, string>;
  readonly assets: ReadonlyMap<string, AssetPlan>;
  readonly phases: readonly PhasePlan[];
  readonly processors: ReadonlyMap<string, ProcessorPlan>;
  readonly gates: ReadonlyMap<string, GatePlan>;
  readonly stages: ReadonlyMap<string, StagePlan>;
  readonly schedules: ReadonlyMap<string, SchedulePlan>;
  readonly checks: ReadonlyMap<string, CheckPlan>;
  readonly alerts: ReadonlyMap<string, AlertSinkPlan>;
  /** Services of the embedded default (`local.services`). */
  readonly localServices: ReadonlyMap<string, LocalServicePlan>;

  // Derived indexes.
  /** asset → the processor that writes it (absent for external tables). */
  readonly writerOf: ReadonlyMap<string, string>;
  /** asset → processors its update triggers, in topological order. */
  readonly triggeredBy: ReadonlyMap<string, readonly string[]>;
  /** processor → gates it is a member of. */
  readonly gatesOf: ReadonlyMap<string, readonly string[]>;
  /** table → checks on it (as the checked table). */
  readonly checksOf: ReadonlyMap<string, readonly string[]>;
  /** Processors in dependency order (writers before readers). */
  readonly order: readonly string[];
  /** phase name → phase. */
  readonly phaseByName: ReadonlyMap<string, PhasePlan>;
  /** topic → phase name. */
  readonly phaseByTopic: ReadonlyMap<string, string>;
  /** legacy scraper name (and processor name) → processor, for legacy message normalizing. */
  readonly byLegacyName: ReadonlyMap<string, string>;
}

export function tableOf(plan: Plan, ref: string): TablePlan | undefined {
  const a = plan.assets.get(ref);
  return a?.kind === 'table' ? a : undefined;
}

export function mustProcessor(plan: Plan, name: string): ProcessorPlan {
  const p = plan.processors.get(name);
  if (!p) throw new Error(`unknown processor ${name}`);
  return p;
}

export function phaseOf(plan: Plan, processor: string): PhasePlan {
  const p = mustProcessor(plan, processor);
  return plan.phaseByName.get(p.phase)!;
}
