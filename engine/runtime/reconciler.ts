// The reconciler: repairs what crashes leave behind, at once rather than after timeouts. It reclaims
// leases whose runner is gone (its process is not alive on this host) or whose heartbeat stopped (the
// lease expired): the run is marked failed and requested again with its stage, scope, backfill and
// lineage. It re-dispatches outbox entries whose dispatcher died (or that are older than a grace), fires
// gates whose condition holds but did not fire (deadlines included, keeping a backfill's stop-after),
// advances stage levels whose members all settled, releases held processors whose upstream settled,
// and finalizes checks past their deadline. Idempotent: safe to run often.
import { instantOf, addDays, localDate } from '../core/dates.js';
import { stageStep, levelRequests } from '../core/stages.js';
import type { AttemptState, Lease, PartitionVersion, PendingMark, StageEpoch, StageMember } from '../core/types.js';
import { evaluateCheck, type CheckResult } from './checks.js';
import { settleDueFanOuts } from './fanout.js';
import { evaluateGateNow, releaseHeld } from './follow-ups.js';
import type { EngineHost } from './host.js';
import { ids } from './keys.js';
import type { OutboxEntry } from './outbox.js';
import type { RunRecord } from './records.js';
import { runnerText } from './runner.js';
import { emitInTx, settlingRequest } from './tickets.js';

export interface ReconcileReport {
  leasesReclaimed: number;
  outboxRedispatched: number;
  gatesFired: number;
  stagesAdvanced: number;
  checksFinalized: number;
  fanOutsSettled: number;
  released: number;
  /** Open tickets whose delivery was lost (e.g. a retry dropped by a duplicate's acknowledgement), requested again. */
  orphansRequested: number;
}

export interface ReconcileOptions {
  /** Only these partitions (default: partitions updated in the last `lookbackDays`, with work pending, plus today's). */
  partitions?: string[];
  lookbackDays?: number;
  /** Outbox entries of a live (or unknown) dispatcher younger than this are left to it. */
  outboxGraceMs?: number;
  /** Open tickets nobody is working on (no lease, no retry due) for this long are requested again (default 60 s). */
  ticketGraceMs?: number;
}

/** Why a lease may be taken from its holder now, or undefined while the holder is alive. */
export function leaseGone(host: EngineHost, l: Lease, now: number): string | undefined {
  if (l.runner && host.liveness(l.runner) === false) return `its runner (${runnerText(l.runner)}) is gone`;
  if (l.expiresAt <= now) return `it expired ${Math.round((now - l.expiresAt) / 1000)}s ago (no heartbeat)`;
  return undefined;
}

export async function reconcile(host: EngineHost, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const { plan, backends } = host;
  const now = host.now();
  const report: ReconcileReport = { leasesReclaimed: 0, outboxRedispatched: 0, gatesFired: 0, stagesAdvanced: 0, checksFinalized: 0, fanOutsSettled: 0, released: 0, orphansRequested: 0 };

  // 1. Leases of dead runners, or whose heartbeat stopped: release, record, and ask for the run again.
  const leases = await backends.state.query<Lease>('leases', {});
  for (const l of leases) {
    const why = leaseGone(host, l, now);
    if (!why) continue;
    const reclaimed = await backends.state.transaction(async (tx) => {
      const cur = await tx.get<Lease>('leases', ids.lease(l.processor, l.partition));
      if (!cur || cur.token !== l.token || !leaseGone(host, cur, now)) return undefined;
      tx.delete('leases', ids.lease(l.processor, l.partition));
      const run = await tx.get<RunRecord>('runs', l.token);
      if (run && run.status === 'running') tx.set('runs', l.token, { ...run, status: 'failed', finishedAt: now, error: `lease reclaimed: ${why} (crashed or was killed)`, errorType: 'LeaseLost' });
      const c = cur.context;
      const req = host.request(l.processor, l.partition, {
        reason: 'rerun', source: 'reconciler', scope: c.scope, correlationId: c.lineage.correlationId, parents: c.lineage.parents, backfill: c.backfill, stage: c.stage,
        force: c.force, onlyIfNotDone: c.onlyIfNotDone,
      });
      return { run, entries: await emitInTx(host, tx, [req], now) };
    });
    if (!reclaimed) continue;
    report.leasesReclaimed++;
    host.record({ event: 'lease:reclaimed', executionId: l.token, processor: l.processor, partition: l.partition, correlationId: reclaimed.run?.correlationId, reasons: [`the lease was taken back because ${why}; the run is requested again`] });
    await host.dispatch(reclaimed.entries);
  }

  // 2. Outbox entries written but never published (a crash between commit and dispatch).
  const grace = opts.outboxGraceMs ?? 10_000;
  const outbox = await backends.state.query<OutboxEntry>('outbox', { eq: { kind: 'outbox' } });
  // A dispatcher that is gone will never publish its entries; a live one (or one we cannot see) gets the grace.
  const stale = outbox.filter((e) => e.createdAt <= now - grace || (e.runner !== undefined && host.liveness(e.runner) === false));
  if (stale.length) {
    await host.dispatch(stale);
    report.outboxRedispatched = stale.length;
    host.record({ event: 'outbox:redispatched', reasons: [`${stale.length} event(s) published after a crash`] });
  }

  // Fan-outs past their wait bound: complete at coverage, retry stragglers, or fail.
  report.fanOutsSettled = await settleDueFanOuts(host);

  // 3–6 for recent partitions and those with work pending.
  const partitions = opts.partitions ?? (await recentPartitions(host, opts.lookbackDays ?? 3));
  for (const d of partitions) {
    for (const gate of plan.gates.values()) {
      const dec = await evaluateGateNow(host, gate, d);
      if (dec.kind === 'fire') report.gatesFired++;
    }
    for (const stage of plan.stages.values()) if (await advanceStage(host, stage.name, d)) report.stagesAdvanced++;
    report.released += await releaseHeld(host, d);
    report.orphansRequested += await requestOrphans(host, d, opts.ticketGraceMs ?? 60_000);
    for (const c of plan.checks.values()) {
      if (!c.deadline) continue;
      const due = instantOf(addDays(d, c.deadline.dayOffset), c.deadline.at, c.deadline.timezone);
      if (now < due) continue;
      const prev = await backends.state.get<CheckResult>('checks', ids.check(c.name, d));
      if (prev?.final) continue;
      await evaluateCheck(host, c, d, true);
      report.checksFinalized++;
    }
  }
  await host.log.flush();
  return report;
}

async function recentPartitions(host: EngineHost, days: number): Promise<string[]> {
  const now = host.now();
  const [recent, pending, leases] = await Promise.all([
    host.backends.state.query<PartitionVersion>('versions', { range: { field: 'updatedAt', gte: now - days * 86_400_000 } }),
    host.backends.state.query<PendingMark>('pending', {}),
    host.backends.state.query<Lease>('leases', {}),
  ]);
  const set = new Set([...recent, ...pending, ...leases].map((v) => v.partition));
  set.add(localDate(now, host.plan.partition.timezone));
  return [...set].sort();
}

/**
 * Open tickets that nothing will deliver: no lease, not held, not failed, no retry still due, and quiet
 * for the grace. A bus acknowledges a message once, so when a duplicate delivery is acknowledged while
 * the original's run fails, the retry the bus owed is gone; the ticket says work remains. One request
 * settles them all (a redundant one is harmless: it finds the tickets settled, or the inputs unchanged).
 */
async function requestOrphans(host: EngineHost, partition: string, graceMs: number): Promise<number> {
  const now = host.now();
  const entries = await host.backends.state.transaction(async (tx) => {
    const marks = (await tx.query<PendingMark>('pending', { eq: { partition } })).filter((m) => !m.failed && !m.deferred && m.tickets.length);
    if (!marks.length) return [] as OutboxEntry[];
    const [leases, attempts] = await Promise.all([
      tx.getMany<Lease>('leases', marks.map((m) => ids.lease(m.processor, partition))),
      tx.getMany<AttemptState>('attempts', marks.map((m) => ids.attempts(m.processor, partition))),
    ]);
    const orphans = marks.filter((m, i) => {
      if (leases[i]) return false;
      const a = attempts[i];
      if (a && !a.terminal && (a.nextAttemptAt ?? 0) + graceMs > now) return false;
      return Math.max(...m.tickets.map((t) => t.at)) + graceMs <= now;
    });
    return emitInTx(host, tx, orphans.map((m) => settlingRequest(host, m, 'reconciler', now)), now);
  });
  if (entries.length) host.record({ event: 'tickets:requested-again', partition, reasons: [`${entries.length} processor(s) had open triggers nobody was delivering; requested again`] });
  await host.dispatch(entries);
  return entries.length;
}

/** Advance a stage epoch whose current level settled but whose advance was lost (state written by an older engine). */
async function advanceStage(host: EngineHost, stage: string, partition: string): Promise<boolean> {
  const { plan, backends } = host;
  const now = host.now();
  const res = await backends.state.transaction(async (tx) => {
    const epoch = await tx.get<StageEpoch>('stage_epochs', ids.stageEpoch(stage, partition));
    if (!epoch || epoch.status === 'done' || epoch.status === 'halted') return [] as OutboxEntry[];
    const names = plan.stages.get(stage)!.levels[epoch.level - 1] ?? [];
    const members = (await tx.getMany<StageMember>('stage_members', names.map((n) => ids.stageMember(stage, partition, n)))).filter((m): m is StageMember => !!m);
    const step = stageStep(plan, epoch, epoch.level, members);
    if (step.kind === 'done' || step.kind === 'halt') {
      tx.set('stage_epochs', ids.stageEpoch(stage, partition), { ...epoch, status: step.kind === 'done' ? 'done' : 'halted' } satisfies StageEpoch);
      return [] as OutboxEntry[];
    }
    if (step.kind !== 'advance') return [] as OutboxEntry[];
    tx.set('stage_epochs', ids.stageEpoch(stage, partition), { ...epoch, level: step.level, status: 'running' } satisfies StageEpoch);
    const parents = members.filter((m) => m.epoch === epoch.epoch).map((m) => m.executionId).filter((x): x is string => !!x);
    return emitInTx(host, tx, levelRequests(plan, epoch, step.level, parents, now), now);
  });
  if (!res.length) return false;
  host.record({ event: 'stage:advance', partition, reasons: [`reconciler advanced stage ${stage}`], detail: { stage } });
  await host.dispatch(res);
  return true;
}
