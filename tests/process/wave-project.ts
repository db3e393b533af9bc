// The wave pipeline (tests/runtime/wave-pipeline.ts) as a project on disk, for tests that run the real
// CLI as child processes and kill them. Each processor appends `start`/`end` lines to $TRACE_FILE (so a
// test can kill the process at a chosen point of the cascade) and sleeps a little, so a cascade takes
// long enough for kills to land inside runs, between a write and its completion, and between commits.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openLocalBackends } from '../../engine/backends/local/index.js';
import type { Collection } from '../../engine/ports.js';
import type { Plan, TablePlan } from '../../engine/spec/plan.js';
import { WAVE_SPEC } from '../runtime/wave-pipeline.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = pathToFileURL(path.join(ROOT, 'engine/runtime/processor.ts')).href;
export const BIN = path.join(ROOT, 'bin/pipeline.js');

const BODIES: Record<string, string> = {
  load_events: `return [{ item: 'a', value: 1 + Number(ctx.partition.slice(-1)) }, { item: 'b', value: 2 }, { item: 'c', value: 3 }];`,
  offense: `return (await read('d.events')).map((r) => ({ item: r.item, o: r.value * 10 }));`,
  players: `const o = by(await read('d.offense')); return (await read('d.events')).map((r) => ({ item: r.item, p: r.value + (o.get(r.item)?.o ?? 0) }));`,
  form: `return (await read('d.players')).map((r) => ({ item: r.item, f: r.p * 2 }));`,
  form2: `return (await read('d.offense')).map((r) => ({ item: r.item, g: r.o + 1 }));`,
  vectors: `const g = by(await read('d.form2')); return (await read('d.form')).map((r) => ({ item: r.item, v: r.f + (g.get(r.item)?.g ?? 0) }));`,
  report: `const p = by(await read('d.players')); return (await read('d.vectors')).map((r) => ({ item: r.item, text: r.v + '/' + (p.get(r.item)?.p ?? '-') }));`,
};

function moduleText(name: string): string {
  return `import { appendFileSync } from 'node:fs';
import { defineUntypedProcessor } from '${API}';
export default defineUntypedProcessor('${name}', {
  async run(ctx: any) {
    const trace = (what: string) => { const f = ctx.env('TRACE_FILE'); if (f) appendFileSync(f, what + ' ${name} ' + ctx.partition + '\\n'); };
    const read = async (t: string) => (await ctx.read(t, { scope: ctx.scope })) as any[];
    const by = (rows: any[]) => new Map(rows.map((r) => [r.item, r]));
    trace('start');
    await new Promise((r) => setTimeout(r, 15));
    const rows = await (async () => { ${BODIES[name]} })();
    ctx.write(rows);
    trace('end');
  },
});
`;
}

/** Writes the project into `dir` and returns the spec's path. */
export function writeWaveProject(dir: string): string {
  mkdirSync(path.join(dir, 'p'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  let spec = WAVE_SPEC;
  for (const name of Object.keys(BODIES)) {
    writeFileSync(path.join(dir, 'p', `${name}.ts`), moduleText(name));
    spec = spec.replace(new RegExp(`(  ${name}:[\\s\\S]*?module: )none\\.ts`), `$1p/${name}.ts`);
  }
  const file = path.join(dir, 'pipeline.yaml');
  writeFileSync(file, spec);
  return file;
}

export function traceLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export function note(file: string, line: string): void {
  appendFileSync(file, `${line}\n`);
}

/** Everything a run left: every table's rows per partition, and what remains in orchestration state. */
export async function snapshotOf(plan: Plan, stateDir: string, dates: string[]): Promise<{ tables: Record<string, unknown[]>; open: Record<string, number> }> {
  const b = await openLocalBackends({ dir: stateDir });
  try {
    await b.warehouse.ensureTables(plan);
    const tables: Record<string, unknown[]> = {};
    for (const a of plan.assets.values()) {
      if (a.kind !== 'table') continue;
      const rows = await b.warehouse.read(a as TablePlan, { partitions: dates });
      tables[a.ref] = rows.map((r) => JSON.stringify(r)).sort();
    }
    const open: Record<string, number> = {};
    for (const c of ['leases', 'pending', 'outbox', 'messages'] as Collection[]) open[c] = (await b.state.query(c, {})).length;
    return { tables, open };
  } finally {
    await b.close();
  }
}
