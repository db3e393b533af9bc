// One candidate's life: decide and claim in one transaction (claim.ts), execute with a heartbeat that
// renews the lease while the run is alive, write the rows, then complete or record the failure
// (completion.ts). Settling skips go straight to the follow-ups: gates, released holds, stage levels.
import type { Candidate } from '../core/decide.js';
import { scopeText } from '../core/scope.js';
import type { Decision, Lease } from '../core/types.js';
import type { ProcessorPlan } from '../spec/plan.js';
import { claim, SETTLING } from './claim.js';
import { complete, failRun, type CandidateOutcome } from './completion.js';
import type { RunOutput } from './executor.js';
import { startFanOut } from './fanout.js';
import { SimulatedCrash } from './faults.js';
import { afterSettle } from './follow-ups.js';
import type { EngineHost } from './host.js';
import { RunInterruptedError } from './in-flight.js';
import { ids } from './keys.js';
import { LeaseLostError } from './processor.js';
import { recordStageStep } from './settle.js';

export type { CandidateOutcome } from './completion.js';
export type { RunRecord } from './records.js';

export async function runCandidate(host: EngineHost, cand: Candidate): Promise<CandidateOutcome> {
  const { plan } = host;
  const p = plan.processors.get(cand.processor)!;
  const executionId = host.newId();
  const now = host.now();
  // A source (no inputs) starts a lineage: its own run is the correlation id of everything downstream.
  const correlationId = p.reads.length === 0 && cand.lineage.parents.length === 0 ? executionId : cand.lineage.correlationId;

  const c = await claim(host, cand, p, executionId, correlationId);
  const { decision, attempt } = c;
  const decided = c.cand;
  host.record({
    event: decision.kind === 'run' ? 'run:started' : decision.kind, executionId: decision.kind === 'run' ? executionId : undefined, correlationId,
    parents: decided.lineage.parents, phase: p.phase, processor: p.name, partition: cand.partition, scope: scopeText(decided.scope), fingerprint: decision.fingerprint,
    inputs: decision.inputs, reasons: [...decision.reasons, ...decision.warnings.map((w) => `warning: ${w}`)], attempt: attempt || undefined,
    backfill: decided.backfill !== null, backfillReason: decided.backfill?.reason, stopAfter: decided.backfill?.stopAfter,
    detail: decided.stage ? { stage: decided.stage } : undefined,
  });
  recordStageStep(host, cand.partition, c.stage);
  await host.dispatch(c.entries);

  if (decision.kind === 'fail:stale') {
    await host.alerts.send({ severity: 'error', kind: 'run:stale-input', title: `${p.name} not run for ${cand.partition}: stale input`, message: decision.reasons.join('; '), partition: cand.partition, processor: p.name, ts: now });
  }
  if (SETTLING[decision.kind]) await afterSettle(host, p.name, cand.partition);
  if (decision.kind === 'skip:terminal' && c.deadLetter) return { kind: 'terminal', reason: decision.reasons[0]!, attempts: 1 };
  if (decision.kind !== 'run') return { kind: 'skipped' };
  return execute(host, decided, p, decision, executionId, correlationId, attempt);
}

/**
 * Renew the lease every third of its life while the run is alive; a renewal that finds another holder
 * fences the run. A swap, not a transaction: the heartbeat is most of what a long run does with its
 * lease, so it is where a killed process most likely dies, and a transaction killed between its read
 * and its commit would leave the lease locked (Firestore) until the reconciler's reclaim times out.
 */
function heartbeat(host: EngineHost, p: ProcessorPlan, partition: string, executionId: string, ac: AbortController): () => void {
  const leaseId = ids.lease(p.name, partition);
  const timer = setInterval(() => {
    void host.backends.state
      // An expired lease is not revived: another runner may already be taking it over.
      .swap<Lease>('leases', leaseId, (l) => (!l || l.token !== executionId || l.expiresAt <= host.now() ? undefined : { ...l, expiresAt: host.now() + host.leaseTtlMs }))
      .then((renewed) => renewed || ac.abort(new LeaseLostError(`lease of ${p.name}/${partition} was taken over`)))
      .catch(() => undefined);
  }, Math.max(50, Math.floor(host.leaseTtlMs / 3)));
  timer.unref?.();
  return () => clearInterval(timer);
}

async function execute(host: EngineHost, cand: Candidate, p: ProcessorPlan, decision: Decision, executionId: string, correlationId: string, attempt: number): Promise<CandidateOutcome> {
  const { plan, backends } = host;
  const started = host.now();
  if (p.fanOut && !host.dryRun) {
    const fanned = await startFanOut(host, cand, p, decision, executionId, correlationId, attempt);
    if (fanned) return fanned;
    // Nothing to fan out over: run once for the whole scope.
    return execute(host, cand, { ...p, fanOut: undefined }, decision, executionId, correlationId, attempt);
  }
  const ac = new AbortController();
  const stopHeartbeat = heartbeat(host, p, cand.partition, executionId, ac);
  const unregister = host.runs.add({ executionId, processor: p.name, partition: cand.partition, abort: (reason) => ac.abort(reason) });
  const stop = () => {
    stopHeartbeat();
    unregister();
  };
  let output: RunOutput;
  try {
    output = await host.executor.execute(plan, backends, {
      processor: p, partition: cand.partition, scope: cand.scope, executionId, correlationId, attempt, backfill: cand.backfill, signal: ac.signal,
    });
    await ensureLease(host, p.name, cand.partition, executionId);
    if (!host.dryRun && p.table && output.rows) {
      const table = plan.assets.get(p.table)!;
      if (table.kind === 'table') {
        const column = cand.scope ? table.entities[cand.scope.kind] : undefined;
        const res = await backends.warehouse.write(table, { partition: cand.partition, rows: output.rows, mode: table.mode, scope: cand.scope && column ? { column, ids: cand.scope.ids } : undefined });
        output = { ...output, partitionRows: res.rows };
      }
    }
    if (host.faults?.crashAfterWrite?.(p.name, cand.partition)) throw new SimulatedCrash(`${p.name}/${cand.partition}: simulated crash after the warehouse write`);
    const thrown = host.faults?.throwAfterWrite?.(p.name, cand.partition);
    if (thrown) throw thrown;
  } catch (err) {
    stop();
    // A run that timed out may still be running: tell it to stop (ctx.signal) before its retry starts.
    ac.abort(err);
    // The process "died": no failure path, no lease release, no attempt — the reconciler repairs it.
    if (err instanceof SimulatedCrash) throw err;
    // Its process is shutting down: the lease is already released and the run requested again
    // (interrupt.ts); the delivery answers retry, and nothing counts as a failed attempt.
    if (ac.signal.reason instanceof RunInterruptedError) return { kind: 'retry', reason: `${p.name}: ${ac.signal.reason.message}`, delayMs: 0 };
    return failRun(host, cand, p, decision, executionId, correlationId, attempt, err, started);
  }
  stop();
  return complete(host, cand, p, decision, executionId, correlationId, attempt, output, started);
}

async function ensureLease(host: EngineHost, processor: string, partition: string, executionId: string) {
  const l = await host.backends.state.get<Lease>('leases', ids.lease(processor, partition));
  if (!l || l.token !== executionId) throw new LeaseLostError('the lease was taken over by another runner; this run is fenced and its output discarded');
}
