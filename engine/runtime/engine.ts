// The Engine: the imperative shell around the decision core. It takes deliveries from the bus,
// normalizes them, routes them to candidates and runs each through decide → claim → execute →
// complete (run.ts), then the follow-ups: gates, stage levels, checks (follow-ups.ts).
import { randomUUID } from 'node:crypto';
import { normalize } from '../core/messages.js';
import { route } from '../core/route.js';
import type { Candidate } from '../core/decide.js';
import type { AssetUpdated, EngineEvent, PartitionVersion, RunnerId, RunRequested } from '../core/types.js';
import type { Backends, Delivery, HandleResult, LocalBus, LogEntry } from '../ports.js';
import type { Plan } from '../spec/plan.js';
import { AlertRouter } from './alerts.js';
import type { Executor } from './executor.js';
import type { EngineFaults } from './faults.js';
import type { EngineHost } from './host.js';
import { InFlightRuns } from './in-flight.js';
import { interruptRuns } from './interrupt.js';
import { ids } from './keys.js';
import { LogBuffer } from './log-buffer.js';
import { dispatch, engineTopics, type OutboxEntry } from './outbox.js';
import { runTask } from './fanout.js';
import { runCandidate, type CandidateOutcome } from './run.js';
import { hostLiveness, processRunner, selfOnlyLiveness, type Liveness } from './runner.js';
import { emit, emitInTx } from './tickets.js';

/** A lease lives this long without a heartbeat (renewed every third of it while its run is alive). */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface EngineOptions {
  plan: Plan;
  backends: Backends;
  executor: Executor;
  /** Concurrent candidates per delivery. */
  concurrency?: number;
  /** Environment for alert sinks (webhook URLs from url_env). */
  env?: Record<string, string | undefined>;
  log?: { maxBatch?: number; delayMs?: number };
  /** Dry runs: no warehouse writes (the executor is simulated). */
  dryRun?: boolean;
  /** Fault injection (crash tests only). */
  faults?: EngineFaults;
  /** The runner this engine's leases name (default: this process). */
  runner?: RunnerId;
  /** Whether another lease holder is alive (default: checked by pid on this host for the local backend). */
  liveness?: Liveness;
  /** Lease life without a heartbeat (default 30 s). */
  leaseTtlMs?: number;
  /** Ids for executions and outbox entries (default random UUIDs; the fault harness makes them deterministic). */
  newId?: () => string;
}

export class Engine implements EngineHost {
  readonly plan: Plan;
  readonly backends: Backends;
  readonly executor: Executor;
  readonly log: LogBuffer;
  readonly alerts: AlertRouter;
  readonly dryRun: boolean;
  readonly faults: EngineFaults | undefined;
  readonly runner: RunnerId;
  readonly liveness: Liveness;
  readonly leaseTtlMs: number;
  private readonly concurrency: number;
  private readonly ids: () => string;
  /** Deliveries being handled in this process (for graceful shutdown and status). */
  readonly inFlight = new Set<Promise<unknown>>();
  /** Processors running in this process, each stoppable (interrupted on shutdown). */
  readonly runs = new InFlightRuns();
  private stopping = false;

  constructor(opts: EngineOptions) {
    this.plan = opts.plan;
    this.backends = opts.backends;
    this.executor = opts.executor;
    this.concurrency = opts.concurrency ?? 4;
    this.dryRun = opts.dryRun ?? false;
    this.faults = opts.faults;
    this.runner = opts.runner ?? processRunner();
    this.liveness = opts.liveness ?? (opts.backends.kind === 'local' ? hostLiveness(this.runner) : selfOnlyLiveness(this.runner));
    this.leaseTtlMs = opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.ids = opts.newId ?? randomUUID;
    this.log = new LogBuffer(opts.backends.warehouse, opts.log);
    this.alerts = new AlertRouter(opts.plan, this.log, opts.env ?? {});
  }

  now(): number {
    return this.backends.clock.now();
  }

  newId(): string {
    return this.ids();
  }

  record(e: Omit<LogEntry, 'ts' | 'specHash'> & { ts?: number }): void {
    this.log.append({ ts: this.now(), specHash: this.plan.specHash, ...e });
  }

  /** Subscribe to every topic of the plan (local bus). */
  attach(bus: LocalBus): void {
    for (const t of engineTopics(this.plan)) bus.subscribe(t, (d) => this.handle(d));
  }

  /** Stop taking new work; resolves true when every delivery in flight finished, false when the bound passed first. */
  async drain(boundMs: number): Promise<boolean> {
    this.stopping = true;
    const finished = await settledWithin([...this.inFlight], boundMs);
    await this.log.flush();
    return finished;
  }

  /**
   * After the drain bound: stop the processors still running, release their leases and request them
   * again (interrupt.ts), then give their deliveries up to `settleMs` to answer `retry`. Resolves with
   * the number of runs released.
   */
  async interrupt(reason: string, settleMs: number): Promise<number> {
    this.stopping = true;
    const released = await interruptRuns(this, reason);
    await settledWithin([...this.inFlight], settleMs);
    return released;
  }

  get accepting(): boolean {
    return !this.stopping;
  }

  /** One delivery from a topic: normalize, route, run every candidate, and say what the bus should do. */
  async handle(d: Delivery): Promise<HandleResult> {
    if (this.stopping) return { outcome: 'retry', reason: 'engine is shutting down', delayMs: 1000 };
    const n = normalize(this.plan, d.topic, d.data, d.attributes, this.now());
    if (!n.ok) {
      this.record({ event: n.ignored ? 'message:ignored' : 'message:rejected', reasons: [n.reason], detail: { topic: d.topic, messageId: d.messageId } });
      return n.ignored ? { outcome: 'ack' } : { outcome: 'dead-letter', reason: n.reason, attempts: d.deliveryAttempt ?? 1 };
    }
    return this.handleEvent(n.event);
  }

  async handleEvent(event: EngineEvent): Promise<HandleResult> {
    const work = this.process(event);
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async process(event: EngineEvent): Promise<HandleResult> {
    if (event.type === 'asset_updated' && event.version === undefined) {
      await this.recordExternal(event);
      return { outcome: 'ack' };
    }
    if (event.type === 'task_requested') return aggregate([await runTask(this, event)]);
    const candidates = route(this.plan, event);
    const outcomes = await mapLimit(candidates, this.concurrency, (c) => runCandidate(this, c));
    return aggregate(outcomes);
  }

  /**
   * An update reported from outside (legacy scraper, GCS, another system): record a new version and,
   * in the same transaction, emit it as the engine's own update (with its tickets), so a crash after
   * the record cannot lose the processors it triggers.
   */
  private async recordExternal(e: AssetUpdated): Promise<void> {
    const now = this.now();
    const asset = this.plan.assets.get(e.asset)!;
    let rows = e.rows;
    if (rows === undefined && asset.kind === 'table') rows = (await this.backends.warehouse.stats(asset, e.partition)).rows;
    const r = await this.backends.state.transaction(async (tx) => {
      const prev = await tx.get<PartitionVersion>('versions', ids.version(e.asset, e.partition));
      if (prev && prev.correlationId === e.correlationId) return undefined; // the same report, redelivered
      const next: PartitionVersion = {
        asset: e.asset, partition: e.partition, version: (prev?.version ?? 0) + 1, rows: rows ?? -1, updatedAt: e.emittedAt || now,
        changedEntities: null, correlationId: e.correlationId, backfill: e.backfill,
      };
      tx.set('versions', ids.version(e.asset, e.partition), next);
      const { ticket: _t, ...event } = e;
      return { v: next, entries: await emitInTx(this, tx, [{ ...event, version: next.version, rows: next.rows }], now) };
    });
    this.record({ event: r ? 'external:recorded' : 'external:duplicate', partition: e.partition, correlationId: e.correlationId, detail: { asset: e.asset, origin: e.origin, version: r?.v.version } });
    if (r) await this.dispatch(r.entries);
  }

  /** Emit events (outbox + tickets) in their own transaction and dispatch them. */
  async emit(events: EngineEvent[]): Promise<void> {
    await emit(this, events);
  }

  async dispatch(entries: OutboxEntry[]): Promise<void> {
    await dispatch(this.backends.bus, this.backends.state, entries);
  }

  /** Send a run request (CLI, schedules, the service): through the outbox, with its ticket. */
  async publishRequest(r: RunRequested): Promise<void> {
    await emit(this, [r]);
  }

  /** A run request as the CLI, schedules and the service make it. */
  request(processor: string, partition: string, opts: Partial<Omit<RunRequested, 'type' | 'processor' | 'partition'>> = {}): RunRequested {
    return {
      type: 'run_requested', processor, partition, scope: opts.scope ?? null, reason: opts.reason ?? 'manual', source: opts.source ?? 'cli',
      correlationId: opts.correlationId ?? this.newId(), parents: opts.parents ?? [], backfill: opts.backfill ?? null, force: opts.force, onlyIfNotDone: opts.onlyIfNotDone,
      stage: opts.stage, emittedAt: this.now(),
    };
  }
}

function aggregate(outcomes: CandidateOutcome[]): HandleResult {
  const terminal = outcomes.filter((o) => o.kind === 'terminal');
  if (terminal.length) return { outcome: 'dead-letter', reason: terminal.map((t) => t.reason).join('; '), attempts: Math.max(...terminal.map((t) => t.attempts ?? 1)) };
  const retry = outcomes.filter((o) => o.kind === 'retry');
  if (retry.length) return { outcome: 'retry', reason: retry.map((r) => r.reason).join('; '), delayMs: Math.min(...retry.map((r) => r.delayMs ?? 0)) };
  return { outcome: 'ack' };
}

/** Whether all of `work` settled within `ms` (the timer does not keep the process alive). */
async function settledWithin(work: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([Promise.allSettled(work).then(() => true as const), bound]);
  } finally {
    clearTimeout(timer);
  }
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

export type { Candidate };
