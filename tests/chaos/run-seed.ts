// One seed of the fault harness: the world's story and the fault schedule both come from the seed, so
// `--seed N` replays it (exactly on the memory backend; on DuckDB the schedule is the same, its I/O
// timing is the machine's). The faulty run is compared with a fault-free run of the same story.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLocalBackends } from '../../engine/backends/local/index.js';
import { ManualClock } from '../../engine/backends/local/clock.js';
import { openMemoryBackends } from '../../engine/backends/memory/index.js';
import type { RunnerId } from '../../engine/core/types.js';
import type { Backends, Delivery, HandleResult, LogEntry } from '../../engine/ports.js';
import type { Plan } from '../../engine/spec/plan.js';
import { replayDeadLetters } from '../../engine/runtime/dlq.js';
import { SimulatedCrash } from '../../engine/runtime/faults.js';
import { reconcile } from '../../engine/runtime/reconciler.js';
import { FaultBus, type Msg } from './fault-bus.js';
import { diffOutputs, finalViolations, OnlineOracle, outputsOf, type Outputs } from './oracle.js';
import { CRASH_POINTS, Runner, type WriteThenThrow } from './runners.js';
import { nba } from './nba.js';
import type { ChaosPipeline, Request, Story, WorldHandle } from './pipeline.js';
import { rng, type Rng } from './script.js';
import { small } from './small.js';

export type BackendKind = 'memory' | 'duckdb';
export type PipelineName = 'small' | 'nba';
export const PIPELINES: Record<PipelineName, ChaosPipeline> = { small, nba };

export interface SeedOptions {
  seed: number;
  backend: BackendKind;
  /** The harness's own small pipeline (default) or the NBA reference pipeline. */
  pipeline?: PipelineName;
  /** Scheduling steps before the faults stop (default: the pipeline's). */
  steps?: number;
  /** Keep a line per action (`--seed N --trace`). */
  trace?: boolean;
  /** Look at the state and the log before the seed's backends close (debugging a seed). */
  inspect?: (state: Backends['state'], log: LogEntry[]) => Promise<void>;
}

export interface SeedResult {
  seed: number;
  backend: BackendKind;
  pipeline: PipelineName;
  steps: number;
  runs: number;
  faults: Record<string, number>;
  crashSites: string[];
  violations: string[];
  trace: string[];
}

const LEASE_TTL_MS = 30_000;
const ACK_DEADLINE_MS = 1_000;

interface World_ {
  pipeline: ChaosPipeline;
  plan: Plan;
  backends: Backends;
  clock: ManualClock;
  bus: FaultBus;
  world: WorldHandle;
  runners: Runner[];
  oracle: OnlineOracle;
  step: number;
  faults: Record<string, number>;
  trace: string[];
  log: LogEntry[];
  violations: string[];
  writeThenThrow: WriteThenThrow | undefined;
  spawn(): Runner;
  close(): Promise<void>;
}

async function open(pipeline: ChaosPipeline, kind: BackendKind, story: Story, tracing: boolean): Promise<World_> {
  const plan = pipeline.plan();
  const T0 = pipeline.clockStart;
  const clock = new ManualClock(T0);
  // A frozen world serves what the clock says: messages wait for no time while the faults run.
  const bus = new FaultBus(() => clock.now(), pipeline.frozenClock);
  let dir: string | undefined;
  let backends: Backends;
  if (kind === 'memory') {
    const m = openMemoryBackends({ now: T0 });
    backends = { ...m, clock, bus };
  } else {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-chaos-'));
    const l = await openLocalBackends({ dir, clock });
    await l.warehouse.ensureTables(plan);
    const close = l.close.bind(l);
    backends = { kind: 'local', clock, bus, state: l.state, warehouse: l.warehouse, objects: l.objects, documents: l.documents, close };
  }
  const world = await pipeline.open(story);
  const executor = world.executor;
  const registry = new Map<string, Runner>();
  const liveness = (r: RunnerId) => {
    const x = registry.get(r.id);
    if (!x) return undefined;
    if (x.alive) return true;
    return x.knownDead ? false : undefined;
  };
  let ids = 0;
  const w: World_ = {
    pipeline, plan, backends, clock, bus, world, runners: [], step: 0, faults: {}, trace: [], log: [], violations: [], writeThenThrow: undefined,
    oracle: undefined as unknown as OnlineOracle,
    spawn() {
      const n = registry.size + 1;
      const id: RunnerId = { id: `runner-${n}`, host: 'chaos', pid: n, startedAt: clock.now() };
      const r = new Runner(`r${n}`, id, backends, { plan, executor, liveness, leaseTtlMs: LEASE_TTL_MS, newId: () => `id-${++ids}`, writeThenThrow: (processor) => {
        // Armed for one run of one processor: it fires once.
        const x = w.writeThenThrow;
        if (!x || x.processor !== processor) return undefined;
        w.writeThenThrow = undefined;
        return x;
      } });
      r.engine.log.listeners.push(w.oracle.observe);
      registry.set(id.id, r);
      w.runners.push(r);
      r.engine.log.listeners.push((e) => void w.log.push(e));
      return r;
    },
    async close() {
      await world.close();
      await backends.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  w.oracle = new OnlineOracle(plan, bus, () => backends.state, () => w.step);
  if (!tracing) w.trace.push = () => 0;
  return w;
}

const live = (w: World_) => w.runners.filter((r) => r.alive);

function someLive(w: World_, r: Rng): Runner {
  const alive = live(w);
  return alive.length ? r.pick(alive) : w.spawn();
}

/** After a death: the dead runner stays dead; a new one takes its place (two live runners at most). */
function replaceDead(w: World_): void {
  while (live(w).length < 2) w.spawn();
}

function outcomeOf(res: HandleResult | undefined, r: Runner): HandleResult | undefined {
  return r.alive ? res : undefined; // a dead process acknowledges nothing
}

async function handleBy(w: World_, r: Runner, m: Msg): Promise<HandleResult | undefined> {
  m.attempts++;
  const wire = JSON.parse(m.wire) as { data: Record<string, unknown>; attributes: Record<string, string> };
  const d: Delivery = { data: wire.data, attributes: wire.attributes, topic: m.topic, messageId: m.id, deliveryAttempt: m.attempts, publishTime: 0 };
  try {
    return outcomeOf(await r.engine.handle(d), r);
  } catch (e) {
    if (!(e instanceof SimulatedCrash)) w.violations.push(`a handler threw at step ${w.step}: ${(e as Error).stack?.split('\n').slice(0, 4).join(' ')}`);
    return undefined;
  } finally {
    if (!r.alive && r.crashedAt) {
      w.faults[`crash ${r.crashedAt.split(' ')[0]}`] = (w.faults[`crash ${r.crashedAt.split(' ')[0]}`] ?? 0) + 1;
      w.trace.push(`  ${r.name} died ${r.crashedAt}`);
    }
  }
}

/** Deliver a message to one runner, or to several at once; settle it by what they answered. */
async function deliver(w: World_, m: Msg, to: Runner[], opts: { copy?: boolean } = {}): Promise<void> {
  if (!opts.copy) w.bus.take(m);
  const target = opts.copy ? { ...m, copy: true } : m;
  const results = await Promise.all(to.map((r) => handleBy(w, r, target)));
  if (!opts.copy) m.attempts = target.attempts;
  replaceDead(w);
  const now = w.clock.now();
  const acked = results.find((x) => x?.outcome === 'ack');
  const dead = results.find((x) => x?.outcome === 'dead-letter');
  // Each delivery answers on its own — the service dead-letters a terminal failure itself, a copy's
  // too — and the message is gone once any delivery acknowledged or dead-lettered it.
  if (dead && dead.outcome === 'dead-letter') await w.bus.deadLetter(m.topic, JSON.parse(m.wire), dead.reason, dead.attempts);
  if (opts.copy) return;
  if (acked) w.bus.acked(m);
  if (acked || dead) return;
  const retry = results.find((x) => x?.outcome === 'retry');
  w.bus.requeue(m, now + (retry && retry.outcome === 'retry' ? retry.delayMs ?? 100 : ACK_DEADLINE_MS));
}

async function request(w: World_, r: Rng, q: Request): Promise<void> {
  // Like an operator's command: if the process dies while asking, ask again from another one.
  for (let i = 0; i < 10; i++) {
    const runner = someLive(w, r);
    try {
      await runner.engine.publishRequest(runner.engine.request(q.processor, q.partition, { source: 'chaos', backfill: q.backfill ?? null }));
      return;
    } catch (e) {
      if (!(e instanceof SimulatedCrash)) throw e;
      replaceDead(w);
    }
  }
  throw new Error(`could not request ${q.processor} for ${q.partition}`);
}

function count(w: World_, fault: string): void {
  w.faults[fault] = (w.faults[fault] ?? 0) + 1;
}

async function gateFired(w: World_, partition: string): Promise<boolean> {
  return (await w.backends.state.query('gate_fires', { eq: { partition } })).length > 0;
}

/** The faulty part: the world's story told through a schedule of faults. */
async function schedule(w: World_, story: Story, r: Rng, steps: number): Promise<void> {
  replaceDead(w);
  for (const q of story.start) await request(w, r, q);
  // In the story's order (the final world is the last update's), at random steps; a late one waits for a gate fire.
  const ats = story.updates.map(() => r.int(1, Math.floor(steps * 0.7))).sort((a, b) => a - b);
  const due = story.updates.map((u, i) => ({ u, at: ats[i]! }));
  const table = [...w.plan.processors.values()].filter((p) => p.reads.length > 0 && p.table).map((p) => p.name);
  for (w.step = 0; w.step < steps; w.step++) {
    while (due.length) {
      const x = due[0]!;
      if (x.at > w.step || (x.u.late && !(await gateFired(w, x.u.partition)))) break;
      due.shift();
      w.world.apply(x.u);
      count(w, x.u.late ? 'late update' : 'update');
      w.trace.push(`${w.step}: ${x.u.late ? 'late ' : ''}update ${x.u.label} for ${x.u.partition}`);
      for (const q of x.u.requests) await request(w, r, q);
    }
    if (!w.pipeline.frozenClock) w.clock.advance(r.int(1, 20));
    const avail = w.bus.available(w.step, w.clock.now());
    if (!avail.length && !due.length && !w.bus.queue.length) break;
    if (!avail.length) {
      if (!w.pipeline.frozenClock) w.clock.advance(r.int(10, 200));
      continue;
    }
    const roll = r.int(1, 100);
    const m = avail.length ? r.pick(avail) : undefined;
    if (m && roll <= 60) {
      const to = someLive(w, r);
      w.trace.push(`${w.step}: deliver ${m.id} ${m.topic} to ${to.name}`);
      await deliver(w, m, [to]);
    } else if (m && roll <= 66) {
      count(w, 'duplicate');
      w.trace.push(`${w.step}: duplicate ${m.id}`);
      await deliver(w, m, [someLive(w, r)], { copy: true });
    } else if (m && roll <= 71) {
      count(w, 'concurrent duplicate');
      replaceDead(w);
      w.trace.push(`${w.step}: deliver ${m.id} to two runners at once`);
      await deliver(w, m, live(w).slice(0, 2));
    } else if (m && roll <= 77) {
      const quiescence = r.chance(0.3);
      count(w, quiescence ? 'hold until quiet' : 'hold');
      m.held = quiescence ? { quiescence: true } : { untilStep: w.step + r.int(1, 10) };
      w.trace.push(`${w.step}: hold ${m.id} ${quiescence ? 'until quiet' : `until step ${m.held.untilStep}`}`);
    } else if (roll <= 83) {
      const victim = someLive(w, r);
      const point = r.pick(CRASH_POINTS);
      victim.arm({ point, n: r.int(1, 4) });
      victim.knownDead = r.chance(0.7);
      count(w, `arm ${victim.knownDead ? 'known' : 'silent'} death`);
      w.trace.push(`${w.step}: arm ${victim.name} to die ${point} #${victim.armed!.n} (${victim.knownDead ? 'known' : 'silent'})`);
    } else if (roll <= 88 && !w.writeThenThrow) {
      w.writeThenThrow = { processor: r.pick(table), terminal: r.chance(0.35) };
      count(w, w.writeThenThrow.terminal ? 'write then throw (terminal)' : 'write then throw (retryable)');
      w.trace.push(`${w.step}: ${w.writeThenThrow.processor} will write then throw (${w.writeThenThrow.terminal ? 'terminal' : 'retryable'})`);
    } else if (roll <= 93) {
      count(w, 'reconcile');
      const by = someLive(w, r);
      w.trace.push(`${w.step}: reconcile by ${by.name}`);
      try {
        await reconcile(by.engine, { partitions: story.partitions });
      } catch (e) {
        if (!(e instanceof SimulatedCrash)) throw e;
      }
      replaceDead(w);
    } else if (roll <= 96 && !w.pipeline.frozenClock) {
      const ms = r.int(100, 3000);
      w.clock.advance(ms);
      w.trace.push(`${w.step}: clock +${ms}ms`);
    }
  }
  // Updates the schedule never reached happen now (as the world goes on).
  for (const x of due) {
    w.world.apply(x.u);
    for (const q of x.u.requests) await request(w, r, q);
  }
}

/** The faults stop: deliver everything, let dead runners' leases expire, reconcile and replay until quiet. */
async function drain(w: World_, story: Story): Promise<boolean> {
  for (const x of w.runners) x.arm(undefined);
  w.writeThenThrow = undefined;
  replaceDead(w);
  for (let round = 0; round < 25; round++) {
    await quiesce(w);
    // Leases of runners nobody knows to be dead expire only with time.
    w.clock.advance(LEASE_TTL_MS + 1000);
    const by = live(w)[0]!;
    const rep = await reconcile(by.engine, { partitions: story.partitions });
    const dead = await w.bus.listDeadLetters();
    if (dead.length) await replayDeadLetters(by.engine);
    // As an operator's periodic reconcile would, keep going while work is still open in the state.
    const open = (await w.backends.state.query('pending', {})).length + (await w.backends.state.query('leases', {})).length;
    const quiet = !w.bus.queue.length && !dead.length && Object.values(rep).every((n) => n === 0) && open === 0;
    if (quiet) return true;
  }
  return false;
}

/** Deliver in publish order, one at a time, until nothing is left (no faults). */
async function quiesce(w: World_): Promise<void> {
  for (let i = 0; i < 20_000 && w.bus.queue.length; i++) {
    const avail = w.bus.available(Infinity, w.clock.now(), { includeQuiescent: true });
    if (!avail.length) {
      w.clock.advance(Math.max(1, Math.min(...w.bus.queue.map((m) => m.availableAt)) - w.clock.now()));
      continue;
    }
    await deliver(w, avail[0]!, [live(w)[0]!]);
  }
}

async function prepare(w: World_, story: Story, r: Rng): Promise<void> {
  replaceDead(w);
  for (const q of story.prepare) await request(w, r, q);
  await quiesce(w);
}

/** The fault-free run of a story: each update applied and run to quiescence, in order. */
const baselines = new Map<string, Promise<Outputs>>();
export function baseline(pipeline: ChaosPipeline, story: Story): Promise<Outputs> {
  const key = `${pipeline.name}|${JSON.stringify(story)}`;
  let hit = baselines.get(key);
  if (!hit) {
    hit = (async () => {
      const w = await open(pipeline, 'memory', story, false);
      try {
        const r = rng(0);
        await prepare(w, story, r);
        for (const q of story.start) await request(w, r, q);
        await quiesce(w);
        for (const u of story.updates) {
          w.world.apply(u);
          for (const q of u.requests) await request(w, r, q);
          await quiesce(w);
        }
        const { duplicateKeys: _d, ...out } = await outputsOf(w.plan, w.backends, story.partitions);
        return out;
      } finally {
        await w.close();
      }
    })();
    baselines.set(key, hit);
    if (baselines.size > 200) baselines.delete(baselines.keys().next().value!);
  }
  return hit;
}

export async function runSeed(opts: SeedOptions): Promise<SeedResult> {
  const pipeline = PIPELINES[opts.pipeline ?? 'small'];
  const r = rng(opts.seed);
  const story = pipeline.story(r);
  const want = await baseline(pipeline, story);
  const w = await open(pipeline, opts.backend, story, opts.trace ?? false);
  const steps = opts.steps ?? pipeline.steps;
  try {
    await prepare(w, story, r);
    await schedule(w, story, r, steps);
    const converged = await drain(w, story);
    await w.oracle.settled();
    const got = await outputsOf(w.plan, w.backends, story.partitions);
    const violations = [
      ...w.violations,
      ...w.oracle.violations,
      ...(converged ? [] : ['did not converge: work was still open after 25 reconcile rounds (12 minutes of engine time)']),
      ...got.duplicateKeys.map((d) => `duplicate rows: ${d}`),
      ...diffOutputs(want, got).map((d) => `output differs from the fault-free run: ${d}`),
      ...(await finalViolations(w.plan, w.backends, story.partitions, w.clock.now())),
    ];
    await opts.inspect?.(w.backends.state, w.log);
    return {
      seed: opts.seed, backend: opts.backend, pipeline: pipeline.name, steps: w.step, runs: w.oracle.runsStarted, faults: w.faults,
      crashSites: w.runners.filter((x) => x.crashedAt).map((x) => x.crashedAt!), violations, trace: w.trace,
    };
  } finally {
    await w.close();
  }
}
