// How a backfill shows its progress on stderr. On a terminal: the cli-progress bar with its ETA. Piped
// or in CI (stdout not a terminal), a bar cannot redraw, so one line per date done — dates done/total,
// runs, failures, elapsed — and, while one date runs long, the same line every few seconds, so a log
// never goes quiet between the first line and the last. With `--json` nothing: the script reads the
// document at the end.
import type { LogEntry } from '../../ports.js';
import type { CliIO } from '../io.js';

export interface Progress {
  /** Counts runs and failures from the command's execution log entries. */
  observe(e: LogEntry): void;
  dateDone(date: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Dates in the command. */
  total: number;
  /** `bar` on a terminal, `lines` when stdout is not one, `none` with `--json`. */
  style: 'bar' | 'lines' | 'none';
  /** How long a date may run before the line is printed again (ms). */
  heartbeatMs?: number;
}

export const HEARTBEAT_MS = 5000;

const NONE: Progress = { observe() {}, dateDone() {}, stop() {} };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The progress line: `backfill 3/10 dates | 12 runs, 1 failed | 8.4s elapsed | 2025-01-03 done`. */
export function progressLine(s: { done: number; total: number; runs: number; failed: number; elapsedMs: number; last: string }): string {
  return `backfill ${s.done}/${s.total} dates | ${s.runs} run(s), ${s.failed} failed | ${seconds(s.elapsedMs)} elapsed | ${s.last}`;
}

function lines(io: CliIO, total: number, heartbeatMs: number): Progress {
  const started = Date.now();
  let done = 0;
  let runs = 0;
  let failed = 0;
  let printedAt = started;
  const print = (last: string) => {
    printedAt = Date.now();
    io.err(progressLine({ done, total, runs, failed, elapsedMs: printedAt - started, last }));
  };
  const timer = setInterval(() => {
    if (Date.now() - printedAt >= heartbeatMs) print('running');
  }, Math.max(1, Math.floor(heartbeatMs / 5)));
  timer.unref();
  return {
    observe(e) {
      if (e.event === 'run:started') runs++;
      else if (e.event === 'run:failed-terminal' || e.event === 'fail:stale') failed++;
    },
    dateDone(date) {
      done++;
      print(`${date} done`);
    },
    stop: () => clearInterval(timer),
  };
}

async function bar(total: number): Promise<Progress> {
  // Loaded here: only a backfill on a terminal draws a bar, and every command pays for what the CLI
  // entry imports statically.
  const { SingleBar } = await import('cli-progress');
  const b = new SingleBar({ format: 'backfill [{bar}] {value}/{total} dates | ETA {eta_formatted} | {date}', stream: process.stderr, hideCursor: true });
  b.start(total, 0, { date: '' });
  return { observe() {}, dateDone: (date) => b.increment({ date }), stop: () => b.stop() };
}

export async function startProgress(io: CliIO, opts: ProgressOptions): Promise<Progress> {
  if (opts.style === 'none') return NONE;
  return opts.style === 'bar' ? bar(opts.total) : lines(io, opts.total, opts.heartbeatMs ?? HEARTBEAT_MS);
}
