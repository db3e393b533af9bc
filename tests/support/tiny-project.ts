// A tiny pipeline as a data engineer's project on disk: package.json (ESM), pipeline.yaml and one
// processor module per processor, for tests that drive the real CLI or `pipeline serve`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TINY_SPEC } from '../runtime/harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = pathToFileURL(path.join(ROOT, 'engine/runtime/processor.ts')).href;

const MODULES = {
  load_events: `ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]);`,
  totals: `const rows = await ctx.read('raw.events', { scope: ctx.scope }); ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));`,
  summary: `const rows = await ctx.read('mart.totals'); ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]);`,
} as const;

/** Writes the project into `dir` and returns the spec's path; `bodies` replaces processors' run bodies. */
export function writeTinyProject(dir: string, bodies: Partial<Record<keyof typeof MODULES, string>> = {}): string {
  mkdirSync(path.join(dir, 'p'), { recursive: true });
  // Processor modules are ES modules, as in any pipeline package.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  let spec = TINY_SPEC;
  for (const [name, body] of Object.entries({ ...MODULES, ...bodies })) {
    writeFileSync(path.join(dir, 'p', `${name}.ts`), `import { defineUntypedProcessor } from '${API}';\nexport default defineUntypedProcessor('${name}', { async run(ctx: any) { ${body} } });\n`);
    spec = spec.replace(new RegExp(`(  ${name}:[\\s\\S]*?module: )none\\.ts`), `$1p/${name}.ts`);
  }
  const file = path.join(dir, 'pipeline.yaml');
  writeFileSync(file, spec);
  return file;
}
