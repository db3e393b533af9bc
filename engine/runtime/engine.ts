// The Engine: the imperative shell around the decision core. It takes deliveries from the bus,
// normalizes them, routes them to candidates and runs each through decide → claim → execute →
// complete (run.ts), then the follow-ups: gates, stage levels, checks (follow-ups.ts).
import { randomUUID } from 'node:crypto';
import { normalize, toWire } from '../core/messages.js';
import { route } from '../core/route.js';
import type { Candidate } from '../core/decide.js';
import type { AssetUpdated, EngineEvent, PartitionVersion, RunRequested } from '../core/types.js';
import type { Backends, Delivery, HandleResult, LocalBus, LogEntry } from '../ports.js';
import type { Plan } from '../spec/plan.js';
import { AlertRouter } from './alerts.js';
import type { Executor } from './executor.js';
import type { EngineFaults } from './faults.js';
import { ids } from './keys.js';
import { LogBuffer } from './log-buffer.js';
import { addToOutbox, dispatch, engineTopics, requestTopic, type OutboxEntry } from './outbox.js';
import { runTask } from './fanout.js';
import { runCandidate, type CandidateOutcome } from './run.js';

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
}

export class Engine {
  readonly plan: Plan;
  readonly backends: Backends;
  readonly executor: Executor;
  readonly log: LogBuffer;
  readonly alerts: AlertRouter;
  readonly dryRun: boolean;
  readonly faults: EngineFaults | undefined;
  private readonly concurrency: number;
  /** Runs in flight in this process (for graceful shutdown and status). */
  readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(opts: EngineOptions) {
    this.plan = opts.plan;
    this.backends = opts.backends;
    this.executor = opts.executor;
    this.concurrency = opts.concurrency ?? 4;
    this.dryRun = opts.dryRun ?? false;
    this.faults = opts.faults;
    this.log = new LogBuffer(opts.backends.warehouse, opts.log);
    this.alerts = new AlertRouter(opts.plan, this.log, opts.env ?? {});
  }

  now(): number {
    return this.backends.clock.now();
  }

  newId(): string {
    return randomUUID();
  }

  record(e: Omit<LogEntry, 'ts' | 'specHash'> & { ts?: number }): void {
    this.log.append({ ts: this.now(), specHash: this.plan.specHash, ...e });
  }

  /** Subscribe to every topic of the plan (local bus). */
  attach(bus: LocalBus): void {
    for (const t of engineTopics(this.plan)) bus.subscribe(t, (d) => this.handle(d));
  }

  /** Stop taking new work; resolves when in-flight runs finished or the bound passed. */
  async drain(boundMs: number): Promise<void> {
    this.stopping = true;
    const all = Promise.allSettled([...this.inFlight]);
    await Promise.race([all, new Promise((r) => setTimeout(r, boundMs))]);
    await this.log.flush();
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
      const recorded = await this.recordExternal(event);
      if (!recorded) return { outcome: 'ack' };
      event = recorded;
    }
    if (event.type === 'task_requested') return aggregate([await runTask(this, event)]);
    const candidates = route(this.plan, event);
    const outcomes = await mapLimit(candidates, this.concurrency, (c) => runCandidate(this, c));
    return aggregate(outcomes);
  }

  /** An update reported from outside (legacy scraper, GCS, another system): record a new version. */
  private async recordExternal(e: AssetUpdated): Promise<AssetUpdated | undefined> {
    const now = this.now();
    const asset = this.plan.assets.get(e.asset)!;
    let rows = e.rows;
    if (rows === undefined && asset.kind === 'table') rows = (await this.backends.warehouse.stats(asset, e.partition)).rows;
    const v = await this.backends.state.transaction(async (tx) => {
      const prev = await tx.get<PartitionVersion>('versions', ids.version(e.asset, e.partition));
      if (prev && prev.correlationId === e.correlationId) return undefined; // the same report, redelivered
      const next: PartitionVersion = {
        asset: e.asset, partition: e.partition, version: (prev?.version ?? 0) + 1, rows: rows ?? -1, updatedAt: e.emittedAt || now,
        changedEntities: null, correlationId: e.correlationId,
      };
      tx.set('versions', ids.version(e.asset, e.partition), next);
      return next;
    });
    this.record({ event: v ? 'external:recorded' : 'external:duplicate', partition: e.partition, correlationId: e.correlationId, detail: { asset: e.asset, origin: e.origin, version: v?.version } });
    return v ? { ...e, version: v.version, rows: v.rows } : undefined;
  }

  /** Write events to the outbox in their own transaction and dispatch them. */
  async emit(events: EngineEvent[]): Promise<void> {
    if (!events.length) return;
    const now = this.now();
    const entries = await this.backends.state.transaction(async (tx) => addToOutbox(this.plan, tx, events, now));
    await this.dispatch(entries);
  }

  async dispatch(entries: OutboxEntry[]): Promise<void> {
    await dispatch(this.backends.bus, this.backends.state, entries);
  }

  /** Publish a run request on the engine's request topic (CLI, schedules, the service, replays). */
  async publishRequest(r: RunRequested): Promise<void> {
    await this.backends.bus.publish(requestTopic(this.plan), toWire(this.plan, r));
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
