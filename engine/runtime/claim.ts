// Deciding a candidate and claiming it, in ONE transaction (§8.1–4): the delivery's ticket is checked
// (a redelivery of a settled ticket does nothing), every open ticket of the processor is merged into
// the run's context (scope, stage, backfill, lineage), the processor is held while anything upstream
// in its partition is unsettled (glitch-free waves), and otherwise the core decides. A run takes the
// lease for this runner, covering the tickets it settles; a settling skip closes them at once.
import { decide, leaseLive, type Candidate } from '../core/decide.js';
import { scopeText } from '../core/scope.js';
import { gatesToView, holdReasons, mergeTickets, ticketOf } from '../core/waves.js';
import type { Decision, Lease, PendingMark, RunContext, StageMember } from '../core/types.js';
import type { ProcessorPlan } from '../spec/plan.js';
import type { EngineHost } from './host.js';
import { ids } from './keys.js';
import type { OutboxEntry } from './outbox.js';
import type { RunRecord } from './records.js';
import { runnerText } from './runner.js';
import { closeCovered, settleStageInTx, type StageSettled } from './settle.js';
import { claimReads } from './prefetch.js';
import { loadSnapshot } from './snapshot.js';
import { writeMark } from './tickets.js';
import { loadWaveView } from './wave-view.js';

/** Decisions that settle the processor's open tickets at once (its stage member gets this outcome). */
export const SETTLING: Partial<Record<Decision['kind'], StageMember['outcome']>> = {
  'skip:duplicate': 'duplicate', 'skip:not-ready': 'not-ready', 'skip:stop-after': 'stopped', 'fail:stale': 'failed',
};

export interface Claim {
  decision: Decision;
  /** The candidate as decided: its context merged from every open ticket. */
  cand: Candidate;
  context: RunContext;
  attempt: number;
  covers: string[];
  /** Outbox entries of the transaction (a stage's next level). */
  entries: OutboxEntry[];
  stage?: StageSettled;
  /** skip:terminal of a delivery the failed run itself covered: its dead letter may have died with that process. */
  deadLetter?: boolean;
}

function redelivered(cand: Candidate, reason: string): Decision {
  return { kind: 'skip:redelivered', processor: cand.processor, partition: cand.partition, scope: cand.scope, reasons: [reason], warnings: [], inputs: [] };
}

export async function claim(host: EngineHost, cand: Candidate, p: ProcessorPlan, executionId: string, correlationId: string): Promise<Claim> {
  const { plan, backends } = host;
  return backends.state.transaction(async (tx) => {
    // Each attempt reads the clock anew: a contended transaction retried for seconds must not write a
    // lease that is already (nearly) expired when it commits.
    const now = host.now();
    await tx.getAll(claimReads(plan, p, cand.partition)); // one round trip; the reads below are served from it
    const snap = await loadSnapshot(tx, p, cand.partition);
    if (snap.lease?.runner && host.liveness(snap.lease.runner) === false) snap.leaseHolderGone = true;
    let mark = await tx.get<PendingMark>('pending', ids.pending(p.name, cand.partition));
    const none = { context: { scope: cand.scope, backfill: cand.backfill, lineage: cand.lineage }, attempt: 0, covers: [], entries: [], cand };

    if (cand.ticket !== undefined) {
      if (!mark?.tickets.some((t) => t.id === cand.ticket))
        return { ...none, decision: redelivered(cand, `delivery already settled (ticket ${cand.ticket.slice(0, 8)}): nothing to do`) };
      if (leaseLive(snap, now) && snap.lease!.covers.includes(cand.ticket))
        return { ...none, decision: redelivered(cand, `already running as execution ${snap.lease!.token} (${runnerText(snap.lease!.runner)})`) };
    } else {
      // From outside the outbox (a test, another system): it gets a ticket of its own now.
      const t = ticketOf(host.newId(), now, { reason: cand.trigger.kind === 'asset' ? 'update' : cand.trigger.reason, source: cand.trigger.kind === 'asset' ? cand.trigger.asset : cand.trigger.source, scope: cand.scope, backfill: cand.backfill, stage: cand.stage, lineage: cand.lineage, force: cand.force, onlyIfNotDone: cand.onlyIfNotDone });
      mark = { processor: p.name, partition: cand.partition, ...mark, tickets: [...(mark?.tickets ?? []), t], updatedAt: now };
      writeMark(tx, p.name, cand.partition, mark);
    }
    const open = mark!.tickets;
    const context = mergeTickets(plan, open);
    const merged: Candidate = {
      ...cand, scope: context.scope, backfill: context.backfill, stage: context.stage, lineage: context.lineage, force: context.force, onlyIfNotDone: context.onlyIfNotDone,
    };
    const decision = decide(plan, merged, snap, now);
    const base = { ...none, cand: merged, context };

    if (decision.kind !== 'skip:stop-after' && decision.kind !== 'rerun-requested') {
      const view = await loadWaveView(tx, plan, cand.partition, gatesToView(plan, [p.name]));
      const held = holdReasons(plan, p.name, cand.partition, view, now);
      if (held.length) {
        writeMark(tx, p.name, cand.partition, { ...mark!, deferred: { since: mark!.deferred?.since ?? now, reasons: held }, updatedAt: now });
        return { ...base, decision: { ...decision, kind: 'held', reasons: held } };
      }
    }

    if (decision.kind === 'run') {
      const attempt = (snap.attempts && snap.attempts.fingerprint === decision.fingerprint && !snap.attempts.terminal ? snap.attempts.attempts : 0) + 1;
      const covers = open.map((t) => t.id);
      const lease: Lease = {
        processor: p.name, partition: cand.partition, token: executionId, claimedAt: now, expiresAt: now + host.leaseTtlMs, attempt, runner: host.runner, covers, context,
      };
      tx.set('leases', ids.lease(p.name, cand.partition), lease);
      const run: RunRecord = {
        executionId, processor: p.name, partition: cand.partition, scope: scopeText(merged.scope), status: 'running', attempt, correlationId,
        parents: merged.lineage.parents, fingerprint: decision.fingerprint, startedAt: now, backfill: merged.backfill !== null, trigger: decision.reasons[0] ?? '',
        runner: runnerText(host.runner),
      };
      tx.set('runs', executionId, run);
      if (mark!.deferred) writeMark(tx, p.name, cand.partition, { ...mark!, deferred: undefined, updatedAt: now });
      return { ...base, decision, attempt, covers };
    }
    const outcome = SETTLING[decision.kind];
    if (outcome) {
      // Settled on the current inputs: every open ticket is covered; a failure for other inputs is lifted.
      const lifted = decision.kind !== 'fail:stale' && (!mark!.failed || mark!.failed.fingerprint !== decision.fingerprint);
      closeCovered(tx, mark, p.name, cand.partition, open.map((t) => t.id), now, { clearFailed: lifted });
      const st = await settleStageInTx(host, tx, p, cand.partition, context.stage, outcome, undefined, now);
      return { ...base, decision, entries: st.entries, stage: st.settled };
    }
    // rerun-requested: the open ticket waits for the running holder; skip:terminal: it holds until fixed.
    // A redelivery of a message the failed run covered is dead-lettered again (at least once: the first
    // dead letter may have been lost with its process); any other trigger waits on its open ticket,
    // which the replay of that dead letter covers.
    if (decision.kind === 'skip:terminal') {
      const covered = mark!.failed?.covers;
      return { ...base, decision, deadLetter: !covered || (cand.ticket !== undefined && covered.includes(cand.ticket)) };
    }
    return { ...base, decision };
  });
}
