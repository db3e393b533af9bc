// What `pipeline run` and `pipeline backfill` share around the cascade: the retry flags, the output
// flags (`--verbose` follows processor log lines, `--json` prints one summary document), repairing what
// a killed earlier run left, following the run live (failed attempts and log lines on stderr, as they
// happen) and the report at the end (text on stderr and stdout, or the JSON document alone on stdout).
import type { PendingMark } from '../core/types.js';
import type { LogEntry } from '../ports.js';
import { ModuleExecutor, type ProcessorLogListener } from '../runtime/executor.js';
import { ids } from '../runtime/keys.js';
import type { LocalEngine } from '../runtime/local.js';
import { reconcile } from '../runtime/reconciler.js';
import type { RunRecord } from '../runtime/records.js';
import { unfinishedText, unfinishedWork, type Unfinished } from '../runtime/unfinished.js';
import type { Plan } from '../spec/plan.js';
import { CommandFailed, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { withLocalEngine } from './local-engine.js';
import { cascadeSummary, type CascadeSummary, type EarlierFailure } from './render/cascade-summary.js';
import { earlierFailureLines, failureLines, liveFailureLine } from './render/failures.js';
import { processorLogLine } from './render/log-line.js';
import { retryMode, withLocalRetry } from './retry-policy.js';

export const RETRY_OPTIONS: Array<[string, string]> = [
  ['--fail-fast', 'do not retry a failing processor: its first failure is final'],
  ['--spec-retry', 'retry as the spec says (the service\'s policy); by default the CLI retries at most 3 times within seconds'],
];

export const OUTPUT_OPTIONS: Array<[string, string]> = [
  ['-v, --verbose', 'print each processor log line on stderr as it is written: `[processor partition] LEVEL message {fields}` (beside the failure lines)'],
  ['--json', 'print one JSON summary on stdout at the end and nothing else there (version 1: runs, failures with file:line, skips with reasons, unfinished work; see docs/cli-json.md); the exit code is unchanged'],
];

export interface OutputFlags {
  verbose?: boolean;
  json?: boolean;
}

export interface CascadeFlags extends OutputFlags {
  failFast?: boolean;
  specRetry?: boolean;
}

/** `--fail-fast` / `--spec-retry` applied to the plan the command runs. */
export function retryPlan(plan: Plan, opts: CascadeFlags): Plan {
  const mode = retryMode(opts);
  if (!mode) throw new UsageError('--fail-fast and --spec-retry cannot be given together', '--fail-fast (no retries) or --spec-retry (the spec\'s retry policy)');
  return withLocalRetry(plan, mode);
}

/** Before running: repair at once what a killed earlier run left for these dates (dead leases, unpublished events). */
export async function repair(local: LocalEngine, dates: string[], io: CliIO): Promise<void> {
  const r = await reconcile(local.engine, { partitions: dates });
  const fixed = r.leasesReclaimed + r.outboxRedispatched;
  if (fixed) io.err(`repaired what an earlier run left: ${r.leasesReclaimed} lease(s) of runners that are gone, ${r.outboxRedispatched} unpublished event(s)`);
}

/**
 * While the cascade runs: each failed attempt (always) and, with `--verbose`, each processor log line
 * is printed on stderr as it happens; `observe` sees every execution log entry (progress counts).
 * Returns the function that stops following.
 */
export function follow(local: LocalEngine, io: CliIO, flags: OutputFlags, observe?: (e: LogEntry) => void): () => void {
  const { engine } = local;
  const onEntry = (e: LogEntry) => {
    const line = liveFailureLine(e);
    if (line) io.err(line);
    observe?.(e);
  };
  engine.log.listeners.push(onEntry);
  const onLog: ProcessorLogListener = (run, line) => io.err(processorLogLine(run.processor.name, run.partition, line));
  const executor = flags.verbose && engine.executor instanceof ModuleExecutor ? engine.executor : undefined;
  executor?.logListeners.push(onLog);
  return () => {
    engine.log.listeners.splice(engine.log.listeners.indexOf(onEntry), 1);
    if (executor) executor.logListeners.splice(executor.logListeners.indexOf(onLog), 1);
  };
}

/**
 * With `--json`, stdout holds the document alone: a processor's `console.log` goes to stderr while
 * the command runs. Returns the function that puts the console back.
 */
export function keepStdoutForJson(flags: OutputFlags): () => void {
  if (!flags.json) return () => {};
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  return () => Object.assign(console, saved);
}

/** Failures for good left by an earlier command and not run again, with what their run records say. */
async function earlierFailures(local: LocalEngine, open: Unfinished[], entries: LogEntry[]): Promise<EarlierFailure[]> {
  const now = new Set(entries.filter((e) => e.event === 'run:failed-terminal').map((e) => `${e.processor}|${e.partition}`));
  const { state } = local.backends;
  const out: EarlierFailure[] = [];
  for (const u of open) {
    if (u.kind !== 'failed' || !u.processor || !u.partition || now.has(`${u.processor}|${u.partition}`)) continue;
    const mark = await state.get<PendingMark>('pending', ids.pending(u.processor, u.partition));
    const run = mark?.failed ? await state.get<RunRecord>('runs', mark.failed.executionId) : undefined;
    out.push({
      processor: u.processor, partition: u.partition, executionId: mark?.failed?.executionId, note: u.note,
      error: run?.error === undefined ? undefined : { type: run.errorType ?? 'Error', message: run.error.split('\n')[0]!, ...(run.errorAt ? { at: run.errorAt, stack: run.errorStack } : {}) },
    });
  }
  return out;
}

export interface CascadeEnd {
  command: CascadeSummary['command'];
  dates: string[];
  datesDone: number;
  started: number;
  entries: LogEntry[];
}

/**
 * After the cascade: the failures of this command (with where they threw), failures for good left by
 * an earlier command and not run again, and other work still open for these dates (a stuck lease, a
 * held or undelivered trigger) are named — as text on stderr, or inside the `--json` document — and
 * the command fails: a cascade that did not finish, or that left a processor failed, is not a success.
 * `text` prints the human summary on stdout first (not with `--json`). Returns whether it failed.
 */
export async function reportEnd(local: LocalEngine, end: CascadeEnd, io: CliIO, flags: OutputFlags, text: () => void): Promise<boolean> {
  const all = await unfinishedWork(local.engine, end.dates);
  const open = all.filter((u) => u.kind !== 'failed');
  if (flags.json) {
    const summary = cascadeSummary({
      command: end.command, dates: end.dates, datesDone: end.datesDone, elapsedMs: Date.now() - end.started, stateDir: local.backends.dir,
      entries: end.entries, earlier: await earlierFailures(local, all, end.entries), open,
    });
    io.out(JSON.stringify(summary, null, 2));
    return summary.exitCode !== 0;
  }
  text();
  const failed = failureLines(end.entries);
  if (failed.length) io.err(`failures:\n${failed.join('\n')}\n(see \`pipeline explain PROCESSOR --date D\`)`);
  const earlier = earlierFailureLines(all, end.entries);
  if (earlier.length) io.err(`failed for good earlier (${earlier.length}):\n${earlier.join('\n')}`);
  if (open.length) io.err(`unfinished work (${open.length}):\n${open.slice(0, 20).map(unfinishedText).join('\n')}${open.length > 20 ? `\n  … and ${open.length - 20} more` : ''}\n(see \`pipeline status --date D\`; \`pipeline reconcile\` repairs what a crash left)`);
  return failed.length + earlier.length + open.length > 0;
}

/**
 * The frame of `run` and `backfill`: stdout kept for the document with `--json`, the local engine with
 * the spec's services, what a killed earlier run left repaired, then `body` (given when it started),
 * which returns whether the command failed (exit 1).
 */
export async function cascadeCommand(io: CliIO, plan: Plan, dates: string[], flags: OutputFlags, body: (local: LocalEngine, started: number) => Promise<boolean>): Promise<void> {
  const restore = keepStdoutForJson(flags);
  try {
    await withLocalEngine(io, plan, async (local) => {
      const started = Date.now();
      await repair(local, dates, io);
      if (await body(local, started)) throw new CommandFailed('', 1);
    }, { services: true });
  } finally {
    restore();
  }
}
