// `pipeline run` (dates to quiescence, per-phase summary) and `pipeline backfill` (a range with
// backfill flags, N dates at a time, progress bar with ETA — or a line per date when piped —,
// resumable by fingerprint). Both take `--verbose` and `--json` (cascade-command.ts).
import { runCascade } from '../../runtime/cascade.js';
import { parsePhase, parsePositiveInt, parseProcessor, parseRange } from '../args.js';
import { cascadeCommand, follow, OUTPUT_OPTIONS, reportEnd, RETRY_OPTIONS, retryPlan, type CascadeFlags } from '../cascade-command.js';
import { examples } from '../examples.js';
import { requirePlan } from '../spec-file.js';
import { summarize } from '../render/cascade.js';
import { startProgress } from '../render/progress.js';
import type { Registrar } from './registrar.js';

export const run: Registrar = (program, io) => {
  examples(program
    .command('run')
    .description('run the cascade for a date (or range) on the embedded default, to quiescence')
    .requiredOption('--date <date>', 'first (or only) partition, YYYY-MM-DD')
    .option('--to <date>', 'last partition of a range')
    .option('--processors <names>', 'comma-separated processors to start from (default: the first phase)')
    .option('--from-phase <phase>', 'start from every processor of this phase (name or number)')
    .option('--force', 'run the starting processors even when up to date')
    .option(...RETRY_OPTIONS[0]!).option(...RETRY_OPTIONS[1]!)
    .option(...OUTPUT_OPTIONS[0]!).option(...OUTPUT_OPTIONS[1]!), io, program, (n) => [
      `pipeline run --date ${n.date}`, `pipeline run --date ${n.date} --to 2025-11-17 --from-phase ${n.phase}`, `pipeline run --date ${n.date} --processors ${n.source} --force`,
      `pipeline run --date ${n.date} --verbose`, `pipeline run --date ${n.date} --json > summary.json`,
    ])
    .action(async (opts: CascadeFlags & { date: string; to?: string; processors?: string; fromPhase?: string; force?: boolean }) => {
      const dates = parseRange(opts.date, opts.to, '--date', '--to');
      // Arguments are checked before the engine opens and local services start.
      const spec = requirePlan(io, program.opts().file as string | undefined);
      const processors = opts.processors?.split(',').map((s) => parseProcessor(spec, s.trim()));
      const fromPhase = opts.fromPhase === undefined ? undefined : parsePhase(spec, opts.fromPhase, '--from-phase');
      const plan = retryPlan(spec, opts);
      await cascadeCommand(io, plan, dates, opts, async (local, started) => {
        let done = 0;
        const stop = follow(local, io, opts);
        const entries = await runCascade(local, {
          dates, processors, fromPhase, force: opts.force,
          onDateDone: (d) => {
            done++;
            if (!opts.json) io.err(`  ${d} done`);
          },
        }).finally(stop);
        return reportEnd(local, { command: 'run', dates, datesDone: done, started, entries }, io, opts, () => {
          io.out(summarize(plan, entries));
          io.out(`${dates.length} date(s) in ${((Date.now() - started) / 1000).toFixed(1)}s; state in ${local.backends.dir}`);
        });
      });
    });

  examples(program
    .command('backfill')
    .description('run a date range as a backfill: same code path, backfill flags on every run, resumable')
    .requiredOption('--from <date>', 'first partition')
    .requiredOption('--to <date>', 'last partition')
    .option('--stop-after <phase>', 'trigger nothing past this phase (name or number)')
    .option('--concurrency <n>', 'dates in flight at once', '1')
    .option('--reason <text>', 'backfill reason recorded on every run', 'backfill')
    .option(...RETRY_OPTIONS[0]!).option(...RETRY_OPTIONS[1]!)
    .option(...OUTPUT_OPTIONS[0]!).option(...OUTPUT_OPTIONS[1]!), io, program, (n) => [
      `pipeline backfill --from 2025-10-21 --to 2025-11-14 --stop-after ${n.stopAfter}`, 'pipeline backfill --from 2025-11-01 --to 2025-11-30 --concurrency 2 --reason "late source"',
      'pipeline backfill --from 2025-11-01 --to 2025-11-07 --json | jq .failures',
    ])
    .action(async (opts: CascadeFlags & { from: string; to: string; stopAfter?: string; concurrency: string; reason: string }) => {
      const dates = parseRange(opts.from, opts.to);
      const concurrency = parsePositiveInt(opts.concurrency, '--concurrency', 16);
      const spec = requirePlan(io, program.opts().file as string | undefined);
      const stopAfter = opts.stopAfter === undefined ? undefined : parsePhase(spec, opts.stopAfter, '--stop-after');
      const plan = retryPlan(spec, opts);
      await cascadeCommand(io, plan, dates, opts, async (local, started) => {
        let done = 0;
        const progress = await startProgress(io, { total: dates.length, style: opts.json ? 'none' : io.interactive ? 'bar' : 'lines' });
        const stop = follow(local, io, opts, (e) => progress.observe(e));
        const entries = await runCascade(local, {
          dates, concurrency, onlyIfNotDone: true, backfill: { mode: true, reason: opts.reason, ...(stopAfter ? { stopAfter } : {}) },
          onDateDone: (d) => {
            done++;
            progress.dateDone(d);
          },
        }).finally(() => {
          stop();
          progress.stop();
        });
        return reportEnd(local, { command: 'backfill', dates, datesDone: done, started, entries }, io, opts, () => io.out(summarize(plan, entries)));
      });
    });
};
