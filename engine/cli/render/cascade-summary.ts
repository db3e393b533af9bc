// `pipeline run --json` and `pipeline backfill --json`: the one JSON document a script reads on stdout
// when the command ends — what ran (one entry per execution, i.e. per attempt), what failed and where
// it threw, what was skipped and why, and what is left unfinished. Built from the command's execution
// log entries and the end state it found; the exit code is the command's own (1 when anything failed
// or is left open), so a script may read either.
import type { LogEntry } from '../../ports.js';
import type { ErrorLocation } from '../../runtime/error-location.js';
import type { Unfinished } from '../../runtime/unfinished.js';

/** Bumped when a field changes meaning or goes away; new fields may appear without a bump. */
export const CASCADE_SUMMARY_VERSION = 1;

export interface CascadeSummary {
  version: typeof CASCADE_SUMMARY_VERSION;
  command: 'run' | 'backfill';
  /** The partitions the command covered, and how many it finished. */
  dates: { from: string; to: string; total: number; done: number };
  /** The command's exit code: 1 when a processor ended failed (now or earlier) or work is left unfinished. */
  exitCode: 0 | 1;
  elapsedMs: number;
  /** The local state folder. */
  stateDir: string;
  counts: {
    /** Executions started: each attempt is one. */
    started: number;
    succeeded: number;
    /** Attempts that failed and were retried. */
    retried: number;
    /** Processor-partitions that failed for good in this command. */
    failed: number;
    /** Decisions `fail:stale`: an input older than its freshness limit. */
    stale: number;
    /** Executions whose lease another runner took: their output was discarded. */
    fenced: number;
    interrupted: number;
    skipped: number;
    gateFires: number;
  };
  /** Skip decisions by kind, e.g. `{ "skip:duplicate": 3 }`. */
  skippedBy: Record<string, number>;
  runs: CascadeRun[];
  failures: CascadeFailure[];
  skips: CascadeSkip[];
  /** Work still open when the command ended (a stuck lease, a held or undelivered trigger …). */
  unfinished: Array<Pick<Unfinished, 'partition' | 'processor' | 'kind' | 'note'>>;
}

export interface CascadeRun {
  executionId: string;
  processor: string;
  partition: string;
  phase?: string;
  /** `all`, or the entities a scoped run covered. */
  scope?: string;
  attempt: number;
  /** `retried`: this attempt failed and another follows; `failed`: for good; `running`: no end was recorded. */
  outcome: 'succeeded' | 'retried' | 'failed' | 'fenced' | 'interrupted' | 'running';
  /** Rows the run wrote (table outputs). */
  rows?: number;
  durationMs?: number;
  backfill: boolean;
  error?: CascadeError;
}

export interface CascadeError {
  type: string;
  /** The message's first line. */
  message: string;
  /** `processors/x.ts:12:5`: where it threw in the pipeline's own code. */
  at?: string;
  /** The pipeline's frames, innermost first. */
  stack?: string[];
}

export interface CascadeFailure {
  processor: string;
  partition: string;
  /** `failed`: for good in this command; `stale`: stale inputs; `earlier`: failed for good before this command and not run again. */
  kind: 'failed' | 'stale' | 'earlier';
  executionId?: string;
  attempts?: number;
  error?: CascadeError;
  /** Why (stale inputs), as `explain` words it. */
  reasons?: string[];
  /** The command that runs it again once fixed. */
  retry: string;
}

export interface CascadeSkip {
  processor: string;
  partition: string;
  phase?: string;
  /** `skip:duplicate`, `skip:not-ready`, `skip:terminal`, `rerun-requested` … */
  decision: string;
  reasons: string[];
}

/** A failure left by an earlier command, with what its run record says. */
export interface EarlierFailure {
  processor: string;
  partition: string;
  executionId?: string;
  error?: CascadeError;
  note: string;
}

export interface CascadeSummaryInput {
  command: CascadeSummary['command'];
  dates: string[];
  datesDone: number;
  elapsedMs: number;
  stateDir: string;
  entries: LogEntry[];
  earlier: EarlierFailure[];
  open: Unfinished[];
}

const firstLine = (s: string | undefined) => (s ?? '').split('\n')[0]!;

export function entryErrorOf(e: LogEntry): CascadeError | undefined {
  if (!e.errorType && !e.errorMessage) return undefined;
  const where = (e.detail as { error?: ErrorLocation } | undefined)?.error;
  return { type: e.errorType ?? 'Error', message: firstLine(e.errorMessage), ...(where?.at ? { at: where.at, stack: where.stack } : {}) };
}

export const retryCommand = (processor: string, partition: string) => `pipeline run --date ${partition} --processors ${processor} --force`;

const isSkip = (event: string) => event.startsWith('skip:') || event === 'rerun-requested';

const END: Record<string, CascadeRun['outcome']> = {
  'run:succeeded': 'succeeded', 'run:failed': 'retried', 'run:failed-terminal': 'failed', 'run:fenced': 'fenced', 'run:interrupted': 'interrupted',
};

function runsOf(entries: LogEntry[]): CascadeRun[] {
  const runs = new Map<string, CascadeRun>();
  for (const e of entries) {
    if (!e.executionId || !e.processor || !e.partition) continue;
    const outcome = END[e.event];
    if (e.event !== 'run:started' && !outcome) continue;
    let r = runs.get(e.executionId);
    if (!r) {
      r = { executionId: e.executionId, processor: e.processor, partition: e.partition, phase: e.phase, scope: e.scope, attempt: e.attempt ?? 1, outcome: 'running', backfill: !!e.backfill };
      runs.set(e.executionId, r);
    }
    if (!outcome) continue;
    r.outcome = outcome;
    if (e.attempt) r.attempt = e.attempt;
    if (e.rowsWritten !== undefined) r.rows = e.rowsWritten;
    if (e.durationMs !== undefined) r.durationMs = e.durationMs;
    const error = entryErrorOf(e);
    if (error) r.error = error;
  }
  return [...runs.values()];
}

export function cascadeSummary(input: CascadeSummaryInput): CascadeSummary {
  const { entries } = input;
  const runs = runsOf(entries);
  const failures: CascadeFailure[] = [];
  const skips: CascadeSkip[] = [];
  const skippedBy: Record<string, number> = {};
  let gateFires = 0;
  for (const e of entries) {
    if (e.event === 'gate:fired' || e.event === 'gate:fired-degraded') gateFires++;
    if (!e.processor || !e.partition) continue;
    if (e.event === 'run:failed-terminal') {
      failures.push({ processor: e.processor, partition: e.partition, kind: 'failed', executionId: e.executionId, attempts: e.attempt ?? 1, error: entryErrorOf(e), retry: retryCommand(e.processor, e.partition) });
    } else if (e.event === 'fail:stale') {
      failures.push({ processor: e.processor, partition: e.partition, kind: 'stale', reasons: e.reasons ?? [], retry: retryCommand(e.processor, e.partition) });
    } else if (isSkip(e.event)) {
      skips.push({ processor: e.processor, partition: e.partition, phase: e.phase, decision: e.event, reasons: e.reasons ?? [] });
      skippedBy[e.event] = (skippedBy[e.event] ?? 0) + 1;
    }
  }
  for (const f of input.earlier) {
    failures.push({ processor: f.processor, partition: f.partition, kind: 'earlier', executionId: f.executionId, error: f.error, reasons: f.error ? undefined : [f.note], retry: retryCommand(f.processor, f.partition) });
  }
  const count = (o: CascadeRun['outcome']) => runs.filter((r) => r.outcome === o).length;
  const open = input.open.map(({ partition, processor, kind, note }) => ({ partition, processor, kind, note }));
  return {
    version: CASCADE_SUMMARY_VERSION,
    command: input.command,
    dates: { from: input.dates[0]!, to: input.dates[input.dates.length - 1]!, total: input.dates.length, done: input.datesDone },
    exitCode: failures.length + open.length > 0 ? 1 : 0,
    elapsedMs: input.elapsedMs,
    stateDir: input.stateDir,
    counts: {
      started: runs.length, succeeded: count('succeeded'), retried: count('retried'), failed: count('failed'),
      stale: failures.filter((f) => f.kind === 'stale').length, fenced: count('fenced'), interrupted: count('interrupted'),
      skipped: skips.length, gateFires,
    },
    skippedBy,
    runs,
    failures,
    skips,
    unfinished: open,
  };
}
