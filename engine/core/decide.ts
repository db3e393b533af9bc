// decide: (plan, candidate, state snapshot, now) → run | skip:duplicate | skip:not-ready |
// skip:stop-after | skip:terminal | rerun-requested | fail:stale, always with reasons and the inputs seen.
// Rules (ARCHITECTURE.md §8): 1 readiness, 2 fingerprint, 3 lease, 4 rerun-requested, 7 backfill.
import { formatDuration } from '../spec/duration.js';
import type { Plan, ProcessorPlan, ReadPlan } from '../spec/plan.js';
import { addDays, instantOf, isDate, windowPartitions } from './dates.js';
import { hash128 } from './hash.js';
import { scopeCovers, scopeText } from './scope.js';
import type {
  AttemptState, BackfillFlags, Decision, InputSeen, Lease, LastSuccess, Lineage, PartitionVersion, Scope, StageContext,
} from './types.js';

/** A (processor, partition, scope) the engine considers running, and why. */
export interface Candidate {
  processor: string;
  partition: string;
  scope: Scope | null;
  /** What set it in motion: an asset update or a request (gate, stage, schedule, manual…). */
  trigger: { kind: 'asset'; asset: string; version?: number } | { kind: 'request'; reason: string; source: string };
  lineage: Lineage;
  backfill: BackfillFlags | null;
  stage?: StageContext;
  force?: boolean;
  /** Skip when already done for the current inputs — also for sources, which otherwise always run. */
  onlyIfNotDone?: boolean;
  /** The ticket its delivery settles (absent: a delivery from outside the engine's outbox). */
  ticket?: string;
}

export interface Snapshot {
  /** `asset|partition` → version, for every partition the processor's reads cover. */
  versions: ReadonlyMap<string, PartitionVersion>;
  lastSuccess?: LastSuccess;
  lease?: Lease;
  /** The lease's runner is known to be gone (its process is not alive): take it over at once. */
  leaseHolderGone?: boolean;
  attempts?: AttemptState;
}

export const versionKey = (asset: string, partition: string) => `${asset}|${partition}`;

/** The partitions one read covers for a run's partition. */
export function readPartitions(read: ReadPlan, partition: string): string[] {
  return read.window ? windowPartitions(partition, read.window.days, read.window.includeCurrent) : [partition];
}

/** What the runtime must load to decide: per read, its asset and the partition range. */
export function readsNeeded(p: ProcessorPlan, partition: string): { asset: string; partitions: string[] }[] {
  return p.reads.map((r) => ({ asset: r.asset, partitions: readPartitions(r, partition) }));
}

export function phaseAfter(plan: Plan, p: ProcessorPlan, stopAfter: string | undefined): boolean {
  if (!stopAfter) return false;
  const limit = plan.phaseByName.get(stopAfter);
  return limit !== undefined && p.phaseNumber > limit.number;
}

/**
 * Evaluate one read against the snapshot (rule 1). `finalAfter`: when the run's partition (a day) ended;
 * an input last updated after that is final for the day and never stale — freshness limits guard live
 * partitions against a source that stopped updating, not a re-run of a past date whose inputs were
 * loaded after the day was over, however long ago.
 */
export function evaluateRead(read: ReadPlan, partition: string, snap: Snapshot, now: number, backfill: boolean, finalAfter?: number): InputSeen & { reason?: string; warning?: string } {
  const parts = readPartitions(read, partition);
  const versions: Record<string, number> = {};
  let rows = 0;
  let unknownRows = false;
  let updatedAt: number | undefined;
  for (const d of parts) {
    const v = snap.versions.get(versionKey(read.asset, d));
    if (!v) continue;
    versions[d] = v.version;
    if (v.rows < 0) unknownRows = true;
    else rows += v.rows;
    updatedAt = Math.max(updatedAt ?? 0, v.updatedAt);
  }
  const present = Object.keys(versions).length;
  const seen: InputSeen = { asset: read.asset, partitions: parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts, versions, rows, updatedAt, critical: read.critical, status: 'ready' };
  const where = read.window ? `${read.asset} (window ${parts[0]}..${parts[parts.length - 1]})` : `${read.asset} for ${partition}`;
  const needParts = read.window ? read.window.minPartitions : 1;
  const age = updatedAt === undefined ? undefined : now - updatedAt;
  if (present < needParts || (read.window === undefined && present === 0)) {
    if (!read.critical) return { ...seen, status: 'optional-missing', warning: `optional input ${where} is missing` };
    return { ...seen, status: 'missing', reason: read.window ? `critical input ${where} has ${present} partition(s) with data, needs ${needParts}` : `critical input ${where} has no data yet` };
  }
  if (!unknownRows && rows < read.minRows) {
    if (!read.critical) return { ...seen, status: 'too-few-rows', warning: `optional input ${where} has ${rows} rows, expected at least ${read.minRows}` };
    return { ...seen, status: 'too-few-rows', reason: `critical input ${where} has ${rows} rows, needs at least ${read.minRows}` };
  }
  const final = finalAfter !== undefined && updatedAt !== undefined && updatedAt >= finalAfter;
  if (!backfill && age !== undefined && !final) {
    if (read.failAfterMs !== undefined && age > read.failAfterMs) {
      if (read.critical) return { ...seen, status: 'stale', reason: `critical input ${where} was last updated ${formatDuration(age)} ago, past fail_after ${formatDuration(read.failAfterMs)}` };
      return { ...seen, status: 'warn-stale', warning: `optional input ${where} is ${formatDuration(age)} old, past fail_after ${formatDuration(read.failAfterMs)}` };
    }
    if (read.warnAfterMs !== undefined && age > read.warnAfterMs)
      return { ...seen, status: 'warn-stale', warning: `input ${where} is ${formatDuration(age)} old, past warn_after ${formatDuration(read.warnAfterMs)}` };
  }
  return seen;
}

/** Rule 2: hash of sorted (asset, partition, version) of every read present + spec hash + code version. */
export function fingerprint(p: ProcessorPlan, inputs: readonly InputSeen[]): string {
  const parts: string[] = [];
  for (const i of inputs) for (const [d, v] of Object.entries(i.versions)) parts.push(`${i.asset}@${d}=${v}`);
  parts.sort();
  return hash128(`${p.specHash}|${p.codeVersion}|${parts.join(';')}`);
}

export function decide(plan: Plan, cand: Candidate, snap: Snapshot, now: number): Decision {
  const p = plan.processors.get(cand.processor);
  if (!p) throw new Error(`decide: unknown processor ${cand.processor}`);
  const base = { processor: p.name, partition: cand.partition, scope: cand.scope, warnings: [] as string[], inputs: [] as InputSeen[] };

  // Rule 7: nothing past stop_after is triggered.
  if (phaseAfter(plan, p, cand.backfill?.stopAfter))
    return { ...base, kind: 'skip:stop-after', reasons: [`backfill stops after phase ${cand.backfill!.stopAfter}; ${p.name} is in phase ${p.phase}`] };

  // Rules 3–4: a live lease means somebody is running it; ask them to re-evaluate when done.
  if (leaseLive(snap, now))
    return { ...base, kind: 'rerun-requested', reasons: [`${p.name} is running for ${cand.partition} (execution ${snap.lease!.token}, lease until ${new Date(snap.lease!.expiresAt).toISOString()}); it re-evaluates when done`] };

  const backfill = cand.backfill !== null;
  const dayEnded = isDate(cand.partition) ? instantOf(addDays(cand.partition, 1), '00:00', plan.partition.timezone) : undefined;
  const evaluated = p.reads.map((r) => evaluateRead(r, cand.partition, snap, now, backfill, dayEnded));
  const inputs: InputSeen[] = evaluated.map(({ reason: _r, warning: _w, ...seen }) => seen);
  const warnings = evaluated.flatMap((e) => (e.warning ? [e.warning] : []));
  const fp = fingerprint(p, inputs);
  const withInputs = { ...base, inputs, warnings, fingerprint: fp };

  const stale = evaluated.filter((e) => e.status === 'stale');
  const notReady = evaluated.filter((e) => e.reason && e.status !== 'stale');
  if (notReady.length) return { ...withInputs, kind: 'skip:not-ready', reasons: notReady.map((e) => e.reason!) };
  if (stale.length) return { ...withInputs, kind: 'fail:stale', reasons: stale.map((e) => e.reason!) };

  if (snap.attempts?.terminal && snap.attempts.fingerprint === fp && !cand.force)
    return { ...withInputs, kind: 'skip:terminal', reasons: [`${p.name} failed for good for ${cand.partition} after ${snap.attempts.attempts} attempt(s): ${snap.attempts.lastError ?? 'unknown error'}; replay it from the DLQ or trigger it with --force`] };

  const last = snap.lastSuccess;
  // A source (no declared inputs) reads the outside world: it runs whenever asked, unless asked to
  // run only if not done; unchanged content then stops the cascade (no new version, no event).
  const dedup = p.reads.length > 0 || cand.onlyIfNotDone === true;
  if (last && !cand.force && dedup) {
    const same = last.fingerprint === fp && scopeCovers(last.scope, cand.scope);
    const coveredByFull = cand.scope !== null && last.fullFingerprint === fp;
    if (same || coveredByFull)
      return { ...withInputs, kind: 'skip:duplicate', reasons: [`inputs unchanged since execution ${last.executionId} (fingerprint ${fp.slice(0, 12)}, scope ${scopeText(same ? last.scope : null)})`] };
  }
  const reasons = [triggerText(cand)];
  if (snap.lease) reasons.push(`took over the ${snap.leaseHolderGone ? 'lease of a runner that is gone' : 'expired lease'} (execution ${snap.lease.token})`);
  if (last && dedup) reasons.push(`inputs changed since execution ${last.executionId}`);
  if (!dedup) reasons.push('a source: runs whenever requested; unchanged content stops the cascade');
  if (cand.force) reasons.push('forced: duplicate check skipped');
  return { ...withInputs, kind: 'run', reasons };
}

/** A lease another run may not take: unexpired, and its runner not known to be gone. */
export function leaseLive(snap: Pick<Snapshot, 'lease' | 'leaseHolderGone'>, now: number): boolean {
  return !!snap.lease && snap.lease.expiresAt > now && !snap.leaseHolderGone;
}

export function triggerText(c: Candidate): string {
  if (c.trigger.kind === 'asset') return `triggered by ${c.trigger.asset}${c.trigger.version ? ` v${c.trigger.version}` : ''}`;
  return `requested by ${c.trigger.reason} ${c.trigger.source}`;
}
