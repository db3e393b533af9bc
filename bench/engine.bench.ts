// Engine overhead on the embedded default: a six-phase chain of processors that each burn a fixed
// CPU time, over several dates. Measures the engine's share of wall time against the processors' own
// compute, the phase-to-phase handoff (completion recorded → next processor started), warehouse
// queries made for dependency checks and dedup (processors here read nothing), and log batches.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { planFromText } from '../engine/spec/index.js';
import { openLocalEngine } from '../engine/runtime/local.js';
import { ModuleExecutor } from '../engine/runtime/executor.js';
import { runCascade } from '../engine/runtime/cascade.js';
import { defineUntypedProcessor, type DefinedProcessor } from '../engine/runtime/processor.js';
import { ms, percentile, verdict, type Result } from './lib.js';

const PHASES = 6;
// One processor per phase: a serial chain, so handoffs are not queued behind sibling runs.
const WIDTH = 1;

function spec(): string {
  const phases = Array.from({ length: PHASES }, (_, i) => `  p${i + 1}: { number: ${i + 1}, topic: bench-p${i + 1} }`).join('\n');
  const tables: string[] = [];
  const procs: string[] = [];
  for (let ph = 1; ph <= PHASES; ph++) {
    for (let w = 1; w <= WIDTH; w++) {
      const t = `t${ph}_${w}`;
      tables.push(`      ${t}: { columns: { day: { type: date }, k: { type: string }, v: { type: int64 } }, key: [k] }`);
      const reads = ph === 1 ? '' : `\n    reads: { ${Array.from({ length: WIDTH }, (_, j) => `d.t${ph - 1}_${j + 1}: { critical: true }`).join(', ')} }`;
      procs.push(`  ${t}:\n    phase: p${ph}\n    module: none.ts\n    writes: d.${t}${reads}`);
    }
  }
  return `version: 1\nname: bench\npartition: { key: day }\ndatasets:\n  d:\n    tables:\n${tables.join('\n')}\nphases:\n${phases}\nprocessors:\n${procs.join('\n')}\n`;
}

/** A processor's work: mostly waiting on its reads and compute services, a little CPU. */
async function work(msTarget: number) {
  const end = performance.now() + msTarget * 0.1;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  await new Promise((r) => setTimeout(r, msTarget * 0.9));
  return x;
}

export async function engineBench(opts: { dates?: number; computeMs?: number } = {}): Promise<Result> {
  const dates = Array.from({ length: opts.dates ?? 5 }, (_, i) => `2025-03-${String(i + 1).padStart(2, '0')}`);
  const computeMs = opts.computeMs ?? 100;
  const r = planFromText(spec(), 'bench.yaml', os.tmpdir(), { checkModules: false });
  if (!r.plan) throw new Error(JSON.stringify(r.diagnostics));
  const plan = r.plan;
  let compute = 0;
  const overrides: Record<string, DefinedProcessor> = {};
  for (const name of plan.processors.keys()) {
    overrides[name] = defineUntypedProcessor(name, {
      async run(ctx) {
        const t = performance.now();
        await work(computeMs);
        ctx.write([{ k: 'a', v: Math.round(performance.now()) }]);
        compute += performance.now() - t;
      },
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-'));
  const local = await openLocalEngine({ plan, dir, executor: new ModuleExecutor({}, overrides), env: {} });
  // Count warehouse calls by kind, and time log events precisely.
  const counts = { read: 0, stats: 0, write: 0, appendLog: 0, logEntries: 0, writeMs: 0 };
  const wh = local.backends.warehouse as unknown as Record<string, unknown>;
  for (const k of ['read', 'stats', 'write', 'appendLog'] as const) {
    const orig = (wh[k] as (...a: unknown[]) => Promise<unknown>).bind(wh);
    wh[k] = async (...a: unknown[]) => {
      counts[k]++;
      if (k === 'appendLog') counts.logEntries += (a[0] as unknown[]).length;
      const t = performance.now();
      try {
        return await orig(...a);
      } finally {
        if (k === 'write') counts.writeMs += performance.now() - t;
      }
    };
  }
  const marks: Array<{ event: string; processor?: string; partition?: string; reasons?: string[]; t: number }> = [];
  local.engine.log.listeners.push((e) => marks.push({ event: e.event, processor: e.processor, partition: e.partition, reasons: e.reasons, t: performance.now() }));
  const t0 = performance.now();
  await runCascade(local, { dates });
  const wall = performance.now() - t0;
  await local.close();
  rmSync(dir, { recursive: true, force: true });

  // Handoff: a run started because of an asset update ← the completion that produced that update.
  const done = new Map<string, number>();
  const handoffs: number[] = [];
  for (const m of marks) {
    if (m.event === 'run:succeeded') done.set(`${m.processor}|${m.partition}`, m.t);
    if (m.event === 'run:started') {
      const src = /triggered by d\.(t\d+_\d+)/.exec(m.reasons?.[0] ?? '')?.[1];
      const at = src ? done.get(`${src}|${m.partition}`) : undefined;
      if (at !== undefined) handoffs.push(m.t - at);
    }
  }
  const runs = marks.filter((m) => m.event === 'run:started').length;
  // A serial chain: wall time = processors' work + their data writes + the engine's orchestration.
  const overhead = (wall - compute) / compute;
  const orchestration = (wall - compute - counts.writeMs) / compute;
  const perRun = (wall - compute - counts.writeMs) / runs;
  return {
    name: 'Engine overhead and handoff (issue 3)',
    rows: [
      ['cascade', `a chain of ${PHASES} phases × ${WIDTH} processor × ${dates.length} dates = ${runs} runs, ${computeMs} ms of work each (10% CPU, 90% waiting)`, '-'],
      ['wall time', ms(wall), '-'],
      ['processors\' own compute (sum)', ms(compute), '-'],
      ['engine overhead share, orchestration only (wall − compute − data writes) / compute', `${(orchestration * 100).toFixed(1)}%`, verdict(orchestration <= 0.15, '≤ 15%')],
      ['engine overhead share including the data writes (wall − compute) / compute', `${(overhead * 100).toFixed(1)}%`, '-'],
      ['orchestration time per run', ms(Math.max(0, perRun)), '-'],
      ['data write (DuckDB upsert) per run', ms(counts.writeMs / Math.max(1, counts.write)), '-'],
      ['handoff p50 (completion recorded → next started)', ms(percentile(handoffs, 50)), verdict(percentile(handoffs, 50) <= 5, '≤ 5 ms')],
      ['handoff p99', ms(percentile(handoffs, 99)), verdict(percentile(handoffs, 99) <= 50, '≤ 50 ms')],
      ['warehouse reads/stats for dependency checks and dedup', `${counts.read + counts.stats}`, verdict(counts.read + counts.stats === 0, '0')],
      ['warehouse data writes', `${counts.write} (one per run)`, '-'],
      ['execution-log batches / entries', `${counts.appendLog} / ${counts.logEntries}`, 'batched'],
    ],
    notes: [
      'Processors here read nothing, so every warehouse read counted would come from the engine: dependency checks and dedup read the state store only.',
      'Orchestration state is memory-first locally (persisted to DuckDB in batches), so a handoff is a bus hop and two in-memory transactions.',
      'The DuckDB upsert of a run\'s rows (staging table, one INSERT … ON CONFLICT, DELETE for replace, counts, COMMIT) is the largest per-run cost; it is data work the processor would otherwise do itself, shown apart from orchestration.',
    ],
  };
}
