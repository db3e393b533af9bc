// The engine on the embedded default: DuckDB + files + the in-process bus, wired and subscribed.
import { openLocalBackends, type LocalBackends } from '../backends/local/index.js';
import type { Clock } from '../ports.js';
import { leaseTtl } from './lease-ttl.js';
import type { Plan } from '../spec/plan.js';
import { Engine } from './engine.js';
import { ModuleExecutor, type Executor } from './executor.js';
import type { EngineFaults } from './faults.js';
import { processRunner } from './runner.js';

export interface LocalEngineOptions {
  plan: Plan;
  /** Folder of the local state (default `.pipeline` next to the spec). */
  dir?: string;
  env?: Record<string, string | undefined>;
  executor?: Executor;
  clock?: Clock;
  concurrency?: number;
  /** Bus retry timing (tests shorten it). */
  bus?: { initialBackoffMs?: number; maxBackoffMs?: number; concurrency?: number };
  /** Fault injection (crash tests only). */
  faults?: EngineFaults;
}

export interface LocalEngine {
  engine: Engine;
  backends: LocalBackends;
  /** Wait until no message is queued, in flight or scheduled for retry, and the log is written. */
  settle(): Promise<void>;
  close(): Promise<void>;
  /** Messages of a killed earlier process this one adopted when it opened. */
  recovered: number;
}

export async function openLocalEngine(opts: LocalEngineOptions): Promise<LocalEngine> {
  const { plan } = opts;
  // The bus redelivers past the largest retry policy only as a safety net: the runtime decides
  // terminal failures itself and dead-letters them with their reason.
  const maxAttempts = Math.max(5, ...[...plan.processors.values()].map((p) => p.retry.maxAttempts));
  const runner = processRunner();
  const backends = await openLocalBackends({
    dir: opts.dir ?? `${plan.dir}/.pipeline`,
    clock: opts.clock,
    runner,
    bus: { concurrency: opts.bus?.concurrency ?? 4, initialBackoffMs: opts.bus?.initialBackoffMs ?? 1000, maxBackoffMs: opts.bus?.maxBackoffMs ?? 60_000, maxDeliveries: maxAttempts + 1 },
  });
  await backends.warehouse.ensureTables(plan);
  const env = opts.env ?? process.env;
  const engine = new Engine({
    plan, backends, executor: opts.executor ?? new ModuleExecutor(env), concurrency: opts.concurrency, env, faults: opts.faults, runner, leaseTtlMs: leaseTtl(env),
  });
  engine.attach(backends.bus);
  // Messages a killed process left behind are delivered by this one (the DuckDB file is ours alone now).
  const recovered = await backends.bus.recover(engine.liveness);
  return {
    engine,
    backends,
    recovered,
    async settle() {
      for (;;) {
        await backends.bus.idle();
        await engine.alerts.flush();
        await engine.log.flush();
        if (backends.bus.pending() === 0) return;
      }
    },
    async close() {
      await backends.bus.idle().catch(() => undefined);
      await engine.alerts.flush();
      await engine.log.flush();
      await backends.close();
    },
  };
}
