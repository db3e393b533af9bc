// Waves (glitch-free propagation). One upstream change sets a wave in motion through one partition;
// a processor may be decided only when nothing upstream of it in that partition is still unsettled,
// so it runs once, on the final versions of its inputs, in dependency order. Upstream here is the
// same-partition graph: writers of what a processor reads (windows over earlier partitions excluded),
// the previous level of its stage, and the gates that fire it (a gate is upstream of its targets and
// downstream of its members). This module derives that graph from the plan and decides holds from a
// view of the state; the runtime loads the view and acts.
import type { Plan, ProcessorPlan } from '../spec/plan.js';
import { evaluateGate } from './gates.js';
import { mergeScopes } from './scope.js';
import type { BackfillFlags, GateFire, Lineage, PartitionVersion, PendingMark, RunContext, StageContext, Ticket } from './types.js';

export interface WaveGraph {
  /** processor → processors strictly upstream of it in the same partition (transitive). */
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** processor → gates strictly upstream of it (transitive). */
  readonly gatesUpstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** gate → its members and everything upstream of them. */
  readonly gateUpstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** processor → processors strictly downstream of it (transitive). */
  readonly downstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** processor → gates whose members are it or downstream of it (their fire may depend on it settling). */
  readonly gatesAfter: ReadonlyMap<string, readonly string[]>;
}

const graphs = new WeakMap<Plan, WaveGraph>();

/** Direct same-partition parents of a processor: processors and gates. */
function parents(plan: Plan, p: ProcessorPlan, firedBy: ReadonlyMap<string, string[]>): { processors: string[]; gates: string[] } {
  const procs = new Set<string>();
  for (const r of p.reads) {
    if (r.window && !r.window.includeCurrent) continue; // history of earlier partitions
    const w = plan.writerOf.get(r.asset);
    if (w && w !== p.name) procs.add(w);
  }
  if (p.stage && p.stage.level > 1) for (const m of plan.stages.get(p.stage.name)!.levels[p.stage.level - 2] ?? []) procs.add(m);
  return { processors: [...procs], gates: firedBy.get(p.name) ?? [] };
}

/** processor → gates that fire it directly (as a target, through a stage's first level, or a nested gate). */
function gatesFiring(plan: Plan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (proc: string, gate: string) => out.set(proc, [...new Set([...(out.get(proc) ?? []), gate])]);
  const visit = (gate: string, origin: string, seen: Set<string>) => {
    if (seen.has(gate)) return;
    seen.add(gate);
    for (const t of plan.gates.get(gate)?.fires ?? []) {
      if (t.kind === 'processor') add(t.name, origin);
      else if (t.kind === 'stage') for (const m of plan.stages.get(t.name)?.levels[0] ?? []) add(m, origin);
      else visit(t.name, origin, seen);
    }
  };
  for (const g of plan.gates.keys()) visit(g, g, new Set());
  return out;
}

export function waveGraph(plan: Plan): WaveGraph {
  const hit = graphs.get(plan);
  if (hit) return hit;
  const firedBy = gatesFiring(plan);
  const upstream = new Map<string, Set<string>>();
  const gatesUpstream = new Map<string, Set<string>>();
  const gateUpstream = new Map<string, Set<string>>();
  const procUp = (name: string): void => {
    if (upstream.has(name)) return; // known, or being computed (a cycle, which validation rejects)
    const procs = new Set<string>();
    const gates = new Set<string>();
    upstream.set(name, procs);
    gatesUpstream.set(name, gates);
    const inherit = (u: string) => {
      procUp(u);
      procs.add(u);
      for (const x of upstream.get(u)!) procs.add(x);
      for (const g of gatesUpstream.get(u)!) gates.add(g);
    };
    const direct = parents(plan, plan.processors.get(name)!, firedBy);
    for (const u of direct.processors) inherit(u);
    for (const g of direct.gates) {
      gates.add(g);
      for (const m of plan.gates.get(g)!.members) inherit(m);
    }
    procs.delete(name);
  };
  const gateUp = (gate: string): void => {
    const set = new Set<string>();
    for (const m of plan.gates.get(gate)!.members) {
      set.add(m);
      for (const x of upstream.get(m)!) set.add(x);
    }
    gateUpstream.set(gate, set);
  };
  for (const name of plan.processors.keys()) procUp(name);
  for (const g of plan.gates.keys()) gateUp(g);

  const downstream = new Map<string, Set<string>>([...plan.processors.keys()].map((n) => [n, new Set<string>()]));
  for (const [name, ups] of upstream) for (const u of ups) downstream.get(u)?.add(name);
  const gatesAfter = new Map<string, string[]>([...plan.processors.keys()].map((n) => [n, [] as string[]]));
  for (const [g, ups] of gateUpstream) for (const u of ups) gatesAfter.get(u)!.push(g);
  const graph: WaveGraph = { upstream, gatesUpstream, gateUpstream, downstream, gatesAfter };
  graphs.set(plan, graph);
  return graph;
}

/** What a hold decision needs to see of one gate: its last fire and its members' primary outputs. */
export interface GateView {
  fire?: GateFire;
  outputs: Record<string, PartitionVersion | undefined>;
}

/** The state of a partition as a hold decision sees it. */
export interface WaveView {
  /** processor → its pending mark (only processors with unsettled work appear). */
  pending: ReadonlyMap<string, PendingMark>;
  /** gate → its view, for every gate the decision looks at. */
  gates: ReadonlyMap<string, GateView>;
}

export function pendingText(m: PendingMark): string {
  if (m.failed) return `${m.processor} failed for good (${m.failed.error}); fix it, then \`pipeline dlq replay\` or run it with --force`;
  if (m.deferred) return `${m.processor} is itself waiting for upstream work`;
  return `${m.processor} has unsettled work (${m.tickets.length} trigger(s) since ${m.tickets.map((t) => t.reason).filter((r, i, a) => a.indexOf(r) === i).join(', ')})`;
}

/** The backfill flags a gate's fire inherits: those of the member version written last. */
export function gateBackfill(view: GateView): BackfillFlags | null {
  const present = Object.values(view.outputs).filter((v): v is PartitionVersion => !!v);
  if (!present.length) return null;
  const latest = present.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
  return latest.backfill ?? null;
}

/**
 * Why a gate is not settled, or [] when it is: a member or anything upstream of a member still has
 * work, or its members' versions moved since it last fired and it is about to fire. A gate stopped by a
 * backfill's stop-after is settled.
 */
export function gateUnsettled(plan: Plan, gate: string, partition: string, view: WaveView, now: number): string[] {
  const g = plan.gates.get(gate)!;
  const busy = [...waveGraph(plan).gateUpstream.get(gate)!].filter((u) => view.pending.has(u));
  if (busy.length) return busy.map((u) => `gate ${gate} waits: ${pendingText(view.pending.get(u)!)}`);
  const gv = view.gates.get(gate) ?? { outputs: {} };
  const d = evaluateGate(plan, g, partition, { outputs: gv.outputs, running: [], fire: gv.fire }, now, gateBackfill(gv));
  // A gate waiting for members that have no data (or for its deadline) does not hold what is downstream:
  // those members may never come, and downstream decides on what exists (not-ready, or the last fire).
  return d.kind === 'fire' ? [`gate ${gate} is about to fire (${d.reasons.join('; ')})`] : [];
}

/** Why `processor` must wait before it is decided for `partition` ([] = it may go). */
export function holdReasons(plan: Plan, processor: string, partition: string, view: WaveView, now: number): string[] {
  const graph = waveGraph(plan);
  const reasons: string[] = [];
  for (const u of plan.order) if (graph.upstream.get(processor)!.has(u) && view.pending.has(u)) reasons.push(`waiting for ${pendingText(view.pending.get(u)!)}`);
  for (const g of graph.gatesUpstream.get(processor)!) {
    // A gate whose upstream is busy is already named through that upstream processor.
    const busy = [...graph.gateUpstream.get(g)!].some((u) => view.pending.has(u));
    if (!busy) for (const r of gateUnsettled(plan, g, partition, view, now)) reasons.push(`waiting: ${r}`);
  }
  return reasons;
}

/** The gates a hold decision for `processor` must see. */
export function gatesToView(plan: Plan, processors: Iterable<string>): string[] {
  const graph = waveGraph(plan);
  const out = new Set<string>();
  for (const p of processors) for (const g of graph.gatesUpstream.get(p) ?? []) out.add(g);
  return [...out];
}

// ---- Tickets ----

export function mergeBackfill(a: BackfillFlags | null, b: BackfillFlags | null, plan: Plan): BackfillFlags | null {
  // A live trigger among backfill ones: the run is live (its events must cascade all the way).
  if (a === null || b === null) return null;
  const rank = (s?: string) => (s === undefined ? Infinity : plan.phaseByName.get(s)?.number ?? Infinity);
  const stopAfter = rank(a.stopAfter) >= rank(b.stopAfter) ? a.stopAfter : b.stopAfter;
  return { mode: true, reason: b.reason, ...(stopAfter !== undefined ? { stopAfter } : {}) };
}

/** The context of a run that settles every one of these tickets (non-empty). */
export function mergeTickets(plan: Plan, tickets: readonly Ticket[]): RunContext {
  const sorted = [...tickets].sort((a, b) => a.at - b.at);
  let ctx: RunContext = {
    scope: sorted[0]!.scope, backfill: sorted[0]!.backfill, stage: sorted[0]!.stage, lineage: sorted[0]!.lineage, force: sorted[0]!.force, onlyIfNotDone: sorted[0]!.onlyIfNotDone,
  };
  for (const t of sorted.slice(1)) {
    ctx = {
      scope: mergeScopes(ctx.scope, t.scope),
      backfill: mergeBackfill(ctx.backfill, t.backfill, plan),
      stage: newerStage(ctx.stage, t.stage),
      lineage: { correlationId: t.lineage.correlationId, parents: [...new Set([...ctx.lineage.parents, ...t.lineage.parents])] },
      force: ctx.force || t.force,
      onlyIfNotDone: ctx.onlyIfNotDone === true && t.onlyIfNotDone === true,
    };
  }
  return ctx;
}

function newerStage(a?: StageContext, b?: StageContext): StageContext | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.epoch > a.epoch || (b.epoch === a.epoch && b.level > a.level) ? b : a;
}

export function ticketOf(id: string, at: number, req: { reason: string; source: string; scope: RunContext['scope']; backfill: BackfillFlags | null; stage?: StageContext; lineage: Lineage; force?: boolean; onlyIfNotDone?: boolean }): Ticket {
  const t: Ticket = { id, at, reason: req.reason, source: req.source, scope: req.scope, backfill: req.backfill, lineage: req.lineage };
  if (req.stage) t.stage = req.stage;
  if (req.force) t.force = true;
  if (req.onlyIfNotDone) t.onlyIfNotDone = true;
  return t;
}
