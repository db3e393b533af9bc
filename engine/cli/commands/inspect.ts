// `pipeline explain`, `pipeline trace`, `pipeline status`: why did (or didn't) something happen.
import { explain, status, trace, type TraceNode } from '../../runtime/inspect.js';
import type { LogEntry } from '../../ports.js';
import { parseDate, parseProcessor } from '../args.js';
import { CommandFailed } from '../errors.js';
import { examples } from '../examples.js';
import { withLocalEngine } from '../local-engine.js';
import { entryError } from '../render/failures.js';
import type { Registrar } from './registrar.js';

const t = (ms?: number) => (ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const dur = (a?: number, b?: number) => (a === undefined || b === undefined ? '' : ` ${((b - a) / 1000).toFixed(2)}s`);

function inputsText(e: LogEntry): string[] {
  const inputs = (e.inputs ?? []) as Array<{ asset: string; partitions: string[]; versions: Record<string, number>; rows: number; status: string; critical: boolean }>;
  return inputs.map((i) => `      ${i.critical ? 'critical' : 'optional'} ${i.asset} ${i.partitions.join('..')}: ${i.status}, ${Object.keys(i.versions).length} partition(s) ${Object.entries(i.versions).slice(-3).map(([d, v]) => `${d}=v${v}`).join(' ')}${Object.keys(i.versions).length > 3 ? ' …' : ''}, ${i.rows} rows`);
}

/** A failure's stack (the pipeline's frames) and the log lines the run wrote, under its entry. */
function detailText(e: LogEntry): string[] {
  const d = (e.detail ?? {}) as { error?: { stack?: string[] }; logs?: Array<{ level: string; message: string; detail?: unknown }> };
  const stack = (d.error?.stack ?? []).slice(1).map((f) => `        at ${f}`);
  const logs = (d.logs ?? []).map((l) => `      log ${l.level} ${l.message}${l.detail ? ` ${JSON.stringify(l.detail)}` : ''}`);
  return [...stack, ...logs];
}

export const inspect: Registrar = (program, io) => {
  examples(program
    .command('explain')
    .description('every decision about a processor for a partition, in order, with reasons and the inputs seen')
    .argument('<processor>', 'processor name')
    .requiredOption('--date <date>', 'partition, YYYY-MM-DD')
    .option('--json', 'print the log entries as JSON'), io, program, (n) => [`pipeline explain ${n.processor} --date ${n.date}`, `pipeline explain ${n.processor} --date ${n.date} --json`])
    .action(async (name: string, opts: { date: string; json?: boolean }) => {
      const date = parseDate(opts.date);
      await withLocalEngine(io, program.opts().file as string | undefined, async (local, plan) => {
        const processor = parseProcessor(plan, name);
        const entries = await explain(local.engine, processor, date);
        if (opts.json) return io.out(JSON.stringify(entries, null, 2));
        if (!entries.length) return io.out(`${processor} has no decisions for ${date}: nothing triggered it yet (its triggers: ${plan.processors.get(processor)!.triggers.join(', ') || 'none — fired by a gate, stage, schedule or run'}).`);
        io.out(`${processor} for ${date}:`);
        for (const e of entries) {
          io.out(`  ${t(e.ts)}  ${e.event}${e.scope && e.scope !== 'all' ? ` [${e.scope}]` : ''}${e.executionId ? `  (${e.executionId})` : ''}`);
          for (const r of e.reasons ?? []) io.out(`      ${r}`);
          if (e.errorMessage) io.out(`      ${entryError(e)}`);
          for (const l of detailText(e)) io.out(l);
          if (e.event !== 'run:succeeded') for (const l of inputsText(e)) io.out(l);
        }
      });
    });

  program
    .command('trace')
    .description('the lineage of a run back to its source runs (execution id), or every run of a correlation id')
    .argument('<id>', 'an execution id or a correlation id')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  $ pipeline trace 5f0c…      # an execution id from `pipeline explain`\n  $ pipeline trace 5f0c… --json')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withLocalEngine(io, program.opts().file as string | undefined, async (local) => {
        const r = await trace(local.engine, id);
        if (opts.json) return io.out(JSON.stringify(r, null, 2));
        if (r.kind === 'none') {
          io.err(`no run or correlation id ${id}`);
          throw new CommandFailed('', 1);
        }
        if (r.kind === 'correlation') {
          io.out(`correlation ${r.correlationId}: ${r.runs.length} run(s)`);
          for (const run of r.runs) io.out(`  ${t(run.startedAt)} ${run.status.padEnd(9)} ${run.processor} ${run.partition} [${run.scope}]${dur(run.startedAt, run.finishedAt)}  ${run.executionId}${run.parents.length ? `  ← ${run.parents.length} parent(s)` : '  (source)'}`);
          return;
        }
        const lines: string[] = [];
        const walk = (n: TraceNode, depth: number) => {
          const run = n.run;
          lines.push(`${'  '.repeat(depth)}${depth ? '└ ' : ''}${run.processor} ${run.partition} [${run.scope}] ${run.status}${dur(run.startedAt, run.finishedAt)} at ${t(run.startedAt)}  ${run.executionId}${run.error ? `  ${run.errorType}: ${run.error}` : ''}`);
          for (const p of n.parents) walk(p, depth + 1);
          for (const m of n.missing) lines.push(`${'  '.repeat(depth + 1)}└ ${m} (not a run: an external update)`);
        };
        walk(r.root, 0);
        io.out(`lineage of ${id} (correlation ${r.root.run.correlationId}):`);
        io.out(lines.join('\n'));
      });
    });

  examples(program
    .command('status')
    .description('per phase and processor: state, rows, last run, warnings; stuck leases and gates past their deadline')
    .requiredOption('--date <date>', 'partition, YYYY-MM-DD')
    .option('--json', 'print as JSON'), io, program, (n) => [`pipeline status --date ${n.date}`, `pipeline status --date ${n.date} --json`])
    .action(async (opts: { date: string; json?: boolean }) => {
      const date = parseDate(opts.date);
      await withLocalEngine(io, program.opts().file as string | undefined, async (local, plan) => {
        const s = await status(local.engine, date);
        if (opts.json) return io.out(JSON.stringify(s, null, 2));
        io.out(`status of ${plan.name} for ${date}`);
        for (const ph of plan.phases) {
          io.out(`\n${ph.number}. ${ph.name}`);
          for (const p of s.processors.filter((x) => x.phase === ph.name))
            io.out(`  ${p.processor.padEnd(34)} ${p.state.padEnd(10)} ${String(p.rows ?? '-').padStart(7)} rows  v${p.version ?? '-'}  last ${t(p.lastRun?.startedAt)}  ${p.note}${p.warnings.length ? `  (${p.warnings.length} warning(s))` : ''}`);
        }
        if (s.gates.length) io.out('\ngates');
        for (const g of s.gates) io.out(`  ${g.gate.padEnd(34)} ${g.state.padEnd(10)} ${g.note}`);
        if (s.stuck) {
          io.err(`${s.stuck} stuck item(s): run \`pipeline reconcile\``);
          throw new CommandFailed('', 1);
        }
      });
    });
};
