// `pipeline run` (dates to quiescence, per-phase summary) and `pipeline backfill` (a range with
// backfill flags, N dates at a time, progress bar with ETA, resumable by fingerprint).
import { SingleBar } from 'cli-progress';
import { runCascade } from '../../runtime/cascade.js';
import type { LogEntry } from '../../ports.js';
import { parsePhase, parsePositiveInt, parseProcessor, parseRange } from '../args.js';
import { CommandFailed, UsageError } from '../errors.js';
import { examples } from '../examples.js';
import { withLocalEngine } from '../local-engine.js';
import type { CliIO } from '../io.js';
import type { LocalEngine } from '../../runtime/local.js';
import { reconcile } from '../../runtime/reconciler.js';
import { unfinishedText, unfinishedWork } from '../../runtime/unfinished.js';
import { requirePlan } from '../spec-file.js';
import { summarize } from '../render/cascade.js';
import { earlierFailureLines, failureLines, liveFailureLine } from '../render/failures.js';
import { retryMode, withLocalRetry } from '../retry-policy.js';
import type { Plan } from '../../spec/plan.js';
import type { Registrar } from './registrar.js';

/**
 * After the cascade: the failures of this command (with where they threw), failures for good left by
 * an earlier command and not run again, and other work still open for these dates (a stuck lease, a
 * held or undelivered trigger) are named, and the command fails — a cascade that did not finish, or
 * that left a processor failed, is not a success. Returns whether anything was reported.
 */
async function reportEnd(local: LocalEngine, dates: string[], entries: LogEntry[], io: CliIO): Promise<boolean> {
  const failed = failureLines(entries);
  if (failed.length) io.err(`failures:\n${failed.join('\n')}\n(see \`pipeline explain PROCESSOR --date D\`)`);
  const all = await unfinishedWork(local.engine, dates);
  const earlier = earlierFailureLines(all, entries);
  if (earlier.length) io.err(`failed for good earlier (${earlier.length}):\n${earlier.join('\n')}`);
  const open = all.filter((u) => u.kind !== 'failed');
  if (open.length) io.err(`unfinished work (${open.length}):\n${open.slice(0, 20).map(unfinishedText).join('\n')}${open.length > 20 ? `\n  … and ${open.length - 20} more` : ''}\n(see \`pipeline status --date D\`; \`pipeline reconcile\` repairs what a crash left)`);
  return failed.length + earlier.length + open.length > 0;
}

/** `--fail-fast` / `--spec-retry` applied to the plan the command runs. */
function retryPlan(plan: Plan, opts: { failFast?: boolean; specRetry?: boolean }): Plan {
  const mode = retryMode(opts);
  if (!mode) throw new UsageError('--fail-fast and --spec-retry cannot be given together', '--fail-fast (no retries) or --spec-retry (the spec\'s retry policy)');
  return withLocalRetry(plan, mode);
}

/** Each failed attempt is printed as it happens (stderr), not only in the summary at the end. */
function reportLive(local: LocalEngine, io: CliIO): () => void {
  const listener = (e: LogEntry) => {
    const line = liveFailureLine(e);
    if (line) io.err(line);
  };
  local.engine.log.listeners.push(listener);
  return () => void local.engine.log.listeners.splice(local.engine.log.listeners.indexOf(listener), 1);
}

const RETRY_OPTIONS: Array<[string, string]> = [
  ['--fail-fast', 'do not retry a failing processor: its first failure is final'],
  ['--spec-retry', 'retry as the spec says (the service\'s policy); by default the CLI retries at most 3 times within seconds'],
];

/** Before running: repair at once what a killed earlier run left for these dates (dead leases, unpublished events). */
async function repair(local: LocalEngine, dates: string[], io: CliIO): Promise<void> {
  const r = await reconcile(local.engine, { partitions: dates });
  const fixed = r.leasesReclaimed + r.outboxRedispatched;
  if (fixed) io.err(`repaired what an earlier run left: ${r.leasesReclaimed} lease(s) of runners that are gone, ${r.outboxRedispatched} unpublished event(s)`);
}

export const run: Registrar = (program, io) => {
  examples(program
    .command('run')
    .description('run the cascade for a date (or range) on the embedded default, to quiescence')
    .requiredOption('--date <date>', 'first (or only) partition, YYYY-MM-DD')
    .option('--to <date>', 'last partition of a range')
    .option('--processors <names>', 'comma-separated processors to start from (default: the first phase)')
    .option('--from-phase <phase>', 'start from every processor of this phase (name or number)')
    .option('--force', 'run the starting processors even when up to date')
    .option(...RETRY_OPTIONS[0]!).option(...RETRY_OPTIONS[1]!), io, program, (n) => [
      `pipeline run --date ${n.date}`, `pipeline run --date ${n.date} --to 2025-11-17 --from-phase ${n.phase}`, `pipeline run --date ${n.date} --processors ${n.source} --force`,
    ])
    .action(async (opts: { date: string; to?: string; processors?: string; fromPhase?: string; force?: boolean; failFast?: boolean; specRetry?: boolean }) => {
      const dates = parseRange(opts.date, opts.to, '--date', '--to');
      // Arguments are checked before the engine opens and local services start.
      const spec = requirePlan(io, program.opts().file as string | undefined);
      const processors = opts.processors?.split(',').map((s) => parseProcessor(spec, s.trim()));
      const fromPhase = opts.fromPhase === undefined ? undefined : parsePhase(spec, opts.fromPhase, '--from-phase');
      await withLocalEngine(io, retryPlan(spec, opts), async (local, plan) => {
        const started = Date.now();
        await repair(local, dates, io);
        const stop = reportLive(local, io);
        const entries = await runCascade(local, { dates, processors, fromPhase, force: opts.force, onDateDone: (d) => io.err(`  ${d} done`) }).finally(stop);
        io.out(summarize(plan, entries));
        io.out(`${dates.length} date(s) in ${((Date.now() - started) / 1000).toFixed(1)}s; state in ${local.backends.dir}`);
        if (await reportEnd(local, dates, entries, io)) throw new CommandFailed('', 1);
      }, { services: true });
    });

  examples(program
    .command('backfill')
    .description('run a date range as a backfill: same code path, backfill flags on every run, resumable')
    .requiredOption('--from <date>', 'first partition')
    .requiredOption('--to <date>', 'last partition')
    .option('--stop-after <phase>', 'trigger nothing past this phase (name or number)')
    .option('--concurrency <n>', 'dates in flight at once', '1')
    .option('--reason <text>', 'backfill reason recorded on every run', 'backfill')
    .option(...RETRY_OPTIONS[0]!).option(...RETRY_OPTIONS[1]!), io, program, (n) => [
      `pipeline backfill --from 2025-10-21 --to 2025-11-14 --stop-after ${n.stopAfter}`, 'pipeline backfill --from 2025-11-01 --to 2025-11-30 --concurrency 2 --reason "late source"',
    ])
    .action(async (opts: { from: string; to: string; stopAfter?: string; concurrency: string; reason: string; failFast?: boolean; specRetry?: boolean }) => {
      const dates = parseRange(opts.from, opts.to);
      const concurrency = parsePositiveInt(opts.concurrency, '--concurrency', 16);
      const spec = requirePlan(io, program.opts().file as string | undefined);
      const stopAfter = opts.stopAfter === undefined ? undefined : parsePhase(spec, opts.stopAfter, '--stop-after');
      await withLocalEngine(io, retryPlan(spec, opts), async (local, plan) => {
        const bar = new SingleBar({ format: 'backfill [{bar}] {value}/{total} dates | ETA {eta_formatted} | {date}', noTTYOutput: true, notTTYSchedule: 5000, stream: process.stderr, hideCursor: true });
        await repair(local, dates, io);
        bar.start(dates.length, 0, { date: '' });
        const stop = reportLive(local, io);
        const entries = await runCascade(local, {
          dates, concurrency, onlyIfNotDone: true, backfill: { mode: true, reason: opts.reason, ...(stopAfter ? { stopAfter } : {}) },
          onDateDone: (d) => bar.increment({ date: d }),
        }).finally(stop);
        bar.stop();
        io.out(summarize(plan, entries));
        if (await reportEnd(local, dates, entries, io)) throw new CommandFailed('', 1);
      }, { services: true });
    });
};
