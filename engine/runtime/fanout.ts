// Fan-out with completion tracking (a processor declaring `fan_out:`): the run is split into
// per-entity tasks (in batches) on the tasks topic. Each task runs the processor scoped to its
// entities and writes its rows; its completion is its own state record (no document every task
// writes). The run completes — through the normal completion transaction — at 100%, or at the
// declared coverage once every task settled or the wait bound passed; only stragglers are retried.
import type { Candidate } from '../core/decide.js';
import type { EntityGroup } from '../core/scope.js';
import type { Decision, Lease, StageContext, TaskRequested } from '../core/types.js';
import type { ProcessorPlan } from '../spec/plan.js';
import { isRetryable, backoffMs } from './backoff.js';
import type { EngineHost as Engine } from './host.js';
import { ids } from './keys.js';
import { emitInTx } from './tickets.js';
import { complete, failRun, type CandidateOutcome } from './completion.js';

export interface FanOutRun {
  kind: 'fanout';
  executionId: string;
  processor: string;
  partition: string;
  entity: string;
  expected: string[];
  status: 'running' | 'completing' | 'completed' | 'failed';
  startedAt: number;
  deadline: number;
  /** Straggler retry rounds used. */
  round: number;
  candidate: Candidate;
  decision: Pick<Decision, 'fingerprint' | 'kind' | 'reasons' | 'inputs' | 'warnings' | 'processor' | 'partition' | 'scope'>;
  correlationId: string;
  attempt: number;
}

export interface FanOutTask {
  kind: 'fanout-task';
  executionId: string;
  key: string;
  ids: string[];
  status: 'done' | 'failed';
  attempts: number;
  /** Failed for good (non-retryable or out of attempts): only a straggler round retries it. */
  terminal?: boolean;
  error?: string;
}

const taskId = (execId: string, key: string) => `${execId}|task|${key}`;
const MAX_ROUNDS = 2;

/** Expected entities of the fan-out for a partition (from the `from` table's entity records in state). */
async function expectedEntities(engine: Engine, p: ProcessorPlan, cand: Candidate): Promise<string[]> {
  const f = p.fanOut!;
  const doc = await engine.backends.state.get<{ groups: Record<string, EntityGroup> }>('entity_hashes', ids.hashes(f.from, cand.partition));
  let all = [...new Set(Object.values(doc?.groups ?? {}).map((g) => g.entities[f.entity]).filter((x): x is string => !!x))].sort();
  if (cand.scope && cand.scope.kind === f.entity) all = all.filter((id) => cand.scope!.ids.includes(id));
  return all;
}

function batches(idsList: string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < idsList.length; i += size) out.push(idsList.slice(i, i + size));
  return out;
}

/** Start a fan-out instead of running the processor once. Returns undefined when there is nothing to split. */
export async function startFanOut(engine: Engine, cand: Candidate, p: ProcessorPlan, decision: Decision, executionId: string, correlationId: string, attempt: number): Promise<CandidateOutcome | undefined> {
  const f = p.fanOut!;
  const expected = await expectedEntities(engine, p, cand);
  if (!expected.length) return undefined;
  const now = engine.now();
  const groups = batches(expected, f.batch);
  const entries = await engine.backends.state.transaction(async (tx) => {
    const lease = await tx.get<Lease>('leases', ids.lease(p.name, cand.partition));
    if (!lease || lease.token !== executionId) return undefined;
    // The fan-out's state holds the lease for the whole fan-out (until the wait bound, plus the usual
    // margin), not this process: any instance's tasks complete it, and the reconciler settles it when due.
    const { runner: _r, ...held } = lease;
    tx.set('leases', ids.lease(p.name, cand.partition), { ...held, expiresAt: now + f.waitMs + p.leaseMs } satisfies Lease);
    const run: FanOutRun = {
      kind: 'fanout', executionId, processor: p.name, partition: cand.partition, entity: f.entity, expected, status: 'running', startedAt: now,
      deadline: now + f.waitMs, round: 1, candidate: cand, correlationId, attempt,
      decision: { fingerprint: decision.fingerprint, kind: decision.kind, reasons: decision.reasons, inputs: decision.inputs, warnings: decision.warnings, processor: decision.processor, partition: decision.partition, scope: decision.scope },
    };
    tx.set('fanout', executionId, run);
    const tasks: TaskRequested[] = groups.map((g) => ({
      type: 'task_requested', processor: p.name, partition: cand.partition, executionId, entity: f.entity, ids: g, round: 1, backfill: cand.backfill,
      correlationId, parents: cand.lineage.parents, emittedAt: now,
    }));
    return emitInTx(engine, tx, tasks, now);
  });
  if (!entries) return { kind: 'done' };
  engine.record({ event: 'fanout:started', executionId, correlationId, processor: p.name, partition: cand.partition, phase: p.phase, reasons: [`${expected.length} ${f.entity}(s) in ${groups.length} task(s) of up to ${f.batch}; completes at 100% or at ${Math.round(f.coverage * 100)}% after ${Math.round(f.waitMs / 1000)}s`] });
  await engine.dispatch(entries);
  return { kind: 'done' };
}

/** One task: run the processor for its entities, write their rows, record the task, maybe finish the run. */
export async function runTask(engine: Engine, t: TaskRequested): Promise<CandidateOutcome> {
  const { plan, backends } = engine;
  const p = plan.processors.get(t.processor)!;
  const run = await backends.state.get<FanOutRun>('fanout', t.executionId);
  if (!run || run.status !== 'running') return { kind: 'skipped' };
  const key = t.ids.join(',');
  const prev = await backends.state.get<FanOutTask>('fanout', taskId(t.executionId, key));
  if (prev?.status === 'done') return { kind: 'skipped' };
  const attempts = (prev?.attempts ?? 0) + 1;
  const scope = { kind: t.entity, ids: t.ids };
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`task exceeded ${p.fanOut!.taskTimeoutMs}ms`)), p.fanOut!.taskTimeoutMs);
  try {
    const output = await engine.executor.execute(plan, backends, {
      processor: p, partition: t.partition, scope, executionId: t.executionId, correlationId: t.correlationId, attempt: attempts, backfill: t.backfill, signal: ac.signal,
    });
    if (!engine.dryRun && p.table && output.rows) {
      const table = plan.assets.get(p.table)!;
      if (table.kind === 'table') await backends.warehouse.write(table, { partition: t.partition, rows: output.rows, mode: table.mode, scope: table.entities[t.entity] ? { column: table.entities[t.entity]!, ids: t.ids } : undefined });
    }
    await backends.state.transaction(async (tx) => tx.set('fanout', taskId(t.executionId, key), { kind: 'fanout-task', executionId: t.executionId, key, ids: t.ids, status: 'done', attempts } satisfies FanOutTask));
  } catch (err) {
    const e = err as Error;
    const retry = isRetryable(err, p.retry) && attempts < p.retry.maxAttempts;
    await backends.state.transaction(async (tx) => tx.set('fanout', taskId(t.executionId, key), { kind: 'fanout-task', executionId: t.executionId, key, ids: t.ids, status: 'failed', attempts, terminal: !retry, error: e?.message ?? String(err) } satisfies FanOutTask));
    engine.record({ event: retry ? 'task:failed' : 'task:failed-terminal', executionId: t.executionId, processor: p.name, partition: t.partition, scope: `${t.entity}:${key}`, attempt: attempts, errorType: e?.name, errorMessage: e?.message });
    if (retry) return { kind: 'retry', reason: `${p.name} task ${key}: ${e?.message}`, delayMs: backoffMs(p.retry, attempts) };
  } finally {
    clearTimeout(timer);
  }
  await settleFanOut(engine, t.executionId, false);
  return { kind: 'done' };
}

/**
 * Finish the run when all tasks are done, or — when every task settled or the wait bound passed — at
 * the coverage threshold; otherwise retry only the stragglers (bounded rounds), then fail.
 */
export async function settleFanOut(engine: Engine, executionId: string, deadlineCheck: boolean): Promise<'completed' | 'waiting' | 'retried' | 'failed' | 'none'> {
  const { plan, backends } = engine;
  const run = await backends.state.get<FanOutRun>('fanout', executionId);
  if (!run || run.status !== 'running') return 'none';
  const p = plan.processors.get(run.processor)!;
  const f = p.fanOut!;
  const tasks = (await backends.state.query<FanOutTask>('fanout', { eq: { kind: 'fanout-task', executionId } }));
  const doneIds = new Set(tasks.filter((t) => t.status === 'done').flatMap((t) => t.ids));
  const failed = tasks.filter((t) => t.status === 'failed');
  const coverage = doneIds.size / run.expected.length;
  const now = engine.now();
  const allSettled = run.expected.every((id) => doneIds.has(id) || failed.some((t) => t.terminal && t.ids.includes(id)));
  const pastDeadline = deadlineCheck && now >= run.deadline;
  const missing = run.expected.filter((id) => !doneIds.has(id));
  let action: 'complete' | 'retry' | 'fail' | 'wait';
  if (coverage === 1) action = 'complete';
  else if (pastDeadline && coverage >= f.coverage) action = 'complete';
  else if (allSettled || pastDeadline) action = run.round <= MAX_ROUNDS ? 'retry' : coverage >= f.coverage ? 'complete' : 'fail';
  else action = 'wait';
  if (action === 'wait') return 'waiting';
  if (action === 'retry') {
    const entries = await backends.state.transaction(async (tx) => {
      const cur = await tx.get<FanOutRun>('fanout', executionId);
      if (!cur || cur.status !== 'running' || cur.round !== run.round) return undefined;
      tx.set('fanout', executionId, { ...cur, round: cur.round + 1, deadline: now + f.waitMs });
      for (const t of tasks) if (t.status === 'failed') tx.delete('fanout', taskId(executionId, t.key));
      const lease = await tx.get<Lease>('leases', ids.lease(run.processor, run.partition));
      if (lease?.token === executionId) tx.set('leases', ids.lease(run.processor, run.partition), { ...lease, expiresAt: now + f.waitMs + p.leaseMs });
      return emitInTx(engine, tx, batches(missing, f.batch).map((g) => ({
        type: 'task_requested' as const, processor: run.processor, partition: run.partition, executionId, entity: run.entity, ids: g, round: run.round + 1,
        backfill: run.candidate.backfill, correlationId: run.correlationId, parents: run.candidate.lineage.parents, emittedAt: now,
      })), now);
    });
    if (!entries) return 'none';
    engine.record({ event: 'fanout:stragglers', executionId, processor: run.processor, partition: run.partition, reasons: [`coverage ${(coverage * 100).toFixed(1)}%: retrying ${missing.length} straggler(s) only (round ${run.round + 1} of ${MAX_ROUNDS + 1})`] });
    await engine.dispatch(entries);
    return 'retried';
  }
  if (action === 'fail') {
    if (!(await claim(engine, executionId, 'failed'))) return 'none';
    await failRun(engine, run.candidate, p, run.decision as Decision, executionId, run.correlationId, p.retry.maxAttempts, Object.assign(new Error(`fan-out reached ${(coverage * 100).toFixed(1)}% of ${run.expected.length} ${run.entity}(s), below ${Math.round(f.coverage * 100)}%; missing ${missing.slice(0, 10).join(', ')}`), { name: 'FanOutCoverageError', retryable: false }), run.startedAt);
    return 'failed';
  }
  if (!(await claim(engine, executionId, 'completing'))) return 'none';
  const done = [...doneIds].sort();
  if (coverage < 1) {
    engine.record({ event: 'fanout:partial', executionId, processor: run.processor, partition: run.partition, reasons: [`completing at ${(coverage * 100).toFixed(1)}% (≥ ${Math.round(f.coverage * 100)}%); stragglers: ${missing.slice(0, 10).join(', ')}`] });
    await engine.alerts.send({ severity: 'warn', kind: 'fanout:partial', title: `${run.processor} completed at ${(coverage * 100).toFixed(1)}% for ${run.partition}`, message: `missing ${missing.length}: ${missing.slice(0, 20).join(', ')}`, partition: run.partition, processor: run.processor, ts: now });
  }
  // Complete through the normal path, scoped to the entities the tasks wrote.
  const table = p.table ? plan.assets.get(p.table) : undefined;
  const scope = { kind: run.entity, ids: done };
  let rows: Record<string, unknown>[] | undefined;
  let partitionRows: number | undefined;
  if (table?.kind === 'table') {
    const col = table.entities[run.entity];
    rows = await backends.warehouse.read(table, { partitions: [run.partition], entities: col ? { column: col, ids: done } : undefined });
    partitionRows = (await backends.warehouse.stats(table, run.partition)).rows;
  }
  const cand: Candidate = { ...run.candidate, scope, stage: run.candidate.stage as StageContext | undefined };
  await complete(engine, cand, p, run.decision as Decision, executionId, run.correlationId, run.attempt, { simulated: false, rows, partitionRows, written: new Map(), logs: [] }, run.startedAt);
  await backends.state.transaction(async (tx) => {
    const cur = await tx.get<FanOutRun>('fanout', executionId);
    if (cur) tx.set('fanout', executionId, { ...cur, status: 'completed' });
  });
  return 'completed';
}

async function claim(engine: Engine, executionId: string, status: FanOutRun['status']): Promise<boolean> {
  return engine.backends.state.transaction(async (tx) => {
    const cur = await tx.get<FanOutRun>('fanout', executionId);
    if (!cur || cur.status !== 'running') return false;
    tx.set('fanout', executionId, { ...cur, status });
    return true;
  });
}

/** Reconciler hook: settle fan-outs past their wait bound. */
export async function settleDueFanOuts(engine: Engine): Promise<number> {
  const due = (await engine.backends.state.query<FanOutRun>('fanout', { eq: { kind: 'fanout', status: 'running' } })).filter((r) => r.deadline <= engine.now());
  let n = 0;
  for (const r of due) if ((await settleFanOut(engine, r.executionId, true)) !== 'waiting') n++;
  return n;
}
