// Typed contracts for processors and messages, into generated/ beside the pipeline's spec (never into
// engine/: the engine is generic, and each pipeline's tsconfig brings its own contracts in):
//   rows.ts       a row type per table (what reads return) and an input type (what writes accept)
//   messages.ts   a type per event type (rendered from the message contract) and per topic
//   contracts.ts  name unions and the ProcessorRegistry augmentation that types `defineProcessor`
//   index.ts      the entry point (importing it brings the augmentation in)
import { tableOf, type ColumnPlan, type ColumnType, type Plan, type TablePlan } from '../engine/spec/plan.js';
import { topologyOf, type TopicPlan } from '../engine/infra/topology.js';
import { tsFile } from './formats.js';
import { messageContracts } from './messages.js';
import { doc, key, lit, pascal, tsType, union } from './typescript.js';

/** The module processors import `defineProcessor` from (package.json `exports`); the registry augments it. */
export const PROCESSOR_MODULE = 'pipeline/processor';

/** Where the typed contracts go, relative to the pipeline's folder. */
export const CONTRACTS_DIR = 'generated';

const TS_TYPES: Record<ColumnType, string> = {
  string: 'string', int64: 'number', float64: 'number', numeric: 'number', bool: 'boolean',
  date: "string /* 'YYYY-MM-DD' */", timestamp: 'string /* ISO 8601 */', json: 'unknown',
};

const tsColumnType = (c: ColumnPlan) => (c.type === 'json' || !c.nullable ? TS_TYPES[c.type] : `${TS_TYPES[c.type]} | null`);

const sorted = <T>(xs: Iterable<T>, by: (x: T) => string) => [...xs].sort((a, b) => (by(a) < by(b) ? -1 : by(a) > by(b) ? 1 : 0));

function tables(plan: Plan): TablePlan[] {
  return sorted([...plan.assets.values()].filter((a): a is TablePlan => a.kind === 'table'), (t) => t.ref);
}

/** Type base names per table, refusing two tables that would share one. */
export function tableTypeNames(plan: Plan): Map<string, string> {
  const names = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const t of tables(plan)) {
    const n = pascal(t.ref);
    const other = seen.get(n);
    if (other) throw new Error(`codegen: tables ${other} and ${t.ref} both map to the type name ${n}; rename one`);
    seen.set(n, t.ref);
    names.set(t.ref, n);
  }
  return names;
}

/** Columns as rows carry them: the partition column first when the table does not declare it. */
function rowColumns(plan: Plan, t: TablePlan): ColumnPlan[] {
  const k = plan.partition.key;
  return t.columns.some((c) => c.name === k) ? [...t.columns] : [{ name: k, type: 'date', nullable: false, description: 'The partition (filled in by the engine).' }, ...t.columns];
}

function rowsFile(plan: Plan): string {
  const names = tableTypeNames(plan);
  const k = plan.partition.key;
  const out: string[] = [`// Row types of pipeline \`${plan.name}\`: \`...Row\` is what \`ctx.read\` returns, \`...Input\` what \`ctx.write\` takes`, `// (nullable columns and the partition column ${k} may be left out: the engine fills the partition).`, ''];
  for (const t of tables(plan)) {
    const n = names.get(t.ref)!;
    const cols = rowColumns(plan, t);
    const about = `${t.ref}${t.description ? ` — ${t.description.replace(/\.$/, '')}` : ''}. Key: ${t.key.join(', ')}.${t.external ? ' External (written by another system).' : ''}`;
    out.push(`${doc(about)}export type ${n}Row = {`);
    for (const c of cols) out.push(`${doc(c.description, '  ')}  ${key(c.name)}: ${tsColumnType(c)};`);
    out.push('};', '');
    out.push(`${doc(`What a processor writes to ${t.ref}.`)}export type ${n}Input = {`);
    for (const c of cols) out.push(`  ${key(c.name)}${c.nullable || c.name === k ? '?' : ''}: ${tsColumnType(c)};`);
    out.push('};', '');
  }
  out.push('/** Table → its row type. */', 'export interface TableRows {', ...tables(plan).map((t) => `  ${lit(t.ref)}: ${names.get(t.ref)}Row;`), '}', '');
  out.push('/** Table → what writes to it take. */', 'export interface TableInputs {', ...tables(plan).map((t) => `  ${lit(t.ref)}: ${names.get(t.ref)}Input;`), '}', '');
  out.push('export type TableName = keyof TableRows;');
  return tsFile(out.join('\n'));
}

/** Assets a topic's table_updated messages can name: the outputs of the phase's processors. */
function topicAssets(plan: Plan, t: TopicPlan): string[] {
  const first = plan.phases[0]?.name === t.phase;
  return sorted([...plan.assets.keys()].filter((a) => {
    const w = plan.writerOf.get(a);
    return w ? plan.processors.get(w)!.phase === t.phase : first;
  }), (a) => a);
}

function messagesFile(plan: Plan): string {
  const contracts = messageContracts(plan);
  const typeOf = Object.fromEntries(contracts.map((c) => [c.eventType, c.typeName]));
  const out: string[] = [`// Message types of pipeline \`${plan.name}\`, as \`toWire\` puts them on the bus (contracts/*.schema.json`, '// hold the same contract as JSON Schema).', ''];
  for (const c of contracts) out.push(`${doc(c.description)}export type ${c.typeName} = ${tsType(c.schema)};`, '');
  out.push('export interface MessagesByEventType {', ...contracts.map((c) => `  ${c.eventType}: ${c.typeName};`), '}', '');
  out.push(`export type PipelineMessage = ${contracts.map((c) => c.typeName).join(' | ')};`, '');
  out.push('/** Topic → the messages the engine publishes on it. */', 'export interface TopicMessages {');
  for (const t of topologyOf(plan).topics) {
    if (t.role === 'phase') {
      const assets = topicAssets(plan, t);
      const narrowed = [`phase: ${lit(t.phase!)} | null`, ...(assets.length ? [`asset: ${union(assets)}`] : [])];
      out.push(`  ${lit(t.name)}: ${typeOf.table_updated} & { ${narrowed.join('; ')} };`);
    } else out.push(`  ${lit(t.name)}: ${t.role === 'requests' ? typeOf.run_requested : typeOf.task_requested};`);
  }
  out.push('}', '', 'export type TopicName = keyof TopicMessages;');
  return tsFile(out.join('\n'));
}

function contractsFile(plan: Plan): string {
  const collections = sorted([...plan.assets.values()].filter((a) => a.kind !== 'table'), (a) => a.ref).map((a) => a.ref);
  const out: string[] = [
    `// Contracts of pipeline \`${plan.name}\`: names, and the processor registry that types \`defineProcessor\`:`,
    '// `ctx.read` accepts only declared tables, `ctx.write` only rows of the output table, `putObject` and',
    '// `putDocument` only declared output collections.',
    `import type { ProcessorIO, ProcessorRegistry } from ${lit(PROCESSOR_MODULE)};`,
    "import type { TableInputs, TableRows } from './rows.js';",
    '',
    "export type * from './rows.js';",
    "export type * from './messages.js';",
    '',
    `export const PROCESSOR_NAMES = [${plan.order.map(lit).join(', ')}] as const;`,
    '/** Processors, in dependency order. */',
    'export type ProcessorName = (typeof PROCESSOR_NAMES)[number];',
    `export type PhaseName = ${union(plan.phases.map((p) => p.name))};`,
    `export type CollectionName = ${union(collections)};`,
    `export type GateName = ${union(sorted(plan.gates.keys(), (x) => x))};`,
    `export type StageName = ${union(sorted(plan.stages.keys(), (x) => x))};`,
    `export type ScheduleName = ${union(sorted(plan.schedules.keys(), (x) => x))};`,
    `export type EntityKind = ${union([...plan.entities].sort())};`,
    '',
    `declare module ${lit(PROCESSOR_MODULE)} {`,
    '  interface ProcessorRegistry {',
  ];
  for (const n of plan.order) {
    const p = plan.processors.get(n)!;
    const reads = sorted(new Set(p.reads.map((r) => r.asset).filter((a) => tableOf(plan, a))), (x) => x);
    const outCollections = p.outputs.filter((o) => !tableOf(plan, o));
    out.push(doc(`${p.phase} (phase ${p.phaseNumber}): ${p.description ?? p.module}`, '    ').trimEnd());
    out.push(`    ${key(n)}: {`);
    out.push(reads.length ? `      reads: { ${reads.map((r) => `${lit(r)}: TableRows[${lit(r)}]`).join('; ')} };` : '      reads: {};');
    out.push(`      writes: ${p.table ? `TableInputs[${lit(p.table)}]` : 'never'};`);
    out.push(`      collections: ${union(outCollections)};`);
    out.push('    };');
  }
  out.push('  }', '}', '');
  out.push('/** Compile-time check: every registry entry is a ProcessorIO (else `defineProcessor` would fall back to untyped). */');
  out.push('type IsIO<T> = T extends ProcessorIO ? true : false;');
  out.push('export type RegistryIsTyped = { [N in keyof ProcessorRegistry]: IsIO<ProcessorRegistry[N]> }[keyof ProcessorRegistry] extends true ? true : never;');
  out.push(`export const REGISTRY_IS_TYPED: RegistryIsTyped = true;`);
  return tsFile(out.join('\n'));
}

function indexFile(plan: Plan): string {
  return tsFile([
    `// Entry point of the generated contracts of pipeline \`${plan.name}\`. Including this folder in the pipeline's`,
    '// tsconfig (or importing it) brings the ProcessorRegistry augmentation into the program.',
    "export * from './contracts.js';",
  ].join('\n'));
}

export function contractFiles(plan: Plan): Record<string, string> {
  return {
    [`${CONTRACTS_DIR}/rows.ts`]: rowsFile(plan),
    [`${CONTRACTS_DIR}/messages.ts`]: messagesFile(plan),
    [`${CONTRACTS_DIR}/contracts.ts`]: contractsFile(plan),
    [`${CONTRACTS_DIR}/index.ts`]: indexFile(plan),
  };
}
