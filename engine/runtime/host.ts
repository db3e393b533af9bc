// What the runtime's steps need from the engine that runs them. The Engine class implements it; the
// steps (claim, run, completion, settle, gates, fan-out, reconciler) depend on this interface only,
// so the runtime's files depend one way (engine → steps → host), with no import cycle.
import type { RunnerId, RunRequested } from '../core/types.js';
import type { Backends, LogEntry } from '../ports.js';
import type { Plan } from '../spec/plan.js';
import type { AlertRouter } from './alerts.js';
import type { Executor } from './executor.js';
import type { EngineFaults } from './faults.js';
import type { InFlightRuns } from './in-flight.js';
import type { LogBuffer } from './log-buffer.js';
import type { OutboxEntry } from './outbox.js';
import type { Liveness } from './runner.js';

export interface EngineHost {
  readonly plan: Plan;
  readonly backends: Backends;
  readonly executor: Executor;
  readonly log: LogBuffer;
  readonly alerts: AlertRouter;
  readonly dryRun: boolean;
  readonly faults: EngineFaults | undefined;
  /** The process this engine runs in: every lease it takes names it. */
  readonly runner: RunnerId;
  /** Whether another lease holder is still alive (see runner.ts). */
  readonly liveness: Liveness;
  /** How long a lease lives without a heartbeat; the heartbeat renews it every third of that. */
  readonly leaseTtlMs: number;
  /** The runs executing in this process (interrupted on shutdown, see interrupt.ts). */
  readonly runs: InFlightRuns;
  now(): number;
  newId(): string;
  record(e: Omit<LogEntry, 'ts' | 'specHash'> & { ts?: number }): void;
  /** Publish outbox entries written by a committed transaction, then delete them. */
  dispatch(entries: OutboxEntry[]): Promise<void>;
  /** A run request as the CLI, schedules and the service make it. */
  request(processor: string, partition: string, opts?: Partial<Omit<RunRequested, 'type' | 'processor' | 'partition'>>): RunRequested;
}
