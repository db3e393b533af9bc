// Stages: processors in ordered levels. A stage fire opens a new epoch and requests level 1; when
// every member of level k settled for that epoch (succeeded or already up to date), level k+1 is
// requested with the same scope. A member that failed or was not ready halts the epoch there.
import type { Plan } from '../spec/plan.js';
import { scopeFor } from './scope.js';
import type { BackfillFlags, ChangedEntities, Lineage, RunRequested, StageEpoch, StageMember } from './types.js';

export function openEpoch(stage: string, partition: string, prev: StageEpoch | undefined, changed: ChangedEntities | null, lineage: Lineage, backfill: BackfillFlags | null, now: number): StageEpoch {
  return { stage, partition, epoch: (prev?.epoch ?? 0) + 1, changed, firedAt: now, level: 1, lineage, backfill };
}

export function levelRequests(plan: Plan, epoch: StageEpoch, level: number, parents: string[], now: number): RunRequested[] {
  const members = plan.stages.get(epoch.stage)!.levels[level - 1] ?? [];
  return members.map((processor) => ({
    type: 'run_requested', processor, partition: epoch.partition, scope: scopeFor(plan.processors.get(processor)!, epoch.changed), reason: 'stage', source: `${epoch.stage}/level-${level}`,
    stage: { name: epoch.stage, epoch: epoch.epoch, level }, correlationId: epoch.lineage.correlationId, parents,
    backfill: epoch.backfill, emittedAt: now,
  }));
}

export type StageStep =
  | { kind: 'advance'; level: number; reasons: string[] }
  | { kind: 'wait' | 'halt' | 'done' | 'stale'; reasons: string[] };

/** After a member settled: advance to the next level, keep waiting, halt, or finish the epoch. */
export function stageStep(plan: Plan, epoch: StageEpoch, level: number, members: StageMember[]): StageStep {
  if (level !== epoch.level) return { kind: 'stale', reasons: [`epoch ${epoch.epoch} is at level ${epoch.level}, not ${level}`] };
  const levels = plan.stages.get(epoch.stage)!.levels;
  const names = levels[level - 1] ?? [];
  const mine = new Map(members.filter((m) => m.epoch === epoch.epoch).map((m) => [m.processor, m] as const));
  const bad = names.filter((n) => mine.get(n) && !['succeeded', 'duplicate'].includes(mine.get(n)!.outcome));
  if (bad.length) return { kind: 'halt', reasons: bad.map((n) => `${n} ${mine.get(n)!.outcome} in level ${level}: later levels wait`) };
  const pending = names.filter((n) => !mine.has(n));
  if (pending.length) return { kind: 'wait', reasons: [`level ${level} waiting for ${pending.join(', ')}`] };
  if (level >= levels.length) return { kind: 'done', reasons: [`all ${levels.length} levels settled for epoch ${epoch.epoch}`] };
  return { kind: 'advance', level: level + 1, reasons: [`level ${level} settled (${names.join(', ')}); requesting level ${level + 1}`] };
}
