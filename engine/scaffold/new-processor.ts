// `pipeline new processor`: checks the request against the loaded plan (every bad name answered with
// a did-you-mean), adds the processor — and a new output table with starter columns — to the spec
// text, and writes the module and its test. Codegen and the printing are the command's.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../spec/diagnostics.js';
import type { Plan } from '../spec/plan.js';
import { COUNT_COLUMN, processorModule, processorTest, SOURCE_COLUMN, type ProcessorDraft } from './processor-templates.js';
import { addMapEntry, flowMap, flowSeq, scalar } from './spec-edit.js';

/** A request the plan refuses: one line, with what would be accepted. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

export interface NewProcessorRequest {
  name: string;
  /** Phase name or number. */
  phase: string;
  reads: string[];
  writes: string;
  /** Reads that are optional (run anyway when missing); they need not repeat in `reads`. */
  optional?: string[];
  /** Inputs whose update triggers it (default: the engine's, its same-partition reads). */
  triggers?: string[];
  /** Entity kind it can run for a subset of. */
  scope?: string;
  description?: string;
}

export interface NewProcessorResult {
  draft: ProcessorDraft;
  /** Files written, relative to the spec's folder (the spec first). */
  written: string[];
  testFile: string;
}

const NAME = /^[a-z][a-z0-9_]*$/;
const TABLE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

const unknown = (what: string, value: string, among: Iterable<string>, usage: string): ScaffoldError => {
  const guess = didYouMean(value, among);
  return new ScaffoldError(`${what} ${JSON.stringify(value)}${guess ? ` (did you mean ${guess}?)` : ''}`, usage);
};

function phaseOf(plan: Plan, value: string): string {
  const byNumber = plan.phases.find((p) => String(p.number) === value);
  if (byNumber) return byNumber.name;
  if (plan.phaseByName.has(value)) return value;
  throw unknown('unknown phase', value, plan.phaseByName.keys(), `--phase ${plan.phases.map((p) => `${p.number}|${p.name}`).join('|')}`);
}

function checkInput(plan: Plan, ref: string, flag: string): void {
  const a = plan.assets.get(ref);
  if (!a) throw unknown(`${flag}: unknown table or collection`, ref, plan.assets.keys(), `${flag} dataset.table[,objects/NAME…] (see \`pipeline ls tables\`)`);
  if (a.kind === 'documents') throw new ScaffoldError(`${flag}: ${ref} is a document collection; processors read tables and object collections`, `${flag} dataset.table[,objects/NAME…]`);
}

/** Where tests of this pipeline live: tests/processors/ when it has one, else tests/. */
export function testDir(plan: Plan): string {
  return existsSync(path.join(plan.dir, 'tests', 'processors')) ? path.join('tests', 'processors') : 'tests';
}

export function draftProcessor(plan: Plan, req: NewProcessorRequest): ProcessorDraft {
  if (!NAME.test(req.name)) throw new ScaffoldError(`processor name ${JSON.stringify(req.name)} is not lower_snake_case`, 'NAME matching [a-z][a-z0-9_]* (e.g. team_scoring_leaders)');
  if (plan.processors.has(req.name)) throw new ScaffoldError(`processor ${req.name} already exists (${plan.processors.get(req.name)!.module})`, 'a new processor name');
  const phase = phaseOf(plan, req.phase);
  const optional = req.optional ?? [];
  const reads = [...new Set([...req.reads, ...optional])];
  if (!reads.length) throw new ScaffoldError('give the tables it reads', '--reads dataset.table[,dataset.table…]');
  for (const r of req.reads) checkInput(plan, r, '--reads');
  for (const r of optional) checkInput(plan, r, '--optional');
  if (!TABLE.test(req.writes)) throw new ScaffoldError(`--writes ${JSON.stringify(req.writes)} is not a table name`, '--writes dataset.table (a new table, or a declared one no processor writes)');
  if (reads.includes(req.writes)) throw new ScaffoldError(`${req.writes} is both read and written`, '--writes a table it does not read');
  const existing = plan.assets.get(req.writes);
  const writer = plan.writerOf.get(req.writes);
  if (writer) throw new ScaffoldError(`${req.writes} is written by ${writer} already; a table has one writer`, '--writes a new table (or a declared one no processor writes)');
  if (existing && existing.kind === 'table' && existing.external) throw new ScaffoldError(`${req.writes} is declared external (written outside the pipeline)`, '--writes a table of the pipeline');
  const dataset = req.writes.split('.')[0]!;
  const datasets = new Set([...plan.assets.values()].filter((a) => a.kind === 'table').map((a) => (a as { dataset: string }).dataset));
  if (!existing && !datasets.has(dataset)) throw unknown('--writes: unknown dataset', dataset, datasets, '--writes DATASET.table with a dataset of pipeline.yaml');
  for (const t of req.triggers ?? []) if (!reads.includes(t)) throw unknown('--trigger: not one of its reads:', t, reads, `--trigger ${reads.join('|')}`);
  let scope: ProcessorDraft['scope'];
  if (req.scope !== undefined) {
    if (!plan.entities.includes(req.scope)) throw unknown('--scope: unknown entity', req.scope, plan.entities, `--scope ${plan.entities.join('|') || '(declare entities first)'}`);
    if (existing?.kind === 'table' && !existing.entities[req.scope]) throw new ScaffoldError(`--scope ${req.scope}: ${req.writes} has no ${req.scope} column under entities`, `--scope ${Object.keys(existing.entities).join('|') || '(none declared on the table)'}`);
    const from = reads.find((r) => { const a = plan.assets.get(r); return a?.kind === 'table' && a.entities[req.scope!]; });
    if (!from) throw new ScaffoldError(`--scope ${req.scope}: none of its reads declares the ${req.scope} entity`, `--scope with an entity of a table it reads`);
    const fromTable = plan.assets.get(from) as { entities: Record<string, string> };
    scope = { entity: req.scope, column: existing?.kind === 'table' ? existing.entities[req.scope]! : fromTable.entities[req.scope]!, from };
  }
  return { name: req.name, phase, reads, writes: req.writes, newTable: !existing, scope, module: path.posix.join('processors', phase, `${req.name}.ts`) };
}

function processorLines(req: NewProcessorRequest, d: ProcessorDraft): string[] {
  const optional = new Set(req.optional ?? []);
  const lines = [
    `phase: ${d.phase}`,
    `module: ${d.module}`,
    `description: ${scalar(req.description ?? `TODO: what ${d.name} computes.`)}`,
    `writes: ${d.writes}`,
    ...(d.scope ? [`scopes: ${flowSeq([d.scope.entity])}`] : []),
    'reads:',
    ...d.reads.map((r) => `  ${r}: ${flowMap({ critical: !optional.has(r) })}`),
    ...(req.triggers?.length ? [`triggers: ${flowSeq(req.triggers)}`] : []),
  ];
  return lines;
}

function tableLines(plan: Plan, d: ProcessorDraft): string[] {
  const keyColumn = d.scope ? d.scope.column : SOURCE_COLUMN;
  return [
    `description: ${scalar(`TODO: what a row holds. Starter columns from pipeline new processor ${d.name}: replace them.`)}`,
    'columns:',
    `  ${plan.partition.key}: ${flowMap({ type: 'date' })}`,
    d.scope
      ? `  ${keyColumn}: ${flowMap({ type: 'string', description: `The ${d.scope.entity}.` })}`
      : `  ${keyColumn}: ${flowMap({ type: 'string', description: 'An input it read (starter column).' })}`,
    `  ${COUNT_COLUMN}: ${flowMap({ type: 'int64', nullable: false, description: d.scope ? `Rows of ${d.scope.from} for it (starter column).` : 'Rows or objects read from it (starter column).' })}`,
    `key: ${flowSeq([keyColumn])}`,
    ...(d.scope ? [`entities: ${flowMap({ [d.scope.entity]: keyColumn })}`] : []),
  ];
}

/** Edits the spec and writes the module and test; refuses to overwrite a file. */
export function scaffoldProcessor(plan: Plan, specFile: string, req: NewProcessorRequest, partition: string): NewProcessorResult {
  const d = draftProcessor(plan, req);
  const testFile = path.join(testDir(plan), `${d.name}.test.ts`);
  for (const f of [d.module, testFile]) if (existsSync(path.join(plan.dir, f))) throw new ScaffoldError(`${f} exists already: move it away or pick another name`, 'a processor name whose module and test do not exist yet');
  let text = readFileSync(specFile, 'utf8');
  if (d.newTable) {
    const [dataset, table] = d.writes.split('.') as [string, string];
    text = addMapEntry(text, ['datasets', dataset, 'tables'], { key: table, lines: tableLines(plan, d) });
  }
  const phaseNumber = plan.phaseByName.get(d.phase)!.number;
  // After the last processor of its phase (or of an earlier one), so phase sections stay together.
  text = addMapEntry(text, ['processors'], { key: d.name, lines: processorLines(req, d) }, (_k, v) => {
    const ph = (v as { get?: (k: string) => unknown })?.get?.('phase');
    const n = plan.phaseByName.get(String(ph))?.number;
    return n !== undefined && n <= phaseNumber;
  });
  writeFileSync(specFile, text);
  const specFromTest = path.relative(path.join(plan.dir, path.dirname(testFile)), specFile).split(path.sep).join('/');
  const files: Array<[string, string]> = [[d.module, processorModule(plan, d)], [testFile, processorTest(plan, d, specFromTest, partition)]];
  for (const [f, body] of files) {
    mkdirSync(path.dirname(path.join(plan.dir, f)), { recursive: true });
    writeFileSync(path.join(plan.dir, f), body);
  }
  return { draft: d, written: [path.relative(plan.dir, specFile), d.module, testFile], testFile };
}
