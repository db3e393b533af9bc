// One candidate's life: decide and claim in one transaction (§8.1–4), execute with lease renewal,
// write the rows, then complete in ONE transaction (§8.5): fencing check, new version only if some
// entity's content changed, last success, lease released, outbox — or record the failed attempt (§8.9).
import { decide, type Candidate } from '../core/decide.js';
import { diffGroups, mergeScopes, scopeCovers, scopeText, type EntityGroup } from '../core/scope.js';
import type {
  AssetUpdated, AttemptState, ChangedEntities, Decision, LastSuccess, Lease, PartitionVersion, RunRequested, StageMember,
} from '../core/types.js';
import type { StateTx } from '../ports.js';
import type { ProcessorPlan } from '../spec/plan.js';
import { backoffMs, isRetryable } from './backoff.js';
import type { Engine } from './engine.js';
import type { RunOutput } from './executor.js';
import { startFanOut } from './fanout.js';
import { afterCompletion, afterSettle } from './follow-ups.js';
import { ids } from './keys.js';
import { SimulatedCrash } from './faults.js';
import { addToOutbox } from './outbox.js';
import { LeaseLostError } from './processor.js';
import { entityGroups } from './rows.js';
import { loadSnapshot } from './snapshot.js';

export type CandidateOutcome =
  | { kind: 'done' | 'skipped' }
  | { kind: 'retry'; reason: string; delayMs?: number }
  | { kind: 'terminal'; reason: string; attempts?: number };

const SETTLING: Partial<Record<Decision['kind'], StageMember['outcome']>> = {
  'skip:duplicate': 'duplicate', 'skip:not-ready': 'not-ready', 'skip:stop-after': 'stopped', 'fail:stale': 'failed', 'skip:terminal': 'failed',
};

export interface RunRecord {
  executionId: string;
  processor: string;
  partition: string;
  scope: string;
  status: 'running' | 'succeeded' | 'failed';
  attempt: number;
  correlationId: string;
  parents: string[];
  fingerprint?: string;
  startedAt: number;
  finishedAt?: number;
  rowsWritten?: number;
  changedEntities?: ChangedEntities | null;
  error?: string;
  errorType?: string;
  backfill: boolean;
  trigger: string;
}

/**
 * The re-evaluation a trigger parks on a running lease. It runs only if the inputs changed
 * (`onlyIfNotDone`, also for sources): otherwise a source, which runs whenever requested, would rerun
 * after every rerun whose duplicate delivery arrived while it ran — for ever.
 */
function toRequest(c: Candidate, now: number): RunRequested {
  return {
    type: 'run_requested', processor: c.processor, partition: c.partition, scope: c.scope, reason: 'rerun', source: 'rerun-requested',
    correlationId: c.lineage.correlationId, parents: c.lineage.parents, backfill: c.backfill, stage: c.stage, onlyIfNotDone: true, emittedAt: now,
  };
}

/** Several triggers parked on one lease: one rerun covering all their entities (§8.4, no lost updates). */
function parkRerun(prev: RunRequested | undefined, next: RunRequested): RunRequested {
  if (!prev) return next;
  return { ...next, scope: mergeScopes(prev.scope, next.scope), parents: [...new Set([...prev.parents, ...next.parents])], stage: next.stage ?? prev.stage };
}

export async function runCandidate(engine: Engine, cand: Candidate): Promise<CandidateOutcome> {
  const { plan, backends } = engine;
  const p = plan.processors.get(cand.processor)!;
  const executionId = engine.newId();
  const now = engine.now();
  // A source (no inputs) starts a lineage: its own run is the correlation id of everything downstream.
  const correlationId = p.reads.length === 0 && cand.lineage.parents.length === 0 ? executionId : cand.lineage.correlationId;

  const { decision, attempt } = await backends.state.transaction(async (tx) => {
    const snap = await loadSnapshot(tx, p, cand.partition);
    const decision = decide(plan, cand, snap, now);
    let attempt = 0;
    if (decision.kind === 'run') {
      attempt = (snap.attempts && snap.attempts.fingerprint === decision.fingerprint && !snap.attempts.terminal ? snap.attempts.attempts : 0) + 1;
      const lease: Lease = { processor: p.name, partition: cand.partition, token: executionId, claimedAt: now, expiresAt: now + p.leaseMs, attempt, rerunRequested: false };
      tx.set('leases', ids.lease(p.name, cand.partition), lease);
      const run: RunRecord = {
        executionId, processor: p.name, partition: cand.partition, scope: scopeText(cand.scope), status: 'running', attempt, correlationId,
        parents: cand.lineage.parents, fingerprint: decision.fingerprint, startedAt: now, backfill: cand.backfill !== null, trigger: decision.reasons[0] ?? '',
      };
      tx.set('runs', executionId, run);
    } else if (decision.kind === 'rerun-requested') {
      tx.set('leases', ids.lease(p.name, cand.partition), { ...snap.lease!, rerunRequested: true, rerun: parkRerun(snap.lease!.rerun, toRequest(cand, now)) });
    } else if (cand.stage && SETTLING[decision.kind]) {
      setMember(tx, cand, SETTLING[decision.kind]!);
    }
    return { decision, attempt };
  });

  engine.record({
    event: decision.kind === 'run' ? 'run:started' : decision.kind, executionId: decision.kind === 'run' ? executionId : undefined, correlationId,
    parents: cand.lineage.parents, phase: p.phase, processor: p.name, partition: cand.partition, scope: scopeText(cand.scope), fingerprint: decision.fingerprint,
    inputs: decision.inputs, reasons: [...decision.reasons, ...decision.warnings.map((w) => `warning: ${w}`)], attempt: attempt || undefined,
    backfill: cand.backfill !== null, backfillReason: cand.backfill?.reason, stopAfter: cand.backfill?.stopAfter,
    detail: cand.stage ? { stage: cand.stage } : undefined,
  });

  if (decision.kind === 'fail:stale') {
    await engine.alerts.send({ severity: 'error', kind: 'run:stale-input', title: `${p.name} not run for ${cand.partition}: stale input`, message: decision.reasons.join('; '), partition: cand.partition, processor: p.name, ts: now });
  }
  if (cand.stage && SETTLING[decision.kind]) await afterSettle(engine, cand);
  if (decision.kind !== 'run') return { kind: 'skipped' };
  return execute(engine, cand, p, decision, executionId, correlationId, attempt);
}

function setMember(tx: StateTx, cand: Candidate, outcome: StageMember['outcome'], executionId?: string) {
  const st = cand.stage!;
  const m: StageMember = { stage: st.name, partition: cand.partition, processor: cand.processor, epoch: st.epoch, outcome, executionId };
  tx.set('stage_members', ids.stageMember(st.name, cand.partition, cand.processor), m);
}

async function execute(engine: Engine, cand: Candidate, p: ProcessorPlan, decision: Decision, executionId: string, correlationId: string, attempt: number): Promise<CandidateOutcome> {
  const { plan, backends } = engine;
  const started = engine.now();
  const ac = new AbortController();
  const leaseId = ids.lease(p.name, cand.partition);
  // Renew the lease while the run is alive; a renewal that finds another holder fences this run.
  const renew = setInterval(() => {
    void backends.state
      .transaction(async (tx) => {
        const l = await tx.get<Lease>('leases', leaseId);
        // An expired lease is not revived: another runner may already be taking it over.
        if (!l || l.token !== executionId || l.expiresAt <= engine.now()) return false;
        tx.set('leases', leaseId, { ...l, expiresAt: engine.now() + p.leaseMs });
        return true;
      })
      .then((ok) => ok || ac.abort(new LeaseLostError(`lease of ${p.name}/${cand.partition} was taken over`)))
      .catch(() => undefined);
  }, Math.max(1000, Math.floor(p.leaseMs / 3)));

  if (p.fanOut && !engine.dryRun) {
    clearInterval(renew);
    const started = await startFanOut(engine, cand, p, decision, executionId, correlationId, attempt);
    if (started) return started;
    // Nothing to fan out over: run once for the whole scope.
    return execute(engine, cand, { ...p, fanOut: undefined }, decision, executionId, correlationId, attempt);
  }
  let output: RunOutput;
  try {
    output = await engine.executor.execute(plan, backends, {
      processor: p, partition: cand.partition, scope: cand.scope, executionId, correlationId, attempt, backfill: cand.backfill, signal: ac.signal,
    });
    await ensureLease(engine, leaseId, executionId);
    if (!engine.dryRun && p.table && output.rows) {
      const table = plan.assets.get(p.table)!;
      if (table.kind === 'table') {
        const column = cand.scope ? table.entities[cand.scope.kind] : undefined;
        const res = await backends.warehouse.write(table, { partition: cand.partition, rows: output.rows, mode: table.mode, scope: cand.scope && column ? { column, ids: cand.scope.ids } : undefined });
        output = { ...output, partitionRows: res.rows };
      }
    }
    if (engine.faults?.crashAfterWrite?.(p.name, cand.partition)) throw new SimulatedCrash(`${p.name}/${cand.partition}: simulated crash after the warehouse write`);
  } catch (err) {
    clearInterval(renew);
    // A run that timed out may still be running: tell it to stop (ctx.signal) before its retry starts.
    ac.abort(err);
    // The process "died": no failure path, no lease release, no attempt — the reconciler repairs it.
    if (err instanceof SimulatedCrash) throw err;
    return failRun(engine, cand, p, decision, executionId, correlationId, attempt, err, started);
  }
  clearInterval(renew);
  return complete(engine, cand, p, decision, executionId, correlationId, attempt, output, started);
}

async function ensureLease(engine: Engine, leaseId: string, executionId: string) {
  const l = await engine.backends.state.get<Lease>('leases', leaseId);
  if (!l || l.token !== executionId) throw new LeaseLostError('the lease was taken over by another runner; this run is fenced and its output discarded');
}

/** Groups per output: rows by entity for a table; one group per object/document path for collections. */
function outputGroups(engine: Engine, p: ProcessorPlan, output: RunOutput): Map<string, Record<string, EntityGroup> | undefined> {
  const out = new Map<string, Record<string, EntityGroup> | undefined>();
  for (const ref of p.outputs) {
    const a = engine.plan.assets.get(ref)!;
    if (output.simulated) out.set(ref, undefined);
    else if (a.kind === 'table') out.set(ref, output.rows ? entityGroups(a, output.rows) : undefined);
    else {
      const written = output.written.get(ref);
      out.set(ref, written ? Object.fromEntries([...written].map(([path, hash]) => [path, { hash, entities: {} }])) : undefined);
    }
  }
  return out;
}

export async function complete(engine: Engine, cand: Candidate, p: ProcessorPlan, decision: Decision, executionId: string, correlationId: string, attempt: number, output: RunOutput, started: number): Promise<CandidateOutcome> {
  const { plan, backends } = engine;
  const now = engine.now();
  const groups = outputGroups(engine, p, output);
  const result = await backends.state.transaction(async (tx) => {
    const lease = await tx.get<Lease>('leases', ids.lease(p.name, cand.partition));
    if (!lease || lease.token !== executionId) return { fenced: true as const };
    const events: AssetUpdated[] = [];
    let rowsWritten = 0;
    let changedAll: ChangedEntities | null | undefined;
    for (const ref of p.outputs) {
      const a = plan.assets.get(ref)!;
      const prev = await tx.get<PartitionVersion>('versions', ids.version(ref, cand.partition));
      const prevHashes = await tx.get<{ groups: Record<string, EntityGroup> }>('entity_hashes', ids.hashes(ref, cand.partition));
      const next = groups.get(ref);
      if (next === undefined && prev && !output.simulated) continue; // wrote nothing: no change
      const mode = a.kind === 'table' ? a.mode : 'upsert';
      const diff = output.simulated ? { changed: true, entities: null, merged: {} } : diffGroups(prevHashes?.groups, next ?? {}, { mode, scope: cand.scope });
      const rows = output.simulated ? -1 : a.kind === 'table' ? (output.partitionRows ?? output.rows?.length ?? 0) : Object.keys(diff.merged).length;
      if (!prev || diff.changed) {
        const v: PartitionVersion = { asset: ref, partition: cand.partition, version: (prev?.version ?? 0) + 1, rows, updatedAt: now, changedEntities: diff.entities, executionId, correlationId };
        tx.set('versions', ids.version(ref, cand.partition), v);
        if (!output.simulated) tx.set('entity_hashes', ids.hashes(ref, cand.partition), { asset: ref, partition: cand.partition, groups: diff.merged });
        events.push({
          type: 'asset_updated', asset: ref, partition: cand.partition, version: v.version, changedEntities: diff.entities, rows, executionId, processor: p.name,
          status: rows === 0 ? 'no_data' : 'success', backfill: cand.backfill, emittedAt: now, origin: 'engine', correlationId, parents: cand.lineage.parents,
        });
        if (ref === p.output) changedAll = diff.entities;
      }
      if (ref === p.output) rowsWritten = output.rows?.length ?? (next ? Object.keys(next).length : 0);
    }
    const prevSuccess = await tx.get<LastSuccess>('last_success', ids.lastSuccess(p.name, cand.partition));
    // Successive scoped runs on the same inputs cover the union of their scopes.
    const scope = prevSuccess && prevSuccess.fingerprint === decision.fingerprint && cand.scope && prevSuccess.scope ? mergeScopes(prevSuccess.scope, cand.scope) : cand.scope;
    const success: LastSuccess = {
      processor: p.name, partition: cand.partition, fingerprint: decision.fingerprint!, scope, executionId, finishedAt: now,
      fullFingerprint: cand.scope === null ? decision.fingerprint : prevSuccess?.fullFingerprint,
    };
    tx.set('last_success', ids.lastSuccess(p.name, cand.partition), success);
    tx.delete('attempts', ids.attempts(p.name, cand.partition));
    tx.delete('leases', ids.lease(p.name, cand.partition));
    const run = await tx.get<RunRecord>('runs', executionId);
    tx.set('runs', executionId, { ...run!, status: 'succeeded', finishedAt: now, rowsWritten, changedEntities: changedAll ?? null });
    const outgoing: Array<AssetUpdated | RunRequested> = [...events];
    if (lease.rerunRequested && lease.rerun) outgoing.push({ ...lease.rerun, emittedAt: now });
    if (cand.stage) setMember(tx, cand, 'succeeded', executionId);
    return { fenced: false as const, entries: addToOutbox(plan, tx, outgoing, now), events, rowsWritten, changed: changedAll, rerun: lease.rerunRequested };
  });
  if (result.fenced) {
    await markFenced(engine, executionId, 'completion refused: the lease belongs to another runner');
    engine.record({ event: 'run:fenced', executionId, correlationId, processor: p.name, partition: cand.partition, phase: p.phase, reasons: ['completion refused: the lease belongs to another runner'] });
    return { kind: 'done' };
  }
  await engine.dispatch(result.entries);
  engine.record({
    event: 'run:succeeded', executionId, correlationId, parents: cand.lineage.parents, phase: p.phase, processor: p.name, partition: cand.partition,
    scope: scopeText(cand.scope), fingerprint: decision.fingerprint, rowsWritten: result.rowsWritten, changedEntities: result.changed ?? null,
    durationMs: engine.now() - started, attempt, backfill: cand.backfill !== null, backfillReason: cand.backfill?.reason, stopAfter: cand.backfill?.stopAfter,
    reasons: result.events.length ? result.events.map((e) => `${e.asset} v${e.version}${e.changedEntities ? ` (${Object.entries(e.changedEntities).map(([k, v]) => `${k}:${v.length}`).join(' ')})` : ''}`) : ['content unchanged: no new version, no event'],
    detail: { logs: output.logs.length ? output.logs : undefined, rerun: result.rerun || undefined, simulated: output.simulated || undefined },
  });
  await afterCompletion(engine, cand, p, correlationId, executionId);
  return { kind: 'done' };
}

export async function failRun(engine: Engine, cand: Candidate, p: ProcessorPlan, decision: Decision, executionId: string, correlationId: string, attempt: number, err: unknown, started: number): Promise<CandidateOutcome> {
  const { backends } = engine;
  const now = engine.now();
  const e = err as Error;
  if (e instanceof LeaseLostError) {
    await markFenced(engine, executionId, e.message);
    engine.record({ event: 'run:fenced', executionId, correlationId, processor: p.name, partition: cand.partition, phase: p.phase, reasons: [e.message] });
    return { kind: 'done' };
  }
  const retryable = isRetryable(err, p.retry) && attempt < p.retry.maxAttempts;
  const parked = await backends.state.transaction(async (tx) => {
    const lease = await tx.get<Lease>('leases', ids.lease(p.name, cand.partition));
    if (lease?.token === executionId) tx.delete('leases', ids.lease(p.name, cand.partition));
    // A trigger parked on this lease would die with it: the retry (a redelivery of this run's own
    // trigger, re-decided on the current inputs) covers it only when it is retried and in scope.
    const rerun = lease?.token === executionId && lease.rerunRequested ? lease.rerun : undefined;
    const entries = rerun && (!retryable || !scopeCovers(cand.scope, rerun.scope)) ? addToOutbox(engine.plan, tx, [{ ...rerun, emittedAt: now }], now) : [];
    const a: AttemptState = {
      processor: p.name, partition: cand.partition, attempts: attempt, lastError: e?.message ?? String(err), lastErrorType: e?.name ?? 'Error',
      nextAttemptAt: retryable ? now + backoffMs(p.retry, attempt) : undefined, terminal: !retryable, fingerprint: decision.fingerprint,
    };
    tx.set('attempts', ids.attempts(p.name, cand.partition), a);
    const run = await tx.get<RunRecord>('runs', executionId);
    if (run) tx.set('runs', executionId, { ...run, status: 'failed', finishedAt: now, error: a.lastError, errorType: a.lastErrorType });
    if (!retryable && cand.stage) setMember(tx, cand, 'failed', executionId);
    return entries;
  });
  await engine.dispatch(parked);
  engine.record({
    event: retryable ? 'run:failed' : 'run:failed-terminal', executionId, correlationId, parents: cand.lineage.parents, phase: p.phase, processor: p.name,
    partition: cand.partition, scope: scopeText(cand.scope), fingerprint: decision.fingerprint, durationMs: now - started, attempt,
    errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(err), backfill: cand.backfill !== null,
    reasons: [retryable ? `attempt ${attempt}/${p.retry.maxAttempts} failed; retrying in ${backoffMs(p.retry, attempt)}ms` : `failed for good after ${attempt} attempt(s)${isRetryable(err, p.retry) ? '' : ' (non-retryable error)'}`],
  });
  if (!retryable) {
    await engine.alerts.send({ severity: 'error', kind: 'run:failed-terminal', title: `${p.name} failed for ${cand.partition}`, message: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)} (attempt ${attempt})`, partition: cand.partition, processor: p.name, ts: now });
  }
  await afterCompletion(engine, cand, p, correlationId, executionId, { failed: true, terminal: !retryable });
  return retryable
    ? { kind: 'retry', reason: `${p.name}: ${e?.message ?? String(err)}`, delayMs: backoffMs(p.retry, attempt) }
    : { kind: 'terminal', reason: `${p.name} failed for good: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`, attempts: attempt };
}

/** A fenced run's record says so (it would otherwise read `running` forever in status and trace). */
async function markFenced(engine: Engine, executionId: string, reason: string): Promise<void> {
  const now = engine.now();
  await engine.backends.state.transaction(async (tx) => {
    const run = await tx.get<RunRecord>('runs', executionId);
    if (run && run.status === 'running') tx.set('runs', executionId, { ...run, status: 'failed', finishedAt: now, error: reason, errorType: 'Fenced' });
  });
}
