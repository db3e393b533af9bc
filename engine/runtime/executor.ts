// Executes one run: loads the processor module (cached), runs it with a context and a timeout, and
// returns what it produced, checked. A simulated executor (dry runs) produces nothing and lets the
// engine record a new version of each output, with unknown contents.
import { importUserModule } from './user-modules.js';
import type { Backends, Row } from '../ports.js';
import { formatDuration } from '../spec/duration.js';
import { moduleFile } from '../spec/modules.js';
import type { Plan } from '../spec/plan.js';
import { buildContext, type RunInfo } from './context.js';
import { attachLogs, type RunLogLine } from './error-location.js';
import { isDefinedProcessor, NonRetryableError, RunTimeoutError, type DefinedProcessor } from './processor.js';
import { checkRows, keyOf } from './rows.js';

export interface RunOutput {
  simulated: boolean;
  /** Checked rows for a table output (undefined: the processor wrote no rows at all). */
  rows?: Row[];
  /** Rows in the output partition after the engine wrote them (set by the runner). */
  partitionRows?: number;
  written: Map<string, Map<string, string>>;
  logs: Array<{ level: string; message: string; detail?: Record<string, unknown> }>;
}

export interface Executor {
  execute(plan: Plan, backends: Backends, run: RunInfo): Promise<RunOutput>;
}

export class ModuleLoadError extends NonRetryableError {
  override name = 'ModuleLoadError';
}

/** Sees each processor log line as it is written, with the run that wrote it. */
export type ProcessorLogListener = (run: RunInfo, line: RunLogLine) => void;

export class ModuleExecutor implements Executor {
  private readonly cache = new Map<string, Promise<DefinedProcessor>>();
  /** Who follows log lines live (the CLI's `--verbose`); the run's record keeps them either way. */
  readonly logListeners: ProcessorLogListener[] = [];

  constructor(private readonly env: Record<string, string | undefined> = process.env, private readonly overrides: Record<string, DefinedProcessor> = {}) {}

  load(plan: Plan, name: string): Promise<DefinedProcessor> {
    const override = this.overrides[name];
    if (override) return Promise.resolve(override);
    const p = plan.processors.get(name)!;
    const file = moduleFile(plan.dir, p.module);
    let hit = this.cache.get(file);
    if (!hit) {
      hit = importUserModule(file).then(
        (m) => {
          if (!isDefinedProcessor(m.default)) throw new ModuleLoadError(`${p.module} must default-export defineProcessor('${name}', { run })`);
          if (m.default.name !== name) throw new ModuleLoadError(`${p.module} defines processor '${m.default.name}', but the spec maps it to '${name}'`);
          return m.default;
        },
        (e: Error) => {
          throw new ModuleLoadError(`cannot load ${p.module} for processor ${name}: ${e.message}`);
        },
      );
      this.cache.set(file, hit);
      hit.catch(() => this.cache.delete(file));
    }
    return hit;
  }

  async execute(plan: Plan, backends: Backends, run: RunInfo): Promise<RunOutput> {
    const def = await this.load(plan, run.processor.name);
    const { ctx, collected } = buildContext(plan, backends, run, this.env, (line) => {
      // A follower that throws never fails the run it watches.
      for (const l of this.logListeners) try { l(run, line); } catch { /* the record keeps the line */ }
    });
    const p = run.processor;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RunTimeoutError(`${p.name} exceeded its timeout of ${formatDuration(p.timeoutMs)}`)), p.timeoutMs);
    });
    const aborted = new Promise<never>((_, reject) => run.signal.addEventListener('abort', () => reject(run.signal.reason ?? new Error('aborted')), { once: true }));
    try {
      await Promise.race([Promise.resolve().then(() => def.run(ctx)), timeout, aborted]);
    } catch (err) {
      attachLogs(err, collected.logs);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    let rows: Row[] | undefined;
    if (p.table && collected.wroteRows) {
      const table = plan.assets.get(p.table);
      if (table?.kind === 'table') {
        // Last row wins per key, so one run never upserts a key twice.
        const byKey = new Map<string, Row>();
        for (const r of checkRows(table, plan.partition.key, run.partition, collected.rows)) byKey.set(keyOf(table, r), r);
        rows = [...byKey.values()];
      }
    }
    return { simulated: false, rows, written: collected.written, logs: collected.logs };
  }
}

/** Dry runs: nothing executes; every output gets a new version with unknown contents. */
export class SimulatedExecutor implements Executor {
  async execute(): Promise<RunOutput> {
    return { simulated: true, written: new Map(), logs: [] };
  }
}
