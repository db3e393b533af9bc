// Running work to quiescence: `pipeline run` (dates, optionally some processors or from a phase) and
// `pipeline backfill` (a date range with backfill flags, N dates at a time, resumable) both publish
// run requests for their starting processors and let the event path do the rest.
import type { BackfillFlags } from '../core/types.js';
import type { LogEntry } from '../ports.js';
import type { Plan } from '../spec/plan.js';
import { mapLimit } from './engine.js';
import type { LocalEngine } from './local.js';

export interface CascadeRequest {
  dates: string[];
  /** Start from these processors (default: every processor of the first phase, or of `fromPhase`). */
  processors?: string[];
  fromPhase?: string;
  backfill?: BackfillFlags | null;
  /** Skip starting processors already done for their inputs (resumable backfills). */
  onlyIfNotDone?: boolean;
  force?: boolean;
  /** Dates in flight at once. */
  concurrency?: number;
  onDateDone?: (date: string, index: number) => void;
}

export function startingProcessors(plan: Plan, req: Pick<CascadeRequest, 'processors' | 'fromPhase'>): string[] {
  if (req.processors?.length) return req.processors;
  const phase = req.fromPhase ?? plan.phases[0]!.name;
  return plan.order.filter((n) => plan.processors.get(n)!.phase === phase);
}

/** Runs the cascade for each date and returns the log entries it produced. */
export async function runCascade(local: LocalEngine, req: CascadeRequest): Promise<LogEntry[]> {
  const { engine } = local;
  const entries: LogEntry[] = [];
  const listener = (e: LogEntry) => void entries.push(e);
  engine.log.listeners.push(listener);
  try {
    const starts = startingProcessors(engine.plan, req);
    const concurrency = req.concurrency ?? 1;
    let done = 0;
    const runDate = async (date: string) => {
      for (const processor of starts) {
        const r = engine.request(processor, date, { reason: 'manual', source: req.backfill ? 'backfill' : 'cli', backfill: req.backfill ?? null, onlyIfNotDone: req.onlyIfNotDone, force: req.force });
        await engine.publishRequest(r);
      }
      if (concurrency > 1) await local.settle();
    };
    if (concurrency <= 1) {
      for (const d of req.dates) {
        await runDate(d);
        await local.settle();
        req.onDateDone?.(d, done++);
      }
    } else {
      await mapLimit(req.dates, concurrency, async (d) => {
        await runDate(d);
        req.onDateDone?.(d, done++);
      });
    }
    await local.settle();
    return entries;
  } finally {
    engine.log.listeners.splice(engine.log.listeners.indexOf(listener), 1);
  }
}
