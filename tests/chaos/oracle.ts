// The invariants the fault harness checks, independently of the engine's own bookkeeping where it can:
// online, no run starts while something upstream of it in its partition is still in flight (a run, a
// retry, a failure for good, or a trigger not yet delivered — seen from the bus and the execution log);
// at the end, outputs equal the fault-free run's, no duplicate keys, each fingerprint completed once,
// nothing stuck (leases, tickets, outbox, stage epochs, unfired gates), and no processor left with
// inputs it never processed.
import { decide, type Candidate } from '../../engine/core/decide.js';
import { evaluateGate } from '../../engine/core/gates.js';
import { normalize } from '../../engine/core/messages.js';
import { route } from '../../engine/core/route.js';
import { gateBackfill, waveGraph } from '../../engine/core/waves.js';
import type { AttemptState, GateFire, InputSeen, Lease, PartitionVersion, StageEpoch } from '../../engine/core/types.js';
import type { Backends, LogEntry, StateStore, WireMessage } from '../../engine/ports.js';
import type { Plan, TablePlan } from '../../engine/spec/plan.js';
import { ids } from '../../engine/runtime/keys.js';
import type { RunRecord } from '../../engine/runtime/records.js';
import { loadSnapshot } from '../../engine/runtime/snapshot.js';
import type { FaultBus } from './fault-bus.js';

/** Decisions that evaluate a processor on its current inputs, covering every trigger published before them. */
const COVERING = new Set(['run:started', 'skip:duplicate', 'skip:not-ready', 'skip:stop-after', 'fail:stale']);

export class OnlineOracle {
  readonly violations: string[] = [];
  runsStarted = 0;
  private readonly checks: Promise<void>[] = [];

  constructor(private readonly plan: Plan, private readonly bus: FaultBus, private readonly state: () => StateStore, private readonly stepOf: () => number) {}

  /** processor|partition → its latest decision on current inputs: when, and the input versions it saw. */
  private readonly decided = new Map<string, { ts: number; saw: Map<string, number> }>();

  observe = (e: LogEntry): void => {
    if (!COVERING.has(e.event)) return;
    const saw = new Map<string, number>();
    for (const i of (e.inputs ?? []) as InputSeen[]) if (i.versions[e.partition!] !== undefined) saw.set(i.asset, i.versions[e.partition!]!);
    this.decided.set(`${e.processor}|${e.partition}`, { ts: e.ts, saw });
    if (e.event !== 'run:started') return;
    this.runsStarted++;
    this.checks.push(this.check(e.processor!, e.partition!, e.executionId!, this.stepOf()));
  };

  /** Wait for the checks still reading state. */
  async settled(): Promise<void> {
    await Promise.all(this.checks);
  }

  /**
   * At the start of a run of `p`: nothing upstream of it in its partition may be in flight — a lease
   * (a run, also one whose runner died), a failed attempt (retry or failure for good), or a trigger the
   * bus has not delivered yet (one whose ticket no delivery acknowledged).
   */
  private async check(p: string, d: string, executionId: string, step: number): Promise<void> {
    const up = waveGraph(this.plan).upstream.get(p)!;
    const why: string[] = [];
    for (const m of this.bus.queue) {
      if (m.copy || m.attempts > 0) continue;
      const wire = JSON.parse(m.wire) as WireMessage;
      if (wire.attributes.ticket && this.bus.ackedTickets.has(wire.attributes.ticket)) continue; // a second publish of a delivered event
      const n = normalize(this.plan, m.topic, wire.data, wire.attributes, 0);
      if (!n.ok || (n.event.type === 'asset_updated' && n.event.version === undefined)) continue;
      // Triggers merge: one is covered by a later decision of its processor that saw its version (an
      // update), or that was made after it was emitted (a request).
      const ev = n.event;
      for (const c of route(this.plan, ev)) {
        if (c.partition !== d || !up.has(c.processor)) continue;
        const last = this.decided.get(`${c.processor}|${d}`);
        const covered = last && (ev.type === 'asset_updated' ? (last.saw.get(ev.asset) ?? 0) >= (ev.version ?? Infinity) : last.ts >= ev.emittedAt);
        if (!covered) why.push(`a trigger of ${c.processor} (${m.id}) was not delivered yet`);
      }
    }
    const state = this.state();
    const [leases, attempts] = await Promise.all([state.query<Lease>('leases', { eq: { partition: d } }), state.query<AttemptState>('attempts', { eq: { partition: d } })]);
    for (const l of leases) if (up.has(l.processor) && l.token !== executionId) why.push(`${l.processor} held a lease (execution ${l.token})`);
    for (const a of attempts) if (up.has(a.processor)) why.push(`${a.processor} had ${a.terminal ? 'failed for good' : 'a retry pending'} (${a.lastError})`);
    if (why.length) this.violations.push(`mixed generations: ${p} started for ${d} at step ${step} while ${[...new Set(why)].join('; ')}`);
  }
}

/** Rows, objects and documents as comparable text (values normalized across backends). */
export interface Outputs {
  tables: Record<string, string[]>;
  objects: Record<string, string>;
  documents: Record<string, string>;
}

/** An instant written as text: the memory backend keeps the writer's text, DuckDB gives it back with milliseconds. */
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function norm(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && INSTANT.test(v)) return new Date(v).toISOString();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, norm(x)]));
  return v;
}

export async function outputsOf(plan: Plan, b: Backends, partitions: string[]): Promise<Outputs & { duplicateKeys: string[] }> {
  const out: Outputs & { duplicateKeys: string[] } = { tables: {}, objects: {}, documents: {}, duplicateKeys: [] };
  for (const a of plan.assets.values()) {
    if (a.kind === 'table') {
      const rows = await b.warehouse.read(a as TablePlan, { partitions });
      out.tables[a.ref] = rows.map((r) => JSON.stringify(norm(r))).sort();
      const keys = rows.map((r) => [r[plan.partition.key], ...a.key.map((k) => r[k])].map(String).join('|'));
      if (new Set(keys).size !== keys.length) out.duplicateKeys.push(`${a.ref}: ${keys.length} rows, ${new Set(keys).size} keys`);
    } else if (a.kind === 'objects') {
      for (const p of await b.objects.list(a.bucket, '')) out.objects[p] = (await b.objects.get(a.bucket, p))!.body.toString('utf8');
    } else {
      const prefix = a.path.slice(0, a.path.indexOf('/{'));
      for (const p of await b.documents.list(prefix)) out.documents[p] = JSON.stringify(norm(await b.documents.get(p)));
    }
  }
  return out;
}

/** Final invariants on the state after the faults stopped and the repair converged. */
export async function finalViolations(plan: Plan, b: Backends, partitions: string[], now: number): Promise<string[]> {
  const v: string[] = [];
  for (const c of ['leases', 'pending', 'outbox'] as const) {
    const left = await b.state.query<Record<string, unknown>>(c, {});
    if (left.length) v.push(`stuck: ${left.length} ${c} record(s) left: ${left.slice(0, 3).map((x) => `${x.processor ?? x.topic ?? ''}|${x.partition ?? ''}`).join(', ')}`);
  }
  const runs = await b.state.query<RunRecord>('runs', { eq: { status: 'succeeded' } });
  const completed = new Map<string, number>();
  for (const r of runs) {
    if (plan.processors.get(r.processor)!.reads.length === 0) continue; // sources run whenever asked
    const k = `${r.processor}|${r.partition}|${r.fingerprint}|${r.scope}`;
    completed.set(k, (completed.get(k) ?? 0) + 1);
  }
  for (const [k, n] of completed) if (n > 1) v.push(`fingerprint completed ${n} times: ${k}`);
  for (const d of partitions) {
    for (const s of plan.stages.keys()) {
      const e = await b.state.get<StageEpoch>('stage_epochs', ids.stageEpoch(s, d));
      if (e && e.status !== 'done') v.push(`stuck: stage ${s} for ${d} is ${e.status ?? 'running'} at level ${e.level} of epoch ${e.epoch}`);
    }
    for (const g of plan.gates.values()) {
      const outputs = Object.fromEntries(await Promise.all(g.members.map(async (m) => [m, await b.state.get<PartitionVersion>('versions', ids.version(plan.processors.get(m)!.output, d))] as const)));
      const fire = await b.state.get<GateFire>('gate_fires', ids.gateFire(g.name, d));
      const dec = evaluateGate(plan, g, d, { outputs, running: [], fire }, now, gateBackfill({ outputs, fire }));
      if (dec.kind === 'fire') v.push(`stuck: gate ${g.name} for ${d} should have fired (${dec.reasons.join('; ')})`);
    }
    for (const p of plan.processors.values()) {
      if (p.reads.length === 0) continue;
      const cand: Candidate = { processor: p.name, partition: d, scope: null, trigger: { kind: 'request', reason: 'oracle', source: 'oracle' }, lineage: { correlationId: 'oracle', parents: [] }, backfill: null, onlyIfNotDone: true };
      const snap = await b.state.transaction((tx) => loadSnapshot(tx, p, d));
      const dec = decide(plan, cand, snap, now);
      if (dec.kind === 'run' && snap.lastSuccess?.fingerprint !== dec.fingerprint) v.push(`lost update: ${p.name} for ${d} never ran on its current inputs (last success ${snap.lastSuccess?.executionId ?? 'none'})`);
    }
  }
  return v;
}

/** Differences between two outputs, briefly. */
export function diffOutputs(want: Outputs, got: Outputs): string[] {
  const out: string[] = [];
  for (const t of new Set([...Object.keys(want.tables), ...Object.keys(got.tables)])) {
    const a = want.tables[t] ?? [];
    const b = got.tables[t] ?? [];
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`table ${t} differs: want ${a.filter((x) => !b.includes(x)).slice(0, 2).join(' ')} got ${b.filter((x) => !a.includes(x)).slice(0, 2).join(' ')}`);
  }
  for (const kind of ['objects', 'documents'] as const)
    for (const p of new Set([...Object.keys(want[kind]), ...Object.keys(got[kind])]))
      if (want[kind][p] !== got[kind][p]) out.push(`${kind === 'objects' ? 'object' : 'document'} ${p} differs: want ${want[kind][p]?.slice(0, 80) ?? 'none'} got ${got[kind][p]?.slice(0, 80) ?? 'none'}`);
  return out;
}
