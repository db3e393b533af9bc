// Shared builders for the core's scenario tests, so each test reads as a story: given these partitions,
// runs and leases (`state()`), when this event arrives at this time (`assetUpdated`, `runRequested`,
// `candidateFor`), then these decisions with these reasons.
//
// The tiny pipeline (TINY_SPEC) has everything the rules of ARCHITECTURE.md §8 need:
//   scrape_box, scrape_lines (scrapers) → objects/boxscores, objects/lines (legacy + GCS topic)
//   load_box → raw.box            load_lines → raw.lines            (raw)
//   player_totals → analytics.players   scoped [player, game]; reads raw.box (critical, min_rows 10,
//                                       fail_after 36h) and raw.lines (optional, warn 6h, fail 24h)
//   team_totals   → analytics.teams     reads raw.box, and raw.lines through a 3-day window
//   gate analytics_done: waits for both, critical player_totals, deadline 1h → fires stage features
//   stage features: level 1 player_form (window of analytics.players, min 3 partitions),
//                   level 2 player_vectors (fans out per player)            (phase features)
import os from 'node:os';
import { parse, stringify } from 'yaml';
import { decide, type Candidate, type Snapshot, versionKey } from '../../engine/core/decide.js';
import type { GateSnapshot } from '../../engine/core/gates.js';
import { route } from '../../engine/core/route.js';
import type {
  AssetUpdated, AttemptState, BackfillFlags, ChangedEntities, Decision, GateFire, LastSuccess, Lease, Lineage, PartitionVersion,
  RunRequested, StageEpoch, StageMember, TaskRequested,
} from '../../engine/core/types.js';
import { planFromText } from '../../engine/spec/index.js';
import type { Plan } from '../../engine/spec/plan.js';
import type { RawSpec } from '../../engine/spec/types.js';

// ---- time ----

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const minutes = (n: number) => n * MINUTE;
export const hours = (n: number) => n * HOUR;
export const days = (n: number) => n * DAY;

/** The partition most stories are about. */
export const D = '2025-11-15';
/** "Now" in most stories: the evening of D (UTC). */
export const T0 = Date.parse('2025-11-15T18:00:00Z');
export const ago = (ms: number) => T0 - ms;

// ---- the spec ----

export const TINY_SPEC = `
version: 1
name: tiny
partition: { key: game_date, timezone: America/New_York }
entities:
  player: {}
  team: {}
  game: {}
buckets:
  scraped: { name: tiny-scraped }
objects:
  boxscores: { bucket: scraped, path: "box/{date}/{game_id}/{ts}.json" }
  lines: { bucket: scraped, path: "lines/{date}.json" }
datasets:
  raw:
    tables:
      box:
        columns: { game_date: { type: date }, game_id: { type: string }, player_id: { type: string }, team_id: { type: string }, points: { type: int64 } }
        key: [game_id, player_id]
        entities: { player: player_id, team: team_id, game: game_id }
      lines:
        mode: upsert
        columns: { game_date: { type: date }, player_id: { type: string }, line: { type: float64 }, seen_at: { type: timestamp } }
        key: [player_id, seen_at]
        entities: { player: player_id }
  analytics:
    tables:
      players:
        columns: { game_date: { type: date }, game_id: { type: string }, player_id: { type: string }, points: { type: int64 } }
        key: [game_id, player_id]
        entities: { player: player_id, game: game_id }
      teams:
        columns: { game_date: { type: date }, team_id: { type: string }, points: { type: int64 } }
        key: [team_id]
        entities: { team: team_id }
  features:
    tables:
      form:
        columns: { game_date: { type: date }, player_id: { type: string }, avg_points: { type: float64 } }
        key: [player_id]
        entities: { player: player_id }
      vectors:
        columns: { game_date: { type: date }, player_id: { type: string }, features: { type: json } }
        key: [player_id]
        entities: { player: player_id }
phases:
  scrapers: { number: 1, topic: tiny-scrapers, accepts: [unified, legacy, gcs] }
  raw: { number: 2, topic: tiny-raw }
  analytics: { number: 3, topic: tiny-analytics }
  features: { number: 4, topic: tiny-features }
processors:
  scrape_box: { phase: scrapers, module: p/scrape_box.ts, writes: objects/boxscores, legacy_names: [boxscore_scraper] }
  scrape_lines: { phase: scrapers, module: p/scrape_lines.ts, writes: objects/lines, legacy_names: [lines_scraper] }
  load_box: { phase: raw, module: p/load_box.ts, writes: raw.box, reads: { objects/boxscores: } }
  load_lines: { phase: raw, module: p/load_lines.ts, writes: raw.lines, reads: { objects/lines: } }
  player_totals:
    phase: analytics
    module: p/player_totals.ts
    writes: analytics.players
    scopes: [player, game]
    reads:
      raw.box: { critical: true, min_rows: 10, fail_after: 36h }
      raw.lines: { critical: false, warn_after: 6h, fail_after: 24h }
  team_totals:
    phase: analytics
    module: p/team_totals.ts
    writes: analytics.teams
    reads:
      raw.box:
      raw.lines: { critical: false, window: 3d }
  player_form:
    phase: features
    module: p/player_form.ts
    writes: features.form
    scopes: [player]
    reads:
      analytics.players: { window: { days: 4, include_current: true, min_partitions: 3 } }
  player_vectors:
    phase: features
    module: p/player_vectors.ts
    writes: features.vectors
    scopes: [player]
    reads:
      features.form:
      analytics.teams: { critical: false }
    fan_out: { entity: player, from: features.form }
gates:
  analytics_done:
    wait_for: [player_totals, team_totals]
    critical: [player_totals]
    deadline: { after: 1h, min_fraction: 0 }
    fires: [features]
stages:
  features:
    levels:
      - [player_form]
      - [player_vectors]
`;

let tiny: Plan | undefined;

/**
 * The tiny pipeline as a Plan. `patch` edits the parsed spec before it is checked, for the stories
 * that need a variant (another code version, a stricter gate): `tinyPlan((s) => { s.processors.x!.code_version = '2'; })`.
 */
export function tinyPlan(patch?: (spec: RawSpec) => void): Plan {
  if (!patch) return (tiny ??= planOf(TINY_SPEC));
  const spec = parse(TINY_SPEC) as RawSpec;
  patch(spec);
  return planOf(stringify(spec));
}

export function planOf(text: string): Plan {
  const r = planFromText(text, 'tiny.yaml', os.tmpdir(), { checkModules: false });
  if (!r.plan) throw new Error(`the test spec does not check:\n${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
  return r.plan;
}

// ---- state ----

export interface VersionFacts {
  version?: number;
  rows?: number;
  updatedAt?: number;
  changedEntities?: ChangedEntities | null;
  executionId?: string;
}

/** A partition version as the state store holds it; defaults: v1, 100 rows, written an hour before T0. */
export function partitionVersion(asset: string, partition: string, f: VersionFacts = {}): PartitionVersion {
  return {
    asset, partition, version: f.version ?? 1, rows: f.rows ?? 100, updatedAt: f.updatedAt ?? ago(HOUR),
    changedEntities: f.changedEntities === undefined ? null : f.changedEntities, ...(f.executionId ? { executionId: f.executionId } : {}),
  };
}

/** Given-state for one (processor, partition): what `decide` reads from the state store. */
export class StateBuilder {
  private readonly versionMap = new Map<string, PartitionVersion>();
  private last?: LastSuccess;
  private held?: Lease;
  private failing?: AttemptState;

  /** `asset` has data for `partition`. */
  version(asset: string, partition: string, f: VersionFacts = {}): this {
    this.versionMap.set(versionKey(asset, partition), partitionVersion(asset, partition, f));
    return this;
  }

  /** `asset` has data for each of `partitions` (a window's worth). */
  versions(asset: string, partitions: readonly string[], f: VersionFacts = {}): this {
    for (const d of partitions) this.version(asset, d, f);
    return this;
  }

  lastSuccess(s: Partial<LastSuccess> & { fingerprint: string }): this {
    this.last = { processor: 'p', partition: D, scope: null, executionId: 'exec-1', finishedAt: ago(MINUTE), ...s };
    return this;
  }

  /** The run `d` decided succeeded, recorded exactly as the runtime records a success. */
  succeeded(d: Decision, executionId = 'exec-1'): this {
    return this.lastSuccess({
      processor: d.processor, partition: d.partition, fingerprint: d.fingerprint!, scope: d.scope, executionId,
      fullFingerprint: d.scope === null ? d.fingerprint : this.last?.fullFingerprint,
    });
  }

  lease(l: Partial<Lease> & { expiresAt: number }): this {
    this.held = { processor: 'p', partition: D, token: 'exec-holder', claimedAt: ago(minutes(5)), attempt: 1, covers: [], context: { scope: null, backfill: null, lineage: { correlationId: 'c', parents: [] } }, ...l };
    return this;
  }

  attempts(a: Partial<AttemptState>): this {
    this.failing = { processor: 'p', partition: D, attempts: 1, terminal: false, ...a };
    return this;
  }

  /** The run `d` decided failed for good (non-retryable, or out of attempts). */
  failedForGood(d: Decision, error = 'SchemaError: column points missing', attempts = 5): this {
    return this.attempts({ processor: d.processor, partition: d.partition, attempts, lastError: error, terminal: true, fingerprint: d.fingerprint });
  }

  snapshot(): Snapshot {
    return { versions: new Map(this.versionMap), lastSuccess: this.last, lease: this.held, attempts: this.failing };
  }
}

export const state = () => new StateBuilder();

/** When `cand` is considered at `now`, given `given`: the decision. */
export function decideAt(plan: Plan, cand: Candidate, given: StateBuilder, now = T0): Decision {
  return decide(plan, cand, given.snapshot(), now);
}

// ---- events ----

export function backfill(stopAfter?: string, reason = 'reload november'): BackfillFlags {
  return { mode: true, reason, ...(stopAfter ? { stopAfter } : {}) };
}

const lineage = (over: Partial<Lineage>): Lineage => ({ correlationId: over.correlationId ?? 'corr-1', parents: over.parents ?? [] });

/** `asset` got version `version` for `partition`, written by a run of the engine. */
export function assetUpdated(asset: string, partition = D, over: Partial<AssetUpdated> = {}): AssetUpdated {
  return {
    type: 'asset_updated', asset, partition, version: 1, changedEntities: null, rows: 100, executionId: 'exec-up', status: 'success',
    backfill: null, emittedAt: T0, origin: 'engine', ...over, ...lineage(over),
  };
}

export function runRequested(processor: string, partition = D, over: Partial<RunRequested> = {}): RunRequested {
  return { type: 'run_requested', processor, partition, scope: null, reason: 'manual', source: 'cli', backfill: null, emittedAt: T0, ...over, ...lineage(over) };
}

export function taskRequested(processor: string, partition = D, over: Partial<TaskRequested> = {}): TaskRequested {
  return { type: 'task_requested', processor, partition, executionId: 'exec-fan', entity: 'player', ids: ['lebron'], round: 1, backfill: null, emittedAt: T0, ...over, ...lineage(over) };
}

/** The candidate `route` makes for `processor` out of `event`; throws when the event does not route there. */
export function candidateFor(plan: Plan, event: AssetUpdated | RunRequested, processor: string): Candidate {
  const found = route(plan, event).find((c) => c.processor === processor);
  if (!found) throw new Error(`${event.type} does not route to ${processor}`);
  return found;
}

/** The candidate of a plain manual request for `processor` (through `route`, like every candidate). */
export function requestFor(plan: Plan, processor: string, over: Partial<RunRequested> = {}, partition = D): Candidate {
  return candidateFor(plan, runRequested(processor, partition, over), processor);
}

/** Which processors an event sets in motion, in plan order. */
export const routed = (plan: Plan, event: AssetUpdated | RunRequested) => route(plan, event).map((c) => c.processor);

// ---- gates and stages ----

export class GateStateBuilder {
  private readonly outputs: Record<string, PartitionVersion | undefined> = {};
  private readonly live: string[] = [];
  private last?: GateFire;
  constructor(private readonly plan: Plan, private readonly partition = D) {}

  /** `member` completed: its primary output has this version. */
  done(member: string, f: VersionFacts = {}): this {
    this.outputs[member] = partitionVersion(this.plan.processors.get(member)!.output, this.partition, f);
    return this;
  }

  /** `member` holds a live lease. */
  running(member: string): this {
    this.live.push(member);
    return this;
  }

  /** The gate last fired for this version vector. */
  firedFor(vector: Record<string, number>, f: Partial<GateFire> = {}): this {
    this.last = { gate: 'analytics_done', partition: this.partition, vector, firedAt: ago(MINUTE), count: 1, degraded: false, ...f };
    return this;
  }

  snapshot(): GateSnapshot {
    return { outputs: { ...this.outputs }, running: [...this.live], fire: this.last };
  }
}

export const gateState = (plan: Plan, partition = D) => new GateStateBuilder(plan, partition);

export function epoch(over: Partial<StageEpoch> = {}): StageEpoch {
  return {
    stage: 'features', partition: D, epoch: 1, changed: null, firedAt: ago(MINUTE), level: 1,
    lineage: { correlationId: 'corr-1', parents: ['exec-gate'] }, backfill: null, ...over,
  };
}

export function member(processor: string, outcome: StageMember['outcome'], over: Partial<StageMember> = {}): StageMember {
  return { stage: 'features', partition: D, processor, epoch: 1, outcome, executionId: `exec-${processor}`, ...over };
}

/** Strip what JSON drops (undefined fields), to compare events across the wire. */
export const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
