// What happens after a run settles: the gates it is a member of are evaluated (fire + outbox in one
// transaction, §8.6), its stage epoch may advance a level, and the checks on its table are evaluated.
import type { Candidate } from '../core/decide.js';
import { evaluateGate, type GateDecision } from '../core/gates.js';
import { mergeChanged, scopeFor } from '../core/scope.js';
import { levelRequests, openEpoch, stageStep } from '../core/stages.js';
import type { BackfillFlags, ChangedEntities, EngineEvent, GateFire, Lease, Lineage, PartitionVersion, StageEpoch, StageMember } from '../core/types.js';
import type { StateTx } from '../ports.js';
import type { GatePlan, ProcessorPlan } from '../spec/plan.js';
import { evaluateChecks } from './checks.js';
import type { Engine } from './engine.js';
import { ids } from './keys.js';
import { addToOutbox, type OutboxEntry } from './outbox.js';

export async function afterCompletion(engine: Engine, cand: Candidate, p: ProcessorPlan, correlationId: string, executionId: string, opts: { failed?: boolean; terminal?: boolean } = {}): Promise<void> {
  for (const g of engine.plan.gatesOf.get(p.name) ?? []) await evaluateGateNow(engine, engine.plan.gates.get(g)!, cand.partition, cand.backfill);
  if (cand.stage && (!opts.failed || opts.terminal)) await afterSettle(engine, cand);
  if (!opts.failed && p.table) await evaluateChecks(engine, p.table, cand.partition, { correlationId, executionId });
}

/** Evaluate one gate for a partition now; fires (with its outbox events) in one transaction. */
export async function evaluateGateNow(engine: Engine, gate: GatePlan, partition: string, backfill: BackfillFlags | null): Promise<GateDecision> {
  const { plan, backends } = engine;
  const now = engine.now();
  const outputs = gate.members.map((m) => plan.processors.get(m)!.output);
  const { decision, entries, stages } = await backends.state.transaction(async (tx) => {
    const versions = await tx.getMany<PartitionVersion>('versions', outputs.map((o) => ids.version(o, partition)));
    const leases = await tx.getMany<Lease>('leases', gate.members.map((m) => ids.lease(m, partition)));
    const fire = await tx.get<GateFire>('gate_fires', ids.gateFire(gate.name, partition));
    const snap = {
      outputs: Object.fromEntries(gate.members.map((m, i) => [m, versions[i]] as const)),
      running: gate.members.filter((_, i) => leases[i] && leases[i]!.expiresAt > now),
      fire,
    };
    const decision = evaluateGate(plan, gate, partition, snap, now, backfill);
    if (decision.kind !== 'fire') return { decision, entries: [] as OutboxEntry[], stages: [] as Array<{ stage: string; epoch: number; correlationId: string }> };
    const stages: Array<{ stage: string; epoch: number; correlationId: string }> = [];
    const present = versions.filter((v): v is PartitionVersion => !!v);
    const latest = present.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
    const lineage: Lineage = { correlationId: latest.correlationId ?? `gate-${gate.name}-${partition}`, parents: present.map((v) => v.executionId).filter((x): x is string => !!x) };
    tx.set('gate_fires', ids.gateFire(gate.name, partition), { gate: gate.name, partition, vector: decision.vector, firedAt: now, count: (fire?.count ?? 0) + 1, degraded: decision.degraded } satisfies GateFire);
    const events: EngineEvent[] = [];
    for (const t of gate.fires) {
      if (t.kind === 'processor') {
        const tp = plan.processors.get(t.name)!;
        events.push(engine.request(t.name, partition, { reason: 'gate', source: gate.name, scope: scopeFor(tp, decision.changed), ...lineage, backfill }));
      } else if (t.kind === 'stage') {
        const requests = await fireStage(engine, tx, t.name, partition, decision.changed, lineage, backfill);
        stages.push({ stage: t.name, epoch: (requests[0] as { stage?: { epoch: number } } | undefined)?.stage?.epoch ?? 0, correlationId: lineage.correlationId });
        events.push(...requests);
      } else {
        for (const inner of plan.gates.get(t.name)!.fires)
          if (inner.kind === 'processor') events.push(engine.request(inner.name, partition, { reason: 'gate', source: `${gate.name}→${t.name}`, ...lineage, backfill }));
      }
    }
    return { decision, entries: addToOutbox(plan, tx, events, now), stages };
  });
  engine.record({ event: `gate:${decision.kind === 'fire' ? (decision.degraded ? 'fired-degraded' : 'fired') : decision.kind}`, gate: gate.name, partition, reasons: decision.reasons, backfill: backfill !== null, stopAfter: backfill?.stopAfter });
  if (decision.kind === 'fire') {
    for (const s of stages) recordStageFire(engine, s.stage, partition, s.epoch, decision.changed, s.correlationId);
    if (decision.degraded) await engine.alerts.send({ severity: 'warn', kind: 'gate:degraded', title: `gate ${gate.name} fired degraded for ${partition}`, message: decision.reasons.join('; '), partition, ts: now });
    await engine.dispatch(entries);
  }
  return decision;
}

/** Open a new epoch of a stage and request its first level (inside the caller's transaction). */
/** The log entry of a stage fire, recorded once its transaction committed. */
export function recordStageFire(engine: Engine, stage: string, partition: string, epoch: number, changed: ChangedEntities | null, correlationId: string): void {
  engine.record({ event: 'stage:fired', partition, correlationId, reasons: [`stage ${stage} epoch ${epoch}: requesting level 1`], detail: { stage, epoch, changed } });
}

export async function fireStage(engine: Engine, tx: StateTx, stage: string, partition: string, changed: ChangedEntities | null, lineage: Lineage, backfill: BackfillFlags | null): Promise<EngineEvent[]> {
  const now = engine.now();
  const prev = await tx.get<StageEpoch>('stage_epochs', ids.stageEpoch(stage, partition));
  // The new epoch supersedes the previous one. If that one had not requested all its levels yet (still
  // running, or halted), the levels it never reached must still run for its entities: carry them over.
  const unfinished = prev !== undefined && prev.level < engine.plan.stages.get(stage)!.levels.length;
  const epoch = openEpoch(stage, partition, prev, unfinished ? mergeChanged(prev.changed, changed) : changed, lineage, backfill, now);
  tx.set('stage_epochs', ids.stageEpoch(stage, partition), epoch);
  return levelRequests(engine.plan, epoch, 1, lineage.parents, now);
}

/** Fire a stage by itself (a schedule, a manual trigger): open an epoch, request level 1, record it. */
export async function fireStageNow(engine: Engine, stage: string, partition: string, lineage: Lineage, backfill: BackfillFlags | null): Promise<number> {
  const now = engine.now();
  const { entries, epoch } = await engine.backends.state.transaction(async (tx) => {
    const reqs = await fireStage(engine, tx, stage, partition, null, lineage, backfill);
    return { entries: addToOutbox(engine.plan, tx, reqs, now), epoch: reqs[0]?.type === 'run_requested' ? reqs[0].stage?.epoch ?? 0 : 0 };
  });
  recordStageFire(engine, stage, partition, epoch, null, lineage.correlationId);
  await engine.dispatch(entries);
  return epoch;
}

/** A member of a stage level settled: advance the epoch when its whole level has. */
export async function afterSettle(engine: Engine, cand: Candidate): Promise<void> {
  const st = cand.stage!;
  const { plan, backends } = engine;
  const now = engine.now();
  const result = await backends.state.transaction(async (tx) => {
    const epoch = await tx.get<StageEpoch>('stage_epochs', ids.stageEpoch(st.name, cand.partition));
    if (!epoch || epoch.epoch !== st.epoch) return { step: { kind: 'stale' as const, reasons: [`epoch ${st.epoch} superseded by ${epoch?.epoch}`] }, entries: [] as OutboxEntry[] };
    const names = plan.stages.get(st.name)!.levels[st.level - 1] ?? [];
    const members = (await tx.getMany<StageMember>('stage_members', names.map((n) => ids.stageMember(st.name, cand.partition, n)))).filter((m): m is StageMember => !!m);
    const step = stageStep(plan, epoch, st.level, members);
    if (step.kind !== 'advance') return { step, entries: [] as OutboxEntry[] };
    tx.set('stage_epochs', ids.stageEpoch(st.name, cand.partition), { ...epoch, level: step.level });
    const parents = members.map((m) => m.executionId).filter((x): x is string => !!x);
    const requests = levelRequests(plan, epoch, step.level, parents.length ? parents : epoch.lineage.parents, now);
    return { step, entries: addToOutbox(plan, tx, requests, now) };
  });
  if (result.step.kind !== 'wait' && result.step.kind !== 'stale')
    engine.record({ event: `stage:${result.step.kind}`, partition: cand.partition, reasons: result.step.reasons, detail: { stage: st.name, epoch: st.epoch, level: st.level } });
  await engine.dispatch(result.entries);
}
