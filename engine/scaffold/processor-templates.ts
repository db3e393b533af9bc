// What `pipeline new processor` writes: the processor module and its test, from the plan's own
// tables, so both type-check and pass before anyone edits them. The starter processor counts what it
// reads (per input, or per entity of its scope) into the starter columns of a new table; for a table
// that already exists it writes no rows yet. Generic: nothing here knows any pipeline's names.
import type { ColumnType, Plan, TablePlan } from '../spec/plan.js';

export interface ProcessorDraft {
  name: string;
  phase: string;
  /** Inputs in the order given: tables and collections. */
  reads: string[];
  writes: string;
  /** The written table is created by the scaffold with the starter columns below. */
  newTable: boolean;
  /** With a scope: the entity and its column (in the first read declaring it, and in the new table). */
  scope?: { entity: string; column: string; from: string };
  /** Module path from the spec's folder (processors/PHASE/NAME.ts). */
  module: string;
}

/** The starter columns of a new table: the partition column, the key and a count. */
export const COUNT_COLUMN = 'rows';
export const SOURCE_COLUMN = 'source';

/** A TypeScript literal in the house style (single quotes). */
export function lit(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length ? `{ ${entries.map(([k, x]) => `${k}: ${lit(x)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(v);
}

const camel = (ref: string) => ref.replace(/^(objects|documents)\//, '$1_').split(/[._]/).map((w, i) => (i ? w[0]!.toUpperCase() + w.slice(1) : w)).join('');

export function processorModule(plan: Plan, d: ProcessorDraft): string {
  const phase = plan.phaseByName.get(d.phase)!;
  const head = [
    `// Phase ${phase.number} (${d.phase}): TODO say what ${d.name} computes, from which inputs, and why.`,
    `// Scaffolded by \`pipeline new processor\`: ${d.newTable ? `it counts the rows it reads into the starter columns of ${d.writes}` : `it writes no rows to ${d.writes} yet`}.`,
    '// Replace the body; the engine checks reads against pipeline.yaml and rows against the table.',
    "import { defineProcessor } from 'pipeline/processor';",
    '',
    `export default defineProcessor(${lit(d.name)}, {`,
    '  async run(ctx) {',
  ];
  const body: string[] = [];
  if (!d.newTable) {
    for (const r of d.reads) body.push(`    const ${camel(r)} = await ${readCall(plan, r, false)};`);
    body.push(`    ctx.log.info(\`read \${${d.reads.map((r) => `${camel(r)}.length`).join(' + ')}} rows and objects\`);`);
    body.push(`    // TODO: compute the rows of ${d.writes} from the inputs.`, '    ctx.write([]);');
  } else if (d.scope) {
    const v = camel(d.scope.from);
    body.push(
      `    // A scoped run reads only its entities' rows: ctx.scope is null for the whole partition.`,
      `    const ${v} = await ${readCall(plan, d.scope.from, true)};`,
      '    const counts = new Map<string, number>();',
      `    for (const r of ${v}) counts.set(String(r.${d.scope.column}), (counts.get(String(r.${d.scope.column})) ?? 0) + 1);`,
      `    ctx.write([...counts].map(([${d.scope.column}, ${COUNT_COLUMN}]) => ({ ${d.scope.column}, ${COUNT_COLUMN} })));`,
    );
  } else {
    for (const r of d.reads) body.push(`    const ${camel(r)} = await ${readCall(plan, r, false)};`);
    body.push('    ctx.write([');
    for (const r of d.reads) body.push(`      { ${SOURCE_COLUMN}: ${lit(r)}, ${COUNT_COLUMN}: ${camel(r)}.length },`);
    body.push('    ]);');
  }
  return [...head, ...body, '  },', '});', ''].join('\n');
}

function readCall(plan: Plan, ref: string, scoped: boolean): string {
  if (plan.assets.get(ref)?.kind === 'objects') return `ctx.readObjects(${lit(ref)})`;
  return `ctx.read(${lit(ref)}${scoped ? ', { scope: ctx.scope }' : ''})`;
}

/** A value of a column's type, distinct per `i`, for test rows. */
function sample(type: ColumnType, i: number, partition: string): string | number | boolean | Record<string, never> {
  switch (type) {
    case 'int64': return i;
    case 'float64': case 'numeric': return i + 0.5;
    case 'bool': return i % 2 === 0;
    case 'date': return partition;
    case 'timestamp': return `${partition}T0${i}:00:00.000Z`;
    case 'json': return {};
    default: return `k${i}`;
  }
}

/** Two rows of a table that differ in their key (so an upsert keeps both), every column filled. */
function sampleRows(t: TablePlan, key: string, partition: string, pin: { column: string; values: string[] } | undefined, indent: string): string {
  const rows = [1, 2].map((i) => {
    const cols = t.columns.filter((c) => c.name !== key).map((c) => {
      const v = pin?.column === c.name ? pin.values[i - 1]! : sample(c.type, i, partition);
      return `${c.name}: ${lit(v)}`;
    });
    return `{ ${cols.join(', ')} }`;
  });
  return `[\n${rows.map((r) => `${indent}  ${r},`).join('\n')}\n${indent}]`;
}

export function processorTest(plan: Plan, d: ProcessorDraft, specFromTest: string, partition: string): string {
  const key = plan.partition.key;
  const tables: string[] = [];
  const objects: string[] = [];
  for (const r of d.reads) {
    const a = plan.assets.get(r)!;
    if (a.kind === 'table') tables.push(`        ${lit(r)}: ${sampleRows(a, key, partition, d.scope?.from === r ? { column: d.scope.column, values: ['e1', 'e2'] } : undefined, '        ')},`);
    else if (a.kind === 'objects') objects.push(`        ${lit(r)}: { ${lit(a.path.replace('{date}', partition).replace(/\{[a-z_]+\}/g, 'sample'))}: { ok: true } },`);
  }
  const input = [
    `      partition: DAY,`,
    ...(tables.length ? ['      tables: {', ...tables, '      },'] : []),
    ...(objects.length ? ['      objects: {', ...objects, '      },'] : []),
  ];
  let expectation: string[];
  let story: string;
  if (!d.newTable) {
    story = 'runs on its declared inputs (it writes no rows yet)';
    expectation = ['    assert.deepEqual(out.rows, []);'];
  } else if (d.scope) {
    story = `counts the rows of ${d.scope.from} per ${d.scope.entity}`;
    expectation = [`    assert.deepEqual(out.rows.map((r) => [r.${d.scope.column}, r.${COUNT_COLUMN}]).sort(), [['e1', 1], ['e2', 1]]);`];
  } else {
    story = 'counts the rows and objects it reads, per input';
    const expected = d.reads.map((r) => `[${lit(r)}, ${plan.assets.get(r)!.kind === 'table' ? 2 : 1}]`);
    expectation = [`    assert.deepEqual(out.rows.map((r) => [r.${SOURCE_COLUMN}, r.${COUNT_COLUMN}]), [${expected.join(', ')}]);`];
  }
  return [
    `// ${d.name} on given inputs, through pipeline/testing (the engine's executor on in-memory backends).`,
    '// Scaffolded by `pipeline new processor`: change the inputs and the expectation with the processor.',
    "import assert from 'node:assert/strict';",
    "import { describe, it } from 'node:test';",
    "import { runProcessor } from 'pipeline/testing';",
    '',
    `const SPEC = new URL(${lit(specFromTest)}, import.meta.url);`,
    `const DAY = ${lit(partition)};`,
    '',
    `describe(${lit(d.name)}, () => {`,
    `  it(${lit(story)}, async () => {`,
    `    const out = await runProcessor(SPEC, ${lit(d.name)}, {`,
    ...input,
    '    });',
    ...expectation,
    '  });',
    '});',
    '',
  ].join('\n');
}
