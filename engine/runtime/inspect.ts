// Answers to "why did (or didn't) X run?": explain (every decision about a processor and partition,
// in order, with reasons and inputs seen), trace (the lineage tree of a run back to its source runs,
// or every run of a correlation id), and status (per phase and processor: state, rows, last run,
// warnings, stuck leases and gates waiting past their deadline).
import { evaluateGate } from '../core/gates.js';
import { normalize } from '../core/messages.js';
import { route } from '../core/route.js';
import { gateBackfill } from '../core/waves.js';
import type { AttemptState, GateFire, Lease, PartitionVersion, PendingMark } from '../core/types.js';
import type { DeadLetter, LogEntry } from '../ports.js';
import type { Engine } from './engine.js';
import { ids } from './keys.js';
import { leaseGone } from './reconciler.js';
import type { RunRecord } from './records.js';
import { runnerText } from './runner.js';

export async function explain(engine: Engine, processor: string, partition: string): Promise<LogEntry[]> {
  await engine.log.flush();
  const entries = await engine.backends.warehouse.queryLog({ processor, partition });
  return entries.filter((e) => e.event !== 'run:heartbeat');
}

export interface TraceNode {
  run: RunRecord;
  parents: TraceNode[];
  /** Parent ids whose run records were not found (e.g. external updates). */
  missing: string[];
}

export type TraceResult =
  | { kind: 'run'; root: TraceNode }
  | { kind: 'correlation'; correlationId: string; runs: RunRecord[] }
  | { kind: 'none' };

export async function trace(engine: Engine, id: string, maxDepth = 50): Promise<TraceResult> {
  const state = engine.backends.state;
  const root = await state.get<RunRecord>('runs', id);
  if (root) {
    const seen = new Map<string, TraceNode>();
    const build = async (run: RunRecord, depth: number): Promise<TraceNode> => {
      const known = seen.get(run.executionId);
      if (known) return known;
      const node: TraceNode = { run, parents: [], missing: [] };
      seen.set(run.executionId, node);
      if (depth >= maxDepth) return node;
      for (const pid of [...new Set(run.parents)]) {
        const parent = await state.get<RunRecord>('runs', pid);
        if (parent) node.parents.push(await build(parent, depth + 1));
        else node.missing.push(pid);
      }
      return node;
    };
    return { kind: 'run', root: await build(root, 0) };
  }
  const runs = await state.query<RunRecord>('runs', { eq: { correlationId: id } });
  if (!runs.length) return { kind: 'none' };
  const rank = new Map(engine.plan.order.map((n, i) => [n, i] as const));
  runs.sort((a, b) => a.startedAt - b.startedAt || (rank.get(a.processor) ?? 0) - (rank.get(b.processor) ?? 0));
  return { kind: 'correlation', correlationId: id, runs };
}

export interface ProcessorStatus {
  processor: string;
  phase: string;
  state: 'succeeded' | 'running' | 'stuck' | 'failed' | 'retrying' | 'waiting' | 'triggered' | 'skipped' | 'never-run';
  rows?: number;
  version?: number;
  updatedAt?: number;
  lastRun?: RunRecord;
  note: string;
  warnings: string[];
  /** The failure being retried or failed for good: attempts made of those allowed, the next one due, where it threw. */
  attempts?: { made: number; max: number; nextAt?: number; terminal: boolean; error: string; errorAt?: string };
  /** How long the last run took (ms), once it ended. */
  durationMs?: number;
  /** Inputs the last decision saw past their freshness limits, in the decision's words. */
  stale: string[];
}

export interface GateStatus {
  gate: string;
  state: 'fired' | 'waiting' | 'stuck';
  fires: number;
  note: string;
  /** Members whose output has a version and that are not running, of all members. */
  settled: number;
  members: number;
}

export interface StatusReport {
  partition: string;
  processors: ProcessorStatus[];
  gates: GateStatus[];
  stuck: number;
}

/** What a decision saw of its inputs past their freshness limits (`stale`, `warn-stale`). */
function staleInputs(inputs: unknown): string[] {
  if (!Array.isArray(inputs)) return [];
  return (inputs as Array<{ status?: string; reason?: string; warning?: string }>).filter((i) => i.status === 'stale' || i.status === 'warn-stale').map((i) => i.reason ?? i.warning ?? '');
}

export async function status(engine: Engine, partition: string): Promise<StatusReport> {
  const { plan, backends } = engine;
  const state = backends.state;
  const now = engine.now();
  await engine.log.flush();
  const log = await backends.warehouse.queryLog({ partition });
  const lastDecision = new Map<string, LogEntry>();
  const warnings = new Map<string, string[]>();
  const stale = new Map<string, string[]>();
  for (const e of log) {
    if (!e.processor) continue;
    if (e.event.startsWith('skip:') || e.event.startsWith('run:') || e.event === 'fail:stale' || e.event === 'rerun-requested') lastDecision.set(e.processor, e);
    const w = (e.reasons ?? []).filter((r) => r.startsWith('warning:'));
    if (e.event === 'run:started') warnings.set(e.processor, w);
    if (e.inputs) stale.set(e.processor, staleInputs(e.inputs));
  }
  const runs = await state.query<RunRecord>('runs', { eq: { partition } });
  const lastRun = new Map<string, RunRecord>();
  for (const r of runs) if (!lastRun.has(r.processor) || lastRun.get(r.processor)!.startedAt < r.startedAt) lastRun.set(r.processor, r);

  const processors: ProcessorStatus[] = [];
  for (const name of plan.order) {
    const p = plan.processors.get(name)!;
    const [v, lease, attempts, mark] = await Promise.all([
      state.get<PartitionVersion>('versions', ids.version(p.output, partition)),
      state.get<Lease>('leases', ids.lease(name, partition)),
      state.get<AttemptState>('attempts', ids.attempts(name, partition)),
      state.get<PendingMark>('pending', ids.pending(name, partition)),
    ]);
    const run = lastRun.get(name);
    const d = lastDecision.get(name);
    let st: ProcessorStatus['state'] = 'never-run';
    let note = '';
    const gone = lease ? leaseGone(engine, lease, now) : undefined;
    const waitingTickets = mark ? mark.tickets.filter((t) => !lease?.covers.includes(t.id)).length : 0;
    if (lease && gone) {
      st = 'stuck';
      note = `claimed by ${lease.token} (${runnerText(lease.runner)}), but ${gone}: run \`pipeline reconcile\``;
    } else if (lease) {
      st = 'running';
      note = `since ${new Date(lease.claimedAt).toISOString()}, attempt ${lease.attempt}, ${runnerText(lease.runner)}${waitingTickets ? `, ${waitingTickets} more trigger(s) waiting` : ''}`;
    } else if (mark?.failed) {
      st = 'failed';
      note = `failed for good: ${mark.failed.error}; downstream waits until it is fixed (\`pipeline dlq replay\`, or run it with --force)`;
    } else if (mark?.deferred) {
      st = 'waiting';
      note = mark.deferred.reasons.join('; ');
    } else if (mark) {
      st = attempts && !attempts.terminal ? 'retrying' : 'triggered';
      note = attempts && !attempts.terminal ? `attempt ${attempts.attempts} failed: ${attempts.lastError}` : `${mark.tickets.length} trigger(s) not yet delivered`;
    } else if (attempts?.terminal) {
      st = 'failed';
      note = `failed for good after ${attempts.attempts} attempt(s): ${attempts.lastErrorType}: ${attempts.lastError}`;
    } else if (attempts) {
      st = 'retrying';
      note = `attempt ${attempts.attempts} failed: ${attempts.lastError}`;
    } else if (d && (d.event.startsWith('skip:not-ready') || d.event === 'fail:stale' || d.event === 'skip:stop-after' || d.event === 'skip:terminal') && !v) {
      st = 'skipped';
      note = `${d.event}: ${(d.reasons ?? [])[0] ?? ''}`;
    } else if (v || run?.status === 'succeeded') {
      st = 'succeeded';
      note = d?.event === 'skip:duplicate' ? 'up to date' : '';
    }
    processors.push({
      processor: name, phase: p.phase, state: st, rows: v && v.rows >= 0 ? v.rows : undefined, version: v?.version, updatedAt: v?.updatedAt, lastRun: run, note, warnings: warnings.get(name) ?? [],
      attempts: attempts ? { made: attempts.attempts, max: p.retry.maxAttempts, nextAt: attempts.terminal ? undefined : attempts.nextAttemptAt, terminal: attempts.terminal, error: `${attempts.lastErrorType}: ${attempts.lastError}`, errorAt: run?.status === 'failed' ? run.errorAt : undefined } : undefined,
      durationMs: run?.finishedAt !== undefined ? run.finishedAt - run.startedAt : undefined,
      stale: stale.get(name) ?? [],
    });
  }

  const gates: GateStatus[] = [];
  for (const g of plan.gates.values()) {
    const outs = await Promise.all(g.members.map((m) => state.get<PartitionVersion>('versions', ids.version(plan.processors.get(m)!.output, partition))));
    const leases = await Promise.all(g.members.map((m) => state.get<Lease>('leases', ids.lease(m, partition))));
    const fire = await state.get<GateFire>('gate_fires', ids.gateFire(g.name, partition));
    const outputs = Object.fromEntries(g.members.map((m, i) => [m, outs[i]] as const));
    // With the backfill flags the runtime evaluates it with (its members' latest): a gate a backfill's
    // stop_after holds back is settled on purpose, not stuck.
    const dec = evaluateGate(plan, g, partition, { outputs, running: g.members.filter((_, i) => leases[i] && leases[i]!.expiresAt > now), fire }, now, gateBackfill({ outputs }));
    const present = outs.filter((o) => o);
    const settled = g.members.filter((_, i) => outs[i] && !(leases[i] && leases[i]!.expiresAt > now)).length;
    const firstAt = present.length ? Math.min(...present.map((o) => o!.updatedAt)) : undefined;
    const pastDeadline = g.deadline && firstAt !== undefined && now > firstAt + g.deadline.afterMs;
    const waiting = dec.kind === 'wait' || (dec.kind === 'fire' && !fire);
    gates.push({
      gate: g.name,
      state: fire && !waiting ? 'fired' : pastDeadline && waiting ? 'stuck' : fire ? 'fired' : 'waiting',
      fires: fire?.count ?? 0, settled, members: g.members.length,
      note: [fire ? `fired ${fire.count}× (last ${new Date(fire.firedAt).toISOString()}${fire.degraded ? ', degraded' : ''})` : '', ...dec.reasons].filter(Boolean).join('; '),
    });
  }
  return { partition, processors, gates, stuck: processors.filter((p) => p.state === 'stuck').length + gates.filter((g) => g.state === 'stuck').length };
}

export interface ProcessorDetail {
  processor: string;
  partition: string;
  /** Every decision about it for the partition, in order (as `explain`): inputs seen, outputs, log lines, errors. */
  decisions: LogEntry[];
  /** Its runs for the partition, newest first (errors with the pipeline's stack frames). */
  runs: RunRecord[];
  /** Dead letters whose message routes to it for the partition (replayed ones included, marked). */
  deadLetters: DeadLetter[];
}

/** What the status page shows when a processor is opened: its decisions, runs and dead letters for a partition. */
export async function processorDetail(engine: Engine, processor: string, partition: string): Promise<ProcessorDetail> {
  const [decisions, runs, letters] = await Promise.all([
    explain(engine, processor, partition),
    engine.backends.state.query<RunRecord>('runs', { eq: { processor, partition } }),
    engine.backends.bus.listDeadLetters({ includeReplayed: true }),
  ]);
  runs.sort((a, b) => b.startedAt - a.startedAt);
  const deadLetters = letters.filter((d) => {
    const data = d.message.data as { processor_name?: unknown; partition?: unknown };
    const n = normalize(engine.plan, d.topic, d.message.data, d.message.attributes, engine.now());
    // A message the engine cannot read (rejected) still names what it was for, when it does.
    if (!n.ok) return data.processor_name === processor && data.partition === partition;
    return route(engine.plan, n.event).some((c) => c.processor === processor && c.partition === partition);
  });
  return { processor, partition, decisions, runs, deadLetters };
}
