// What happens after a processor settles for a partition: the gates downstream of it are evaluated
// (fire + outbox + tickets in one transaction, §8.6) and processors held back by it are released when
// nothing else upstream of them is unsettled. A gate fires only when its members and everything
// upstream of them settled, so one upstream change fires it once, with every member at its new version.
import { evaluateGate, type GateDecision } from '../core/gates.js';
import { mergeChanged, scopeFor } from '../core/scope.js';
import { levelRequests, openEpoch } from '../core/stages.js';
import { gateBackfill, gatesToView, holdReasons, waveGraph } from '../core/waves.js';
import type { BackfillFlags, ChangedEntities, EngineEvent, GateFire, Lineage, PartitionVersion, StageEpoch } from '../core/types.js';
import type { StateTx } from '../ports.js';
import type { GatePlan } from '../spec/plan.js';
import type { EngineHost } from './host.js';
import { ids } from './keys.js';
import type { OutboxEntry } from './outbox.js';
import { emitInTx, settlingRequest, writeMark } from './tickets.js';
import { loadWaveView } from './wave-view.js';

/**
 * After `processor` settled for `partition`: evaluate the gates after it, then release what it held
 * (`release: false` when the settling transaction saw nothing held downstream of it).
 */
export async function afterSettle(host: EngineHost, processor: string, partition: string, opts: { release?: boolean } = {}): Promise<void> {
  for (const g of waveGraph(host.plan).gatesAfter.get(processor) ?? []) await evaluateGateNow(host, host.plan.gates.get(g)!, partition);
  if (opts.release !== false) await releaseHeld(host, partition, processor);
}

/**
 * Evaluate one gate for a partition now; fires (with its outbox events and their tickets) in one
 * transaction. The backfill flags come from the members' latest versions unless given, so a gate
 * evaluated later (the reconciler, a schedule) keeps a backfill's stop-after.
 */
export async function evaluateGateNow(host: EngineHost, gate: GatePlan, partition: string, backfill?: BackfillFlags | null): Promise<GateDecision> {
  const { plan, backends } = host;
  const now = host.now();
  const r = await backends.state.transaction(async (tx) => {
    const view = await loadWaveView(tx, plan, partition, [gate.name]);
    const gv = view.gates.get(gate.name)!;
    const flags = backfill === undefined ? gateBackfill(gv) : backfill;
    // Members (or anything upstream of them) still busy: the gate waits for the whole wave.
    const busy = [...waveGraph(plan).gateUpstream.get(gate.name)!].filter((u) => view.pending.has(u));
    const running = busy.filter((u) => gate.members.includes(u));
    const decision = evaluateGate(plan, gate, partition, { outputs: gv.outputs, running, fire: gv.fire }, now, flags);
    if (busy.length && decision.kind !== 'wait') {
      return { decision: { kind: 'wait' as const, gate: gate.name, partition, reasons: [`waiting for unsettled work upstream: ${busy.join(', ')}`] }, entries: [] as OutboxEntry[], stages: [] as StageFired[], flags };
    }
    if (decision.kind !== 'fire') return { decision, entries: [] as OutboxEntry[], stages: [] as StageFired[], flags };
    const present = Object.values(gv.outputs).filter((v): v is PartitionVersion => !!v);
    const latest = present.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
    const lineage: Lineage = { correlationId: latest.correlationId ?? `gate-${gate.name}-${partition}`, parents: present.map((v) => v.executionId).filter((x): x is string => !!x) };
    tx.set('gate_fires', ids.gateFire(gate.name, partition), { gate: gate.name, partition, vector: decision.vector, firedAt: now, count: (gv.fire?.count ?? 0) + 1, degraded: decision.degraded } satisfies GateFire);
    const events: EngineEvent[] = [];
    const stages: StageFired[] = [];
    for (const t of gate.fires) {
      if (t.kind === 'processor') {
        const tp = plan.processors.get(t.name)!;
        events.push(host.request(t.name, partition, { reason: 'gate', source: gate.name, scope: scopeFor(tp, decision.changed), ...lineage, backfill: flags }));
      } else if (t.kind === 'stage') {
        const { requests, epoch } = await openStage(host, tx, t.name, partition, decision.changed, lineage, flags);
        stages.push({ stage: t.name, epoch, correlationId: lineage.correlationId });
        events.push(...requests);
      } else {
        for (const inner of plan.gates.get(t.name)!.fires)
          if (inner.kind === 'processor') events.push(host.request(inner.name, partition, { reason: 'gate', source: `${gate.name}→${t.name}`, ...lineage, backfill: flags }));
      }
    }
    return { decision, entries: await emitInTx(host, tx, events, now), stages, flags };
  });
  const { decision } = r;
  host.record({ event: `gate:${decision.kind === 'fire' ? (decision.degraded ? 'fired-degraded' : 'fired') : decision.kind}`, gate: gate.name, partition, reasons: decision.reasons, backfill: r.flags !== null, stopAfter: r.flags?.stopAfter });
  if (decision.kind === 'fire') {
    for (const s of r.stages) recordStageFire(host, s.stage, partition, s.epoch, decision.changed, s.correlationId);
    if (decision.degraded) await host.alerts.send({ severity: 'warn', kind: 'gate:degraded', title: `gate ${gate.name} fired degraded for ${partition}`, message: decision.reasons.join('; '), partition, ts: now });
    await host.dispatch(r.entries);
  }
  return decision;
}

interface StageFired {
  stage: string;
  epoch: number;
  correlationId: string;
}

/** The log entry of a stage fire, recorded once its transaction committed. */
export function recordStageFire(host: EngineHost, stage: string, partition: string, epoch: number, changed: ChangedEntities | null, correlationId: string): void {
  host.record({ event: 'stage:fired', partition, correlationId, reasons: [`stage ${stage} epoch ${epoch}: requesting level 1`], detail: { stage, epoch, changed } });
}

/** Open a new epoch of a stage and return its first level's requests (inside the caller's transaction). */
async function openStage(host: EngineHost, tx: StateTx, stage: string, partition: string, changed: ChangedEntities | null, lineage: Lineage, backfill: BackfillFlags | null): Promise<{ requests: EngineEvent[]; epoch: number }> {
  const now = host.now();
  const prev = await tx.get<StageEpoch>('stage_epochs', ids.stageEpoch(stage, partition));
  // The new epoch supersedes the previous one. If that one had not settled all its levels yet (still
  // running, or halted), the levels it never reached must still run for its entities: carry them over.
  const unfinished = prev !== undefined && prev.status !== 'done';
  const epoch: StageEpoch = { ...openEpoch(stage, partition, prev, unfinished ? mergeChanged(prev.changed, changed) : changed, lineage, backfill, now), status: 'running' };
  tx.set('stage_epochs', ids.stageEpoch(stage, partition), epoch);
  return { requests: levelRequests(host.plan, epoch, 1, lineage.parents, now), epoch: epoch.epoch };
}

/** Fire a stage by itself (a schedule, a manual trigger): open an epoch, request level 1, record it. */
export async function fireStageNow(host: EngineHost, stage: string, partition: string, lineage: Lineage, backfill: BackfillFlags | null): Promise<number> {
  const now = host.now();
  const { entries, epoch } = await host.backends.state.transaction(async (tx) => {
    const { requests, epoch } = await openStage(host, tx, stage, partition, null, lineage, backfill);
    return { entries: await emitInTx(host, tx, requests, now), epoch };
  });
  recordStageFire(host, stage, partition, epoch, null, lineage.correlationId);
  await host.dispatch(entries);
  return epoch;
}

/**
 * Release held processors of a partition whose upstream has settled (only those downstream of
 * `after`, when given): each gets one request that settles its open tickets.
 */
export async function releaseHeld(host: EngineHost, partition: string, after?: string): Promise<number> {
  const { plan, backends } = host;
  const now = host.now();
  const downstream = after ? waveGraph(plan).downstream.get(after) : undefined;
  const entries = await backends.state.transaction(async (tx) => {
    const view = await loadWaveView(tx, plan, partition, []);
    const held = [...view.pending.values()].filter((m) => m.deferred && (!downstream || downstream.has(m.processor)));
    if (!held.length) return [] as OutboxEntry[];
    const full = await loadWaveView(tx, plan, partition, gatesToView(plan, held.map((m) => m.processor)));
    const free = held.filter((m) => holdReasons(plan, m.processor, partition, full, now).length === 0);
    const requests = free.map((m) => {
      writeMark(tx, m.processor, partition, { ...m, deferred: undefined, updatedAt: now });
      return settlingRequest(host, m, 'released', now);
    });
    return emitInTx(host, tx, requests, now);
  });
  if (entries.length) host.record({ event: 'held:released', partition, reasons: [`${entries.length} processor(s) released: their upstream settled`], detail: { after } });
  await host.dispatch(entries);
  return entries.length;
}
