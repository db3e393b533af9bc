// `pipeline plan`: a dry run of the cascade an event would set in motion, with no side effects.
import { existsSync, readFileSync } from 'node:fs';
import type { Plan } from '../../spec/plan.js';
import type { CliIO } from '../io.js';
import { stateDir } from '../local-engine.js';
import { refuseWhileServing } from '../serve-record.js';
import path from 'node:path';
import { dryRun, readStateFile, StateFileError, type StateFile } from '../../runtime/dry-run.js';
import { parseDate, parsePhase } from '../args.js';
import { UsageError } from '../errors.js';
import { examples } from '../examples.js';
import { renderCascade } from '../render/cascade.js';
import { requirePlan } from '../spec-file.js';
import type { Registrar } from './registrar.js';

export const plan: Registrar = (program, io) => {
  examples(program
    .command('plan')
    .description('dry run: print the cascade an event would set in motion (no side effects)')
    .option('--event <json|file>', 'a message as it would arrive (unified, legacy scraper or GCS notification)')
    .option('--topic <topic>', 'the topic the --event arrives on (default: the first phase\'s)')
    .option('--table <table>', 'a table (or collection) updated …')
    .option('--date <date>', '… for this partition (YYYY-MM-DD)')
    .option('--state <file>', 'JSON of partitions assumed present: { "partitions": [{ "asset", "partition" | "from"/"to", "rows" }] }')
    .option('--stop-after <phase>', 'simulate a backfill that stops after this phase')
    .option('--no-local-state', 'ignore the local state (.pipeline/local.duckdb) even when it exists')
    .option('--json', 'print the decisions as JSON')
    .option('-v, --verbose', 'also print gate waits, checks and warnings'), io, program, (n) => [
      `pipeline plan --table ${n.table} --date ${n.date}`,
      `pipeline plan --table ${n.table} --date ${n.date} --state state.json --stop-after ${n.stopAfter}`,
      `pipeline plan --event event.json --topic TOPIC      # a message as it would arrive`,
    ])
    .action(async (opts: { event?: string; topic?: string; table?: string; date?: string; state?: string; stopAfter?: string; json?: boolean; verbose?: boolean; localState: boolean }) => {
      if (!opts.event && !opts.table) throw new UsageError('give an event or a table update', '--event <json|file> | --table T --date YYYY-MM-DD');
      if (opts.event && opts.table) throw new UsageError('--event and --table are exclusive', '--event <json|file> | --table T --date YYYY-MM-DD');
      if (opts.table && !opts.date) throw new UsageError('--table needs --date', '--table T --date YYYY-MM-DD');
      const date = opts.date === undefined ? undefined : parseDate(opts.date);
      const p = requirePlan(io, program.opts().file as string | undefined);
      if (opts.table && !p.assets.has(opts.table)) throw new UsageError(`unknown table ${JSON.stringify(opts.table)}`, '--table dataset.table (or objects/NAME) declared in the spec');
      const stopAfter = opts.stopAfter === undefined ? undefined : parsePhase(p, opts.stopAfter, '--stop-after');
      let state: StateFile | undefined;
      let event: unknown;
      try {
        if (opts.state) state = readStateFile(path.resolve(io.cwd, opts.state));
        if (opts.event) event = JSON.parse(opts.event.trim().startsWith('{') ? opts.event : readFileSync(path.resolve(io.cwd, opts.event), 'utf8'));
      } catch (e) {
        throw new UsageError(e instanceof StateFileError ? e.message : `--event is neither JSON nor a readable JSON file: ${(e as Error).message}`, '--event \'{"...": ...}\' or --event path/to/event.json; --state path/to/state.json');
      }
      // Without --state, the dry run starts from the real local state when there is one.
      const seed = !state && opts.localState ? await localSeed(io, p) : undefined;
      let result;
      try {
        result = await dryRun({ plan: p, table: opts.table, date, event, topic: opts.topic, state, seed: seed?.docs, now: seed ? Date.now() : undefined, backfill: stopAfter ? { mode: true, reason: 'dry-run', stopAfter } : null });
      } catch (e) {
        if (e instanceof StateFileError) throw new UsageError(e.message, '--state with assets declared in the spec');
        throw e;
      }
      if (opts.json) io.out(JSON.stringify({ start: result.start, decisions: result.entries }, null, 2));
      else {
        const what = opts.table ? `${opts.table} updated for ${date}` : `event on ${opts.topic ?? p.phases[0]!.topic}`;
        const from = state ? `state from ${opts.state}` : seed ? `the local state in ${seed.file}` : 'an empty state';
        io.out(`Dry run of ${p.name} (spec ${p.specHash}): ${what}${stopAfter ? `, backfill stopping after ${stopAfter}` : ''}, from ${from} — nothing is executed or written.\n`);
        io.out(renderCascade(p, result.entries, { verbose: opts.verbose }));
      }
    });
};

/** The local state store's documents, read once (the dry run copies them into memory). */
async function localSeed(io: CliIO, plan: Plan): Promise<{ file: string; docs: Record<string, Record<string, unknown>> } | undefined> {
  const file = path.join(stateDir(io, plan), 'local.duckdb');
  if (!existsSync(file)) return undefined;
  refuseWhileServing(stateDir(io, plan), 'plan (--no-local-state plans from an empty state)');
  try {
    // DuckDB loads only when a state file is read (a second of start-up for every other command).
    const { DuckDbStateStore, openDuckDb } = await import('../../backends/local/index.js');
    const db = await openDuckDb(file);
    try {
      return { file: path.relative(io.cwd, file) || file, docs: await new DuckDbStateStore(db).dumpAll() };
    } finally {
      await db.close();
    }
  } catch (e) {
    io.err(`note: cannot read the local state ${file} (${(e as Error).message}); planning from an empty state`);
    return undefined;
  }
}
