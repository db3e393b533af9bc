// Shared harness for runtime tests: a tiny three-phase spec, processors defined in the test (not the
// NBA ones), and a local engine on a temp folder with fast retries.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planFromText } from '../../engine/spec/index.js';
import type { Plan } from '../../engine/spec/plan.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { openLocalEngine, type LocalEngine } from '../../engine/runtime/local.js';
import type { DefinedProcessor } from '../../engine/runtime/processor.js';
import type { Clock } from '../../engine/ports.js';

export const TINY_SPEC = `
version: 1
name: tiny
partition: { key: day, timezone: UTC }
defaults:
  retry: { max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms }
entities:
  item: {}
datasets:
  raw:
    tables:
      events:
        columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }
        key: [item]
        entities: { item: item }
  mart:
    tables:
      totals:
        columns: { day: { type: date }, item: { type: string }, total: { type: int64 } }
        key: [item]
        entities: { item: item }
      summary:
        columns: { day: { type: date }, items: { type: int64 }, grand_total: { type: int64 } }
        key: [day]
phases:
  ingest: { number: 1, topic: tiny-ingest }
  transform: { number: 2, topic: tiny-transform }
  publish: { number: 3, topic: tiny-publish }
processors:
  load_events: { phase: ingest, module: none.ts, writes: raw.events }
  totals:
    phase: transform
    module: none.ts
    writes: mart.totals
    scopes: [item]
    reads: { raw.events: { critical: true } }
  summary:
    phase: publish
    module: none.ts
    writes: mart.summary
    reads: { mart.totals: { critical: true } }
`;

export function tinyPlan(text = TINY_SPEC, dir = os.tmpdir()): Plan {
  const r = planFromText(text, 'tiny.yaml', dir, { checkModules: false });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return r.plan;
}

export interface Harness extends LocalEngine {
  dir: string;
  plan: Plan;
  cleanup(): Promise<void>;
}

export async function harness(processors: Record<string, DefinedProcessor>, opts: { spec?: string; clock?: Clock; env?: Record<string, string> } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-rt-'));
  const plan = tinyPlan(opts.spec, dir);
  const local = await openLocalEngine({ plan, dir: path.join(dir, '.pipeline'), executor: new ModuleExecutor(opts.env ?? {}, processors), clock: opts.clock, env: opts.env ?? {}, bus: { initialBackoffMs: 5, maxBackoffMs: 20 } });
  return {
    ...local, dir, plan,
    async cleanup() {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
