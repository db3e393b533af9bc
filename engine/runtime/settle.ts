// Settling a decision inside the transaction that records it: the tickets it covered are closed, and
// a stage member's outcome is recorded for the epoch that asked for it — only if that epoch is still
// the current one and has reached the member's level, so a late or duplicated request can never move
// a member (or the epoch) backwards. When the member's level has settled, the next level is requested
// in the same transaction, so a crash cannot lose the advance and no moment exists where the level
// settled but its successors have no tickets yet.
import { levelRequests, stageStep, type StageStep } from '../core/stages.js';
import type { PendingMark, StageContext, StageEpoch, StageMember } from '../core/types.js';
import type { StateTx } from '../ports.js';
import type { ProcessorPlan } from '../spec/plan.js';
import type { EngineHost } from './host.js';
import { ids } from './keys.js';
import type { OutboxEntry } from './outbox.js';
import { closeTickets, emitInTx, writeMark } from './tickets.js';

const OK: ReadonlySet<StageMember['outcome']> = new Set(['succeeded', 'duplicate']);

export interface StageSettled {
  stage: string;
  epoch: number;
  level: number;
  step: StageStep;
}

/** Close the covered tickets of a processor's mark (inside the caller's transaction). */
export function closeCovered(tx: StateTx, mark: PendingMark | undefined, processor: string, partition: string, covered: readonly string[], now: number, opts: { clearFailed: boolean }): void {
  if (!mark) return;
  const base = opts.clearFailed ? { ...mark, failed: undefined } : mark;
  writeMark(tx, processor, partition, closeTickets(base, covered, now));
}

/**
 * Record a stage member's outcome for the epoch that requested it and advance the epoch when the
 * member's level settled. Returns the outbox entries of the next level and what happened, or
 * undefined when the outcome belongs to no current epoch (a stale request).
 */
export async function settleStageInTx(
  host: EngineHost, tx: StateTx, p: ProcessorPlan, partition: string, stage: StageContext | undefined, outcome: StageMember['outcome'], executionId: string | undefined, now: number,
): Promise<{ entries: OutboxEntry[]; settled?: StageSettled }> {
  if (!p.stage || !stage || stage.name !== p.stage.name) return { entries: [] };
  const epoch = await tx.get<StageEpoch>('stage_epochs', ids.stageEpoch(stage.name, partition));
  // Only the current epoch, and only once it has asked for this member's level.
  if (!epoch || epoch.epoch !== stage.epoch || p.stage.level > epoch.level) return { entries: [] };
  const level = p.stage.level;
  const memberId = ids.stageMember(stage.name, partition, p.name);
  const prev = await tx.get<StageMember>('stage_members', memberId);
  // Within one epoch a fresh success replaces anything, and any outcome replaces a failure (a replay);
  // a duplicate never overwrites the success it duplicates.
  const replace = !prev || prev.epoch < epoch.epoch || outcome === 'succeeded' || !OK.has(prev.outcome);
  if (prev && prev.epoch > epoch.epoch) return { entries: [] };
  const mine: StageMember = replace ? { stage: stage.name, partition, processor: p.name, epoch: epoch.epoch, outcome, ...(executionId ? { executionId } : {}) } : prev!;
  if (replace) tx.set('stage_members', memberId, mine);
  if (level !== epoch.level) return { entries: [] }; // an earlier level settled again: nothing to advance
  const names = host.plan.stages.get(stage.name)!.levels[level - 1] ?? [];
  const others = await tx.getMany<StageMember>('stage_members', names.map((n) => ids.stageMember(stage.name, partition, n)));
  const members = others.map((m, i) => (names[i] === p.name ? mine : m)).filter((m): m is StageMember => !!m);
  const step = stageStep(host.plan, epoch, level, members);
  const settled = { stage: stage.name, epoch: epoch.epoch, level, step };
  if (step.kind === 'wait' || step.kind === 'stale') return { entries: [], settled };
  if (step.kind !== 'advance') {
    tx.set('stage_epochs', ids.stageEpoch(stage.name, partition), { ...epoch, status: step.kind === 'done' ? 'done' : 'halted' } satisfies StageEpoch);
    return { entries: [], settled };
  }
  tx.set('stage_epochs', ids.stageEpoch(stage.name, partition), { ...epoch, level: step.level, status: 'running' } satisfies StageEpoch);
  const parents = members.filter((m) => m.epoch === epoch.epoch).map((m) => m.executionId).filter((x): x is string => !!x);
  const requests = levelRequests(host.plan, epoch, step.level, parents.length ? parents : epoch.lineage.parents, now);
  return { entries: await emitInTx(host, tx, requests, now), settled };
}

/** The log entry of a stage step, once its transaction committed. */
export function recordStageStep(host: EngineHost, partition: string, s: StageSettled | undefined): void {
  if (!s || s.step.kind === 'wait' || s.step.kind === 'stale') return;
  host.record({ event: `stage:${s.step.kind}`, partition, reasons: s.step.reasons, detail: { stage: s.stage, epoch: s.epoch, level: s.level } });
}
