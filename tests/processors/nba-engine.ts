// A local engine on the real pipeline.yaml (DuckDB in a temp folder) whose phase-1 and phase-2
// processors are stand-ins: each scraper stores a placeholder object (so the raw loaders' inputs
// exist), each raw loader writes the prepared nba_raw rows of its table for the partition. Everything
// from phase 3 on runs the real modules from the spec's `module:` paths.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planFromText } from '../../engine/spec/index.js';
import type { Plan, TablePlan } from '../../engine/spec/plan.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { openLocalEngine, type LocalEngine } from '../../engine/runtime/local.js';
import { defineUntypedProcessor, type DefinedProcessor } from '../../engine/runtime/processor.js';
import type { Row } from '../../engine/ports.js';
import type { RawFixture } from './nba-raw-fixture.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function nbaPlan(): Plan {
  const r = planFromText(readFileSync(path.join(ROOT, 'pipeline.yaml'), 'utf8'), 'pipeline.yaml', ROOT, { checkModules: false });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return r.plan;
}

/** An object path matching a collection's pattern for a date (other placeholders filled with 'x'). */
function objectPath(pattern: string, date: string): string {
  return pattern.replace('{date}', date).replace(/\{[a-z_]+\}/g, 'x');
}

/** Stand-ins for the scrapers and raw loaders; `fixture` may be changed between cascades. */
export function loaderOverrides(plan: Plan, fixture: () => RawFixture): Record<string, DefinedProcessor> {
  const out: Record<string, DefinedProcessor> = {};
  for (const p of plan.processors.values()) {
    if (p.phase === 'scrapers') {
      const ref = p.output;
      const a = plan.assets.get(ref)!;
      if (a.kind !== 'objects') continue;
      out[p.name] = defineUntypedProcessor(p.name, { async run(ctx) { await ctx.putObject(ref, objectPath(a.path, ctx.partition), { stand_in: true }); } });
    } else if (p.phase === 'raw' && p.table) {
      const table = p.table.split('.')[1]!;
      out[p.name] = defineUntypedProcessor(p.name, { run(ctx) { ctx.write((fixture()[table]?.[ctx.partition] ?? []) as Row[]); } });
    }
  }
  return out;
}

export interface NbaEngine extends LocalEngine {
  plan: Plan;
  dir: string;
  /** Rows of a table for some dates. */
  rows<T = Row>(ref: string, dates: readonly string[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

export async function nbaEngine(fixture: () => RawFixture): Promise<NbaEngine> {
  const plan = nbaPlan();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-nba-'));
  const local = await openLocalEngine({
    plan, dir: path.join(dir, '.pipeline'), env: {}, concurrency: 8,
    executor: new ModuleExecutor({}, loaderOverrides(plan, fixture)),
    bus: { initialBackoffMs: 5, maxBackoffMs: 20, concurrency: 8 },
  });
  return {
    ...local, plan, dir,
    async rows<T>(ref: string, dates: readonly string[]) {
      return (await local.backends.warehouse.read(plan.assets.get(ref) as TablePlan, { partitions: [...dates] })) as T[];
    },
    async cleanup() {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
