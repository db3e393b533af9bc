// The reconciler: repairs what crashes leave behind. It reclaims expired leases (the run is marked
// failed and requested again with its lineage), re-dispatches outbox entries nobody published,
// fires gates whose condition holds but did not fire (deadlines included), advances stage levels
// whose members all settled, and finalizes checks past their deadline. Idempotent: safe to run often.
import { instantOf, addDays, localDate } from '../core/dates.js';
import { stageStep, levelRequests } from '../core/stages.js';
import type { Lease, PartitionVersion, StageEpoch, StageMember } from '../core/types.js';
import { evaluateCheck, type CheckResult } from './checks.js';
import type { Engine } from './engine.js';
import { settleDueFanOuts } from './fanout.js';
import { evaluateGateNow } from './follow-ups.js';
import { ids } from './keys.js';
import { addToOutbox, type OutboxEntry } from './outbox.js';
import type { RunRecord } from './run.js';

export interface ReconcileReport {
  leasesReclaimed: number;
  outboxRedispatched: number;
  gatesFired: number;
  stagesAdvanced: number;
  checksFinalized: number;
  fanOutsSettled: number;
}

export interface ReconcileOptions {
  /** Only these partitions (default: partitions updated in the last `lookbackDays`, plus today's). */
  partitions?: string[];
  lookbackDays?: number;
  /** Outbox entries younger than this are left to their own dispatcher. */
  outboxGraceMs?: number;
}

export async function reconcile(engine: Engine, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const { plan, backends } = engine;
  const now = engine.now();
  const report: ReconcileReport = { leasesReclaimed: 0, outboxRedispatched: 0, gatesFired: 0, stagesAdvanced: 0, checksFinalized: 0, fanOutsSettled: 0 };

  // 1. Expired leases: the holder died. Release, record, and ask for the run again.
  const expired = (await backends.state.query<Lease>('leases', { range: { field: 'expiresAt', lte: now } })).filter((l) => l.expiresAt <= now);
  for (const l of expired) {
    const reclaimed = await backends.state.transaction(async (tx) => {
      const cur = await tx.get<Lease>('leases', ids.lease(l.processor, l.partition));
      if (!cur || cur.token !== l.token || cur.expiresAt > now) return undefined;
      tx.delete('leases', ids.lease(l.processor, l.partition));
      const run = await tx.get<RunRecord>('runs', l.token);
      if (run && run.status === 'running') tx.set('runs', l.token, { ...run, status: 'failed', finishedAt: now, error: 'lease expired: the runner stopped renewing it (crashed or was killed)', errorType: 'LeaseExpired' });
      const req = engine.request(l.processor, l.partition, {
        reason: 'rerun', source: 'reconciler', correlationId: run?.correlationId, parents: run?.parents ?? [], backfill: l.rerun?.backfill ?? null, stage: l.rerun?.stage,
      });
      return { run, entries: addToOutbox(plan, tx, [req], now) };
    });
    if (!reclaimed) continue;
    report.leasesReclaimed++;
    engine.record({ event: 'lease:reclaimed', executionId: l.token, processor: l.processor, partition: l.partition, correlationId: reclaimed.run?.correlationId, reasons: [`lease expired ${Math.round((now - l.expiresAt) / 1000)}s ago; the run is requested again`] });
    await engine.dispatch(reclaimed.entries);
  }

  // 2. Outbox entries written but never published (a crash between commit and dispatch).
  const grace = opts.outboxGraceMs ?? 10_000;
  const stale = (await backends.state.query<OutboxEntry>('outbox', { eq: { kind: 'outbox' } })).filter((e) => e.createdAt <= now - grace);
  if (stale.length) {
    await engine.dispatch(stale);
    report.outboxRedispatched = stale.length;
    engine.record({ event: 'outbox:redispatched', reasons: [`${stale.length} event(s) published after a crash`] });
  }

  // Fan-outs past their wait bound: complete at coverage, retry stragglers, or fail.
  report.fanOutsSettled = await settleDueFanOuts(engine);

  // 3–5 for recent partitions.
  const partitions = opts.partitions ?? (await recentPartitions(engine, opts.lookbackDays ?? 3));
  for (const d of partitions) {
    for (const gate of plan.gates.values()) {
      const dec = await evaluateGateNow(engine, gate, d, null);
      if (dec.kind === 'fire') report.gatesFired++;
    }
    for (const stage of plan.stages.values()) if (await advanceStage(engine, stage.name, d)) report.stagesAdvanced++;
    for (const c of plan.checks.values()) {
      if (!c.deadline) continue;
      const due = instantOf(addDays(d, c.deadline.dayOffset), c.deadline.at, c.deadline.timezone);
      if (now < due) continue;
      const prev = await backends.state.get<CheckResult>('checks', ids.check(c.name, d));
      if (prev?.final) continue;
      await evaluateCheck(engine, c, d, true);
      report.checksFinalized++;
    }
  }
  await engine.log.flush();
  return report;
}

async function recentPartitions(engine: Engine, days: number): Promise<string[]> {
  const now = engine.now();
  const recent = await engine.backends.state.query<PartitionVersion>('versions', { range: { field: 'updatedAt', gte: now - days * 86_400_000 } });
  const set = new Set(recent.map((v) => v.partition));
  set.add(localDate(now, engine.plan.partition.timezone));
  return [...set].sort();
}

/** Advance a stage epoch whose current level settled but whose advance was lost. */
async function advanceStage(engine: Engine, stage: string, partition: string): Promise<boolean> {
  const { plan, backends } = engine;
  const now = engine.now();
  const res = await backends.state.transaction(async (tx) => {
    const epoch = await tx.get<StageEpoch>('stage_epochs', ids.stageEpoch(stage, partition));
    if (!epoch) return [] as OutboxEntry[];
    const names = plan.stages.get(stage)!.levels[epoch.level - 1] ?? [];
    const members = (await tx.getMany<StageMember>('stage_members', names.map((n) => ids.stageMember(stage, partition, n)))).filter((m): m is StageMember => !!m);
    const step = stageStep(plan, epoch, epoch.level, members);
    if (step.kind !== 'advance') return [] as OutboxEntry[];
    tx.set('stage_epochs', ids.stageEpoch(stage, partition), { ...epoch, level: step.level });
    const parents = members.filter((m) => m.epoch === epoch.epoch).map((m) => m.executionId).filter((x): x is string => !!x);
    return addToOutbox(plan, tx, levelRequests(plan, epoch, step.level, parents, now), now);
  });
  if (!res.length) return false;
  engine.record({ event: 'stage:advance', partition, reasons: [`reconciler advanced stage ${stage}`], detail: { stage } });
  await engine.dispatch(res);
  return true;
}
