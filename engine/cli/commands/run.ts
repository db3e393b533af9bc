// `pipeline run` (dates to quiescence, per-phase summary) and `pipeline backfill` (a range with
// backfill flags, N dates at a time, progress bar with ETA, resumable by fingerprint).
import { SingleBar } from 'cli-progress';
import { runCascade } from '../../runtime/cascade.js';
import type { LogEntry } from '../../ports.js';
import { parsePhase, parsePositiveInt, parseProcessor, parseRange } from '../args.js';
import { CommandFailed } from '../errors.js';
import { examples } from '../examples.js';
import { withLocalEngine } from '../local-engine.js';
import { requirePlan } from '../spec-file.js';
import { summarize } from '../render/cascade.js';
import type { Registrar } from './index.js';

function failures(entries: LogEntry[]): string[] {
  return entries.filter((e) => e.event === 'run:failed-terminal' || e.event === 'fail:stale').map((e) => `  ${e.partition} ${e.processor}: ${e.errorType ? `${e.errorType}: ${e.errorMessage}` : (e.reasons ?? []).join('; ')}`);
}

export const run: Registrar = (program, io) => {
  examples(program
    .command('run')
    .description('run the cascade for a date (or range) on the embedded default, to quiescence')
    .requiredOption('--date <date>', 'first (or only) partition, YYYY-MM-DD')
    .option('--to <date>', 'last partition of a range')
    .option('--processors <names>', 'comma-separated processors to start from (default: the first phase)')
    .option('--from-phase <phase>', 'start from every processor of this phase (name or number)')
    .option('--force', 'run the starting processors even when up to date'), io, program, (n) => [
      `pipeline run --date ${n.date}`, `pipeline run --date ${n.date} --to 2025-11-17 --from-phase ${n.phase}`, `pipeline run --date ${n.date} --processors ${n.source} --force`,
    ])
    .action(async (opts: { date: string; to?: string; processors?: string; fromPhase?: string; force?: boolean }) => {
      const dates = parseRange(opts.date, opts.to, '--date', '--to');
      // Arguments are checked before the engine opens and local services start.
      const spec = requirePlan(io, program.opts().file as string | undefined);
      const processors = opts.processors?.split(',').map((s) => parseProcessor(spec, s.trim()));
      const fromPhase = opts.fromPhase === undefined ? undefined : parsePhase(spec, opts.fromPhase, '--from-phase');
      await withLocalEngine(io, spec, async (local, plan) => {
        const started = Date.now();
        const entries = await runCascade(local, { dates, processors, fromPhase, force: opts.force, onDateDone: (d) => io.err(`  ${d} done`) });
        io.out(summarize(plan, entries));
        io.out(`${dates.length} date(s) in ${((Date.now() - started) / 1000).toFixed(1)}s; state in ${local.backends.dir}`);
        const failed = failures(entries);
        if (failed.length) {
          io.err(`failures:\n${failed.join('\n')}\n(see \`pipeline explain PROCESSOR --date D\`)`);
          throw new CommandFailed('', 1);
        }
      }, { services: true });
    });

  examples(program
    .command('backfill')
    .description('run a date range as a backfill: same code path, backfill flags on every run, resumable')
    .requiredOption('--from <date>', 'first partition')
    .requiredOption('--to <date>', 'last partition')
    .option('--stop-after <phase>', 'trigger nothing past this phase (name or number)')
    .option('--concurrency <n>', 'dates in flight at once', '1')
    .option('--reason <text>', 'backfill reason recorded on every run', 'backfill'), io, program, (n) => [
      `pipeline backfill --from 2025-10-21 --to 2025-11-14 --stop-after ${n.stopAfter}`, 'pipeline backfill --from 2025-11-01 --to 2025-11-30 --concurrency 2 --reason "late source"',
    ])
    .action(async (opts: { from: string; to: string; stopAfter?: string; concurrency: string; reason: string }) => {
      const dates = parseRange(opts.from, opts.to);
      const concurrency = parsePositiveInt(opts.concurrency, '--concurrency', 16);
      const spec = requirePlan(io, program.opts().file as string | undefined);
      const stopAfter = opts.stopAfter === undefined ? undefined : parsePhase(spec, opts.stopAfter, '--stop-after');
      await withLocalEngine(io, spec, async (local, plan) => {
        const bar = new SingleBar({ format: 'backfill [{bar}] {value}/{total} dates | ETA {eta_formatted} | {date}', noTTYOutput: true, notTTYSchedule: 5000, stream: process.stderr, hideCursor: true });
        bar.start(dates.length, 0, { date: '' });
        const entries = await runCascade(local, {
          dates, concurrency, onlyIfNotDone: true, backfill: { mode: true, reason: opts.reason, ...(stopAfter ? { stopAfter } : {}) },
          onDateDone: (d) => bar.increment({ date: d }),
        });
        bar.stop();
        io.out(summarize(plan, entries));
        const failed = failures(entries);
        if (failed.length) {
          io.err(`failures:\n${failed.join('\n')}`);
          throw new CommandFailed('', 1);
        }
      }, { services: true });
    });
};
