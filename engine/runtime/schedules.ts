// Schedules (§8.10): a tick fires its target for the configured partition unless it already ran for
// the current inputs; `wait_for` waits up to a bound for the critical inputs, then runs if they are
// ready or alerts if not; a straggler retry reruns only the entities missing from the output.
// `pipeline schedule run NAME --at TIME` is one tick; `startCron` drives them in a long-lived process.
import { Cron } from 'croner';
import { decide, type Candidate } from '../core/decide.js';
import { addDays, localDate } from '../core/dates.js';
import type { EntityGroup } from '../core/scope.js';
import type { SchedulePlan } from '../spec/plan.js';
import type { Engine } from './engine.js';
import { evaluateGateNow, fireStageNow } from './follow-ups.js';
import { ids } from './keys.js';
import { loadSnapshot } from './snapshot.js';

export interface TickResult {
  schedule: string;
  partition: string;
  decision: 'requested' | 'skip:done' | 'skip:not-ready' | 'skip:no-stragglers' | 'skip:duplicate-tick' | 'gate' | 'stage';
  reasons: string[];
}

export function schedulePartition(engine: Engine, s: SchedulePlan, at: number): string {
  const today = localDate(at, engine.plan.partition.timezone);
  return s.partition === 'yesterday' ? addDays(today, -1) : s.partition === 'tomorrow' ? addDays(today, 1) : today;
}

async function entityIds(engine: Engine, asset: string, partition: string, kind: string): Promise<Set<string>> {
  const doc = await engine.backends.state.get<{ groups: Record<string, EntityGroup> }>('entity_hashes', ids.hashes(asset, partition));
  return new Set(Object.values(doc?.groups ?? {}).map((g) => g.entities[kind]).filter((x): x is string => !!x));
}

/** One tick of a schedule at instant `at`. Cloud Scheduler retries of the same tick are deduplicated. */
export async function tickSchedule(engine: Engine, name: string, at: number, opts: { pollMs?: number } = {}): Promise<TickResult> {
  const { plan, backends } = engine;
  const s = plan.schedules.get(name);
  if (!s) throw new Error(`unknown schedule ${name}`);
  const partition = schedulePartition(engine, s, at);
  const tickId = ids.scheduleTick(name, new Date(at).toISOString().slice(0, 16));
  const fresh = await backends.state.transaction(async (tx) => {
    if (await tx.get('schedule_ticks', tickId)) return false;
    tx.set('schedule_ticks', tickId, { schedule: name, partition, at });
    return true;
  });
  const done = (decision: TickResult['decision'], reasons: string[]): TickResult => {
    engine.record({ event: `schedule:${decision}`, partition, processor: s.target.kind === 'processor' ? s.target.name : undefined, reasons: [`schedule ${name}: ${reasons.join('; ')}`], detail: { schedule: name, at: new Date(at).toISOString() } });
    return { schedule: name, partition, decision, reasons };
  };
  if (!fresh) return done('skip:duplicate-tick', [`tick ${new Date(at).toISOString()} already handled`]);

  if (s.target.kind === 'gate') {
    const d = await evaluateGateNow(engine, plan.gates.get(s.target.name)!, partition, null);
    return done('gate', [`gate ${s.target.name}: ${d.kind}`, ...d.reasons]);
  }
  if (s.target.kind === 'stage') {
    await fireStageNow(engine, s.target.name, partition, { correlationId: `schedule-${name}-${partition}`, parents: [] }, null);
    return done('stage', [`stage ${s.target.name} fired`]);
  }

  const p = plan.processors.get(s.target.name)!;
  const base = { processor: p.name, partition, trigger: { kind: 'request' as const, reason: 'schedule', source: name }, lineage: { correlationId: `schedule-${name}-${partition}`, parents: [] }, backfill: null };

  if (s.stragglers) {
    const expected = await entityIds(engine, s.stragglers.expected, partition, s.stragglers.entity);
    const present = await entityIds(engine, p.table ?? p.output, partition, s.stragglers.entity);
    const missing = [...expected].filter((id) => !present.has(id)).sort();
    if (!missing.length) return done('skip:no-stragglers', [`all ${expected.size} ${s.stragglers.entity} of ${s.stragglers.expected} are in ${p.output}`]);
    await engine.publishRequest(engine.request(p.name, partition, { reason: 'straggler', source: name, scope: { kind: s.stragglers.entity, ids: missing }, force: true }));
    return done('requested', [`rerunning ${missing.length} straggler(s): ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? '…' : ''}`]);
  }

  const evaluate = async () => {
    const cand: Candidate = { ...base, scope: null, onlyIfNotDone: s.onlyIfNotDone };
    const snap = await backends.state.transaction((tx) => loadSnapshot(tx, p, partition));
    return decide(plan, cand, snap, engine.now());
  };
  let d = await evaluate();
  if (s.onlyIfNotDone && d.kind === 'skip:duplicate') return done('skip:done', [`${p.name} already ran for its current inputs`, ...d.reasons]);
  if (d.kind === 'skip:not-ready' && s.waitForMs) {
    const until = at + s.waitForMs;
    const poll = opts.pollMs ?? Math.min(60_000, Math.max(1000, s.waitForMs / 10));
    while (d.kind === 'skip:not-ready' && engine.now() < until) {
      await backends.clock.sleep(Math.min(poll, until - engine.now()));
      d = await evaluate();
    }
  }
  if (d.kind === 'skip:not-ready') {
    await engine.alerts.send({ severity: 'error', kind: 'schedule:not-ready', title: `schedule ${name}: ${p.name} not ready for ${partition}`, message: d.reasons.join('; '), partition, processor: p.name, ts: engine.now() });
    return done('skip:not-ready', d.reasons);
  }
  await engine.publishRequest(engine.request(p.name, partition, { reason: 'schedule', source: name, correlationId: base.lineage.correlationId, onlyIfNotDone: s.onlyIfNotDone }));
  return done('requested', [`requested ${p.name} for ${partition}`]);
}


/** In-process cron for long-lived local processes (`pipeline serve`). Returns a stop function. */
export function startCron(engine: Engine, onError: (e: Error) => void = () => undefined): () => void {
  const jobs = [...engine.plan.schedules.values()].map(
    (s) => new Cron(s.cron, { timezone: s.timezone, protect: true }, () => void tickSchedule(engine, s.name, engine.now()).catch(onError)),
  );
  return () => jobs.forEach((j) => j.stop());
}
