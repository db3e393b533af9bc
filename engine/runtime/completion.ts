// How a run ends. Completion is ONE transaction (§8.5): fencing check, a new version only if some
// entity's content changed, last success, lease released, the covered tickets closed, the stage
// member settled (and its next level requested), and the outgoing events with their tickets in the
// outbox. A failure records the attempt: a retryable one leaves the tickets open for the redelivery; a
// terminal one marks the processor failed, which holds everything downstream until it is fixed.
import type { Candidate } from '../core/decide.js';
import { diffGroups, mergeScopes, scopeText, type EntityGroup } from '../core/scope.js';
import type { AssetUpdated, AttemptState, ChangedEntities, Decision, LastSuccess, Lease, PartitionVersion, PendingMark, RunRequested } from '../core/types.js';
import type { ProcessorPlan } from '../spec/plan.js';
import { backoffMs, isRetryable } from './backoff.js';
import type { RunOutput } from './executor.js';
import { afterSettle } from './follow-ups.js';
import { evaluateChecks } from './checks.js';
import { errorLocation, errorText, logsOf } from './error-location.js';
import type { EngineHost } from './host.js';
import { ids } from './keys.js';
import { completionReads, downstreamOf } from './prefetch.js';
import { LeaseLostError } from './processor.js';
import type { RunRecord } from './records.js';
import { entityGroups } from './rows.js';
import { closeCovered, recordStageStep, settleStageInTx } from './settle.js';
import { emitInTx, settlingRequest, writeMark } from './tickets.js';

export type CandidateOutcome =
  | { kind: 'done' | 'skipped' }
  | { kind: 'retry'; reason: string; delayMs?: number }
  | { kind: 'terminal'; reason: string; attempts?: number };

/** Groups per output: rows by entity for a table; one group per object/document path for collections. */
function outputGroups(host: EngineHost, p: ProcessorPlan, output: RunOutput): Map<string, Record<string, EntityGroup> | undefined> {
  const out = new Map<string, Record<string, EntityGroup> | undefined>();
  for (const ref of p.outputs) {
    const a = host.plan.assets.get(ref)!;
    if (output.simulated) out.set(ref, undefined);
    else if (a.kind === 'table') out.set(ref, output.rows ? entityGroups(a, output.rows) : undefined);
    else {
      const written = output.written.get(ref);
      out.set(ref, written ? Object.fromEntries([...written].map(([path, hash]) => [path, { hash, entities: {} }])) : undefined);
    }
  }
  return out;
}

/** Tickets that arrived while the run was in flight: nobody delivers them again, so ask for one more evaluation. */
function uncovered(mark: PendingMark | undefined, covers: readonly string[]): PendingMark | undefined {
  if (!mark) return undefined;
  const left = mark.tickets.filter((t) => !covers.includes(t.id));
  return left.length ? { ...mark, tickets: left } : undefined;
}

export async function complete(host: EngineHost, cand: Candidate, p: ProcessorPlan, decision: Decision, executionId: string, correlationId: string, attempt: number, output: RunOutput, started: number): Promise<CandidateOutcome> {
  const { plan, backends } = host;
  const now = host.now();
  const groups = outputGroups(host, p, output);
  const result = await backends.state.transaction(async (tx) => {
    await tx.getAll(completionReads(plan, p, cand.partition, executionId)); // one round trip; the reads below are served from it
    const lease = await tx.get<Lease>('leases', ids.lease(p.name, cand.partition));
    if (!lease || lease.token !== executionId) return { fenced: true as const };
    const events: AssetUpdated[] = [];
    let rowsWritten = 0;
    let changedAll: ChangedEntities | null | undefined;
    for (const ref of p.outputs) {
      const a = plan.assets.get(ref)!;
      const [prev, prevHashes] = await Promise.all([
        tx.get<PartitionVersion>('versions', ids.version(ref, cand.partition)),
        tx.get<{ groups: Record<string, EntityGroup> }>('entity_hashes', ids.hashes(ref, cand.partition)),
      ]);
      const next = groups.get(ref);
      if (next === undefined && prev && !output.simulated) continue; // wrote nothing: no change
      const mode = a.kind === 'table' ? a.mode : 'upsert';
      const diff = output.simulated ? { changed: true, entities: null, merged: {} } : diffGroups(prevHashes?.groups, next ?? {}, { mode, scope: cand.scope });
      const rows = output.simulated ? -1 : a.kind === 'table' ? (output.partitionRows ?? output.rows?.length ?? 0) : Object.keys(diff.merged).length;
      if (!prev || diff.changed) {
        const v: PartitionVersion = {
          asset: ref, partition: cand.partition, version: (prev?.version ?? 0) + 1, rows, updatedAt: now, changedEntities: diff.entities, executionId, correlationId, backfill: cand.backfill,
        };
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
    const [prevSuccess, run, mark] = await Promise.all([
      tx.get<LastSuccess>('last_success', ids.lastSuccess(p.name, cand.partition)),
      tx.get<RunRecord>('runs', executionId),
      tx.get<PendingMark>('pending', ids.pending(p.name, cand.partition)),
    ]);
    // Successive scoped runs on the same inputs cover the union of their scopes.
    const scope = prevSuccess && prevSuccess.fingerprint === decision.fingerprint && cand.scope && prevSuccess.scope ? mergeScopes(prevSuccess.scope, cand.scope) : cand.scope;
    const success: LastSuccess = {
      processor: p.name, partition: cand.partition, fingerprint: decision.fingerprint!, scope, executionId, finishedAt: now,
      fullFingerprint: cand.scope === null ? decision.fingerprint : prevSuccess?.fullFingerprint,
    };
    tx.set('last_success', ids.lastSuccess(p.name, cand.partition), success);
    tx.delete('attempts', ids.attempts(p.name, cand.partition));
    tx.delete('leases', ids.lease(p.name, cand.partition));
    tx.set('runs', executionId, { ...run!, status: 'succeeded', finishedAt: now, rowsWritten, changedEntities: changedAll ?? null });
    closeCovered(tx, mark, p.name, cand.partition, lease.covers, now, { clearFailed: true });
    const rest = uncovered(mark, lease.covers);
    const outgoing: Array<AssetUpdated | RunRequested> = [...events];
    if (rest) outgoing.push(settlingRequest(host, rest, 'rerun-requested', now));
    // Held downstream work (read with the batch above, before this transaction's own writes) is released after the commit.
    const held = (await tx.getMany<PendingMark>('pending', downstreamOf(plan, p).map((q) => ids.pending(q, cand.partition)))).some((m) => m?.deferred);
    const st = await settleStageInTx(host, tx, p, cand.partition, lease.context.stage, 'succeeded', executionId, now);
    return { fenced: false as const, entries: [...st.entries, ...(await emitInTx(host, tx, outgoing, now))], stage: st.settled, events, rowsWritten, changed: changedAll, rerun: !!rest, held };
  });
  if (result.fenced) {
    await markFenced(host, executionId, 'completion refused: the lease belongs to another runner');
    host.record({ event: 'run:fenced', executionId, correlationId, processor: p.name, partition: cand.partition, phase: p.phase, reasons: ['completion refused: the lease belongs to another runner'] });
    return { kind: 'done' };
  }
  await host.dispatch(result.entries);
  host.record({
    event: 'run:succeeded', executionId, correlationId, parents: cand.lineage.parents, phase: p.phase, processor: p.name, partition: cand.partition,
    scope: scopeText(cand.scope), fingerprint: decision.fingerprint, rowsWritten: result.rowsWritten, changedEntities: result.changed ?? null,
    durationMs: host.now() - started, attempt, backfill: cand.backfill !== null, backfillReason: cand.backfill?.reason, stopAfter: cand.backfill?.stopAfter,
    reasons: result.events.length ? result.events.map((e) => `${e.asset} v${e.version}${e.changedEntities ? ` (${Object.entries(e.changedEntities).map(([k, v]) => `${k}:${v.length}`).join(' ')})` : ''}`) : ['content unchanged: no new version, no event'],
    detail: { logs: output.logs.length ? output.logs : undefined, rerun: result.rerun || undefined, simulated: output.simulated || undefined },
  });
  recordStageStep(host, cand.partition, result.stage);
  if (p.table) await evaluateChecks(host, p.table, cand.partition);
  await afterSettle(host, p.name, cand.partition, { release: result.held });
  return { kind: 'done' };
}

export async function failRun(host: EngineHost, cand: Candidate, p: ProcessorPlan, decision: Decision, executionId: string, correlationId: string, attempt: number, err: unknown, started: number): Promise<CandidateOutcome> {
  const { backends } = host;
  const now = host.now();
  const e = err as Error;
  if (e instanceof LeaseLostError) {
    await markFenced(host, executionId, e.message);
    host.record({ event: 'run:fenced', executionId, correlationId, processor: p.name, partition: cand.partition, phase: p.phase, reasons: [e.message] });
    return { kind: 'done' };
  }
  const retryable = isRetryable(err, p.retry) && attempt < p.retry.maxAttempts;
  const message = e?.message ?? String(err);
  const where = errorLocation(err, host.plan.dir);
  const result = await backends.state.transaction(async (tx) => {
    const [lease, run, mark] = await Promise.all([
      tx.get<Lease>('leases', ids.lease(p.name, cand.partition)),
      tx.get<RunRecord>('runs', executionId),
      tx.get<PendingMark>('pending', ids.pending(p.name, cand.partition)),
    ]);
    const mine = lease?.token === executionId;
    if (mine) tx.delete('leases', ids.lease(p.name, cand.partition));
    const a: AttemptState = {
      processor: p.name, partition: cand.partition, attempts: attempt, lastError: message, lastErrorType: e?.name ?? 'Error',
      nextAttemptAt: retryable ? now + backoffMs(p.retry, attempt) : undefined, terminal: !retryable, fingerprint: decision.fingerprint,
    };
    tx.set('attempts', ids.attempts(p.name, cand.partition), a);
    if (run) tx.set('runs', executionId, { ...run, status: 'failed', finishedAt: now, error: a.lastError, errorType: a.lastErrorType, errorAt: where.at, errorStack: where.stack.length ? where.stack : undefined });
    // Retryable: the tickets stay open and the redelivery covers them. Terminal: they stay open too, and
    // the mark says failed, so downstream waits visibly until a replay or a forced run settles them.
    if (retryable || !mine || !mark) return { entries: [] as never[], stage: undefined };
    writeMark(tx, p.name, cand.partition, { ...mark, failed: { executionId, error: errorText(a.lastErrorType, message, where.at), at: now, fingerprint: decision.fingerprint, covers: lease.covers }, updatedAt: now });
    const st = await settleStageInTx(host, tx, p, cand.partition, lease.context.stage, 'failed', executionId, now);
    // Triggers that arrived during the run may carry new inputs, which lift a terminal failure.
    const rest = uncovered(mark, lease.covers);
    const entries = rest ? await emitInTx(host, tx, [settlingRequest(host, rest, 'rerun-requested', now)], now) : [];
    return { entries: [...st.entries, ...entries], stage: st.settled };
  });
  await host.dispatch(result.entries);
  host.record({
    event: retryable ? 'run:failed' : 'run:failed-terminal', executionId, correlationId, parents: cand.lineage.parents, phase: p.phase, processor: p.name,
    partition: cand.partition, scope: scopeText(cand.scope), fingerprint: decision.fingerprint, durationMs: now - started, attempt,
    errorType: e?.name ?? 'Error', errorMessage: message, backfill: cand.backfill !== null,
    reasons: [retryable ? `attempt ${attempt}/${p.retry.maxAttempts} failed; retrying in ${backoffMs(p.retry, attempt)}ms` : `failed for good after ${attempt} attempt(s)${isRetryable(err, p.retry) ? '' : ' (non-retryable error)'}`],
    detail: { error: where.at ? where : undefined, logs: logsOf(err), maxAttempts: p.retry.maxAttempts, retryInMs: retryable ? backoffMs(p.retry, attempt) : undefined, nextAttemptAt: retryable ? now + backoffMs(p.retry, attempt) : undefined },
  });
  recordStageStep(host, cand.partition, result.stage);
  if (!retryable) {
    await host.alerts.send({ severity: 'error', kind: 'run:failed-terminal', title: `${p.name} failed for ${cand.partition}`, message: `${errorText(e?.name, message, where.at)} (attempt ${attempt})`, partition: cand.partition, processor: p.name, ts: now });
  }
  return retryable
    ? { kind: 'retry', reason: `${p.name}: ${message}`, delayMs: backoffMs(p.retry, attempt) }
    : { kind: 'terminal', reason: `${p.name} failed for good: ${errorText(e?.name, message, where.at)}`, attempts: attempt };
}

/** A fenced run's record says so (it would otherwise read `running` forever in status and trace). */
export async function markFenced(host: EngineHost, executionId: string, reason: string): Promise<void> {
  const now = host.now();
  await host.backends.state.transaction(async (tx) => {
    const run = await tx.get<RunRecord>('runs', executionId);
    if (run && run.status === 'running') tx.set('runs', executionId, { ...run, status: 'failed', finishedAt: now, error: reason, errorType: 'Fenced' });
  });
}
