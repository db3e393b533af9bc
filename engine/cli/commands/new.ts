// `pipeline new processor NAME --phase P --reads T[,T…] --writes T` and `pipeline new pipeline DIR`:
// scaffolds that leave the spec valid, the code typed and the generated files current — then say
// what to edit next. The spec keeps its comments and layout (engine/scaffold/spec-edit.ts).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { regenerateCommand, runCodegen } from '../../../codegen/main.js';
import { scaffoldPipeline } from '../../scaffold/new-pipeline.js';
import { ScaffoldError, scaffoldProcessor, type NewProcessorRequest } from '../../scaffold/new-processor.js';
import { SpecEditError } from '../../scaffold/spec-edit.js';
import { hasErrors, renderDiagnostics } from '../../spec/diagnostics.js';
import { loadPlan } from '../../spec/index.js';
import { CommandFailed, UsageError } from '../errors.js';
import { examples } from '../examples.js';
import type { CliIO } from '../io.js';
import { requirePlan, specPath } from '../spec-file.js';
import type { Registrar } from './registrar.js';

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));

/** Codegen of one spec, quietly: its summary line, or its errors and exit 1. */
function codegenOf(io: CliIO, file: string): string {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCodegen([path.relative(io.cwd, file) || file], { out: (t) => void out.push(t), err: (t) => void err.push(t) }, io.cwd);
  if (code) {
    for (const l of err) io.err(l);
    throw new CommandFailed('codegen failed (above); the scaffolded files are in place', 1);
  }
  return out.at(-1) ?? '';
}

function shown(io: CliIO, p: string): string {
  return path.relative(io.cwd, p) || p;
}

function newProcessor(io: CliIO, file: string | undefined, name: string, o: Record<string, string | undefined>): void {
  const plan = requirePlan(io, file);
  const spec = specPath(io, file);
  if (o.reads === undefined) throw new UsageError('--reads is required', '--reads dataset.table[,dataset.table…]');
  if (o.writes === undefined) throw new UsageError('--writes is required', '--writes dataset.table');
  const req: NewProcessorRequest = { name, phase: o.phase!, reads: list(o.reads)!, writes: o.writes, optional: list(o.optional), triggers: list(o.trigger), scope: o.scope, description: o.description };
  const original = readFileSync(spec, 'utf8');
  let result;
  try {
    result = scaffoldProcessor(plan, spec, req, '2025-01-15');
  } catch (e) {
    if (e instanceof ScaffoldError) throw new UsageError(e.message, e.usage);
    if (e instanceof SpecEditError) throw new CommandFailed(`cannot add ${name} to ${shown(io, spec)}: ${e.message}`, 1);
    throw e;
  }
  const d = result.draft;
  // The scaffold must leave a valid spec; if not, undo it all rather than leave a broken pipeline.
  const check = loadPlan(spec, { displayName: shown(io, spec), checkModules: true });
  if (!check.plan || hasErrors(check.diagnostics)) {
    writeFileSync(spec, original);
    for (const f of result.written.slice(1)) rmSync(path.join(plan.dir, f), { force: true });
    io.err(renderDiagnostics(check.diagnostics, { sources: check.text ? { [shown(io, spec)]: check.text } : {} }));
    throw new CommandFailed(`the scaffolded spec was invalid (above, an engine bug: please report it); ${shown(io, spec)} is restored`, 1);
  }
  const generated = codegenOf(io, spec);
  const at = (p: string) => shown(io, path.join(plan.dir, p));
  const line = (ref: string) => {
    const a = check.plan!.assets.get(ref);
    return a ? `${shown(io, spec)}:${a.source.line}` : shown(io, spec);
  };
  io.out(`added processor ${d.name} to ${shown(io, spec)} (phase ${d.phase}; reads ${d.reads.join(', ')}; writes ${d.writes}${d.newTable ? ', a new table with starter columns' : ''})`);
  io.out(`wrote ${at(d.module)} and ${at(result.testFile)}`);
  io.out(generated);
  io.out('next:');
  io.out(`  1. edit ${at(d.module)}: what ${d.name} computes${d.newTable ? `; and the columns of ${d.writes} (${line(d.writes)}), which are starters` : ''}`);
  io.out(`  2. after any change to ${shown(io, spec)}: ${regenerate(io, spec)} — the typed reads and rows come from it (tsc fails until it ran)`);
  io.out(`  3. node --import tsx --test ${at(result.testFile)}`);
  io.out(`  4. npx pipeline${file ? ` -f ${file}` : ''} plan --table ${d.reads[0]} --date 2025-01-15     # a dry run: what an update of its input sets in motion`);
  io.out(`  5. npx pipeline${file ? ` -f ${file}` : ''} run --date 2025-01-15`);
}

function regenerate(io: CliIO, spec: string): string {
  return regenerateCommand({ file: spec, root: path.dirname(spec) }, io.cwd);
}

function newPipeline(io: CliIO, dir: string): void {
  let r;
  try {
    r = scaffoldPipeline(path.resolve(io.cwd, dir), dir);
  } catch (e) {
    if (e instanceof ScaffoldError) throw new UsageError(e.message, e.usage);
    throw e;
  }
  const spec = path.join(r.dir, 'pipeline.yaml');
  const generated = codegenOf(io, spec);
  const f = shown(io, spec);
  io.out(`created pipeline ${r.name} in ${shown(io, r.dir)}: a spec, a sample source, a source and a processor, a test, and node_modules/pipeline linking this engine (as npm install does)`);
  io.out(generated);
  io.out('next:');
  io.out(`  npx pipeline -f ${f} validate`);
  io.out(`  npx pipeline -f ${f} run --date 2025-01-15          # starts the sample source for the command`);
  io.out(`  cd ${shown(io, r.dir)} && npm install && npm test    # its tests and tsc need tsx and typescript (devDependencies)`);
  io.out(`  npx pipeline -f ${f} new processor daily_means --phase report --reads ${r.name.replace(/-/g, '_')}.readings --writes ${r.name.replace(/-/g, '_')}.daily_means`);
}

export const scaffold: Registrar = (program, io) => {
  const group = program.command('new').description('scaffold a processor into the spec, or a pipeline of its own');
  examples(group
    .command('processor')
    .description('add a processor (and a new output table) to the spec, write its module and test, run codegen')
    .argument('<name>', 'the processor name (lower_snake_case)')
    .requiredOption('--phase <phase>', 'its phase (name or number)')
    .option('--reads <tables>', 'tables or object collections it reads, critical (comma-separated)')
    .requiredOption('--writes <table>', 'the table it writes: new (declared with starter columns) or declared without a writer')
    .option('--optional <tables>', 'tables it reads optionally: it runs when they are missing (comma-separated)')
    .option('--trigger <tables>', 'reads whose update triggers it (default: its same-partition reads)')
    .option('--scope <entity>', 'an entity it can run for a subset of (changed entities only)')
    .option('--description <text>', 'what it computes'), io, program, (n) => [
    `pipeline new processor my_summary --phase ${n.phase} --reads ${n.table} --writes ${n.table.split('.')[0]}.my_summary`,
    `pipeline new processor my_summary --phase ${n.phase} --reads ${n.table} --writes ${n.table.split('.')[0]}.my_summary --scope ENTITY`,
  ])
    .action((name: string, o: Record<string, string | undefined>) => newProcessor(io, program.opts().file as string | undefined, name, o));
  group
    .command('pipeline')
    .description('start a pipeline of its own in a folder: spec, a sample source, two processors, a test; runnable at once')
    .argument('<dir>', 'a new or empty folder; its name is the pipeline\'s')
    .addHelpText('after', '\nExamples:\n  $ pipeline new pipeline ../sensors\n  $ pipeline -f ../sensors/pipeline.yaml run --date 2025-01-15')
    .action((dir: string) => newPipeline(io, dir));
};
