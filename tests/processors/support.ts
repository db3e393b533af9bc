// Shared support for processor tests: the sample source on a free port and the real engine (DuckDB,
// files, in-process bus) on a temp folder, over the project's pipeline.yaml, with the sources' base
// URL in the engine's environment. Other processor tests reuse it:
//
//   const nba = await startNbaEnv({ seed: 42 });
//   try { await runThrough(nba, ['2025-11-15'], 'raw'); … await tableRows(nba, 'nba_raw.nbac_schedule', '2025-11-15') }
//   finally { await nba.cleanup(); }
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCascade } from '../../engine/runtime/cascade.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { openLocalEngine, type LocalEngine } from '../../engine/runtime/local.js';
import type { Clock, LogEntry, Row, WireMessage } from '../../engine/ports.js';
import { loadPlan, renderDiagnostics } from '../../engine/spec/index.js';
import type { Plan } from '../../engine/spec/plan.js';
import { startSampleSource, type SampleSource } from '../../processors/sample-source/index.js';

export const SPEC_FILE = fileURLToPath(new URL('../../pipeline.yaml', import.meta.url));

export interface NbaEnv {
  local: LocalEngine;
  plan: Plan;
  source: SampleSource;
  /** The engine's environment (SOURCE_BASE_URL = the sample source). */
  env: Record<string, string>;
  /** The temp folder holding the engine's state, tables and objects. */
  dir: string;
  cleanup(): Promise<void>;
}

export interface NbaEnvOptions {
  seed?: number;
  /** Extra environment for the engine (overrides SOURCE_BASE_URL if given). */
  env?: Record<string, string>;
  clock?: Clock;
  /** Candidates run at once per delivery (engine default 4). */
  concurrency?: number;
}

export async function startNbaEnv(opts: NbaEnvOptions = {}): Promise<NbaEnv> {
  const loaded = loadPlan(SPEC_FILE, { checkModules: false });
  if (!loaded.plan) throw new Error(`pipeline.yaml is invalid:\n${renderDiagnostics(loaded.diagnostics)}`);
  const plan = loaded.plan;
  const source = await startSampleSource({ seed: opts.seed ?? 42, port: 0 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-nba-'));
  const env: Record<string, string> = { SOURCE_BASE_URL: source.url, ...opts.env };
  let local: LocalEngine;
  try {
    local = await openLocalEngine({
      plan, dir: path.join(dir, '.pipeline'), env, executor: new ModuleExecutor(env), clock: opts.clock, concurrency: opts.concurrency,
      bus: { initialBackoffMs: 5, maxBackoffMs: 50 },
    });
  } catch (e) {
    await source.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    local, plan, source, env, dir,
    async cleanup() {
      try {
        await local.close();
      } finally {
        await source.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Processor names of a phase, in dependency order. */
export function processorsOf(plan: Plan, phase: string): string[] {
  return plan.order.filter((n) => plan.processors.get(n)!.phase === phase);
}

/**
 * Run the cascade from the scrapers (or `processors`) for `dates`, stopping after phase `stopAfter`
 * (a backfill flag on the same path: later phases are recorded as skip:stop-after). Returns the log.
 */
export async function runThrough(nba: NbaEnv, dates: string[], stopAfter: string, processors?: string[]): Promise<LogEntry[]> {
  return runCascade(nba.local, {
    dates,
    processors: processors ?? processorsOf(nba.plan, nba.plan.phases[0]!.name),
    backfill: { mode: true, reason: 'test', stopAfter },
  });
}

/** Rows of a table for one partition. */
export async function tableRows(nba: NbaEnv, ref: string, date: string): Promise<Row[]> {
  const a = nba.plan.assets.get(ref);
  if (!a || a.kind !== 'table') throw new Error(`${ref} is not a table of the plan`);
  return nba.local.backends.warehouse.read(a, { partitions: [date] });
}

/** Object paths of a collection under a date (e.g. 'objects/nbac_gamebook'). */
export async function objectPaths(nba: NbaEnv, ref: string, date: string): Promise<string[]> {
  const a = nba.plan.assets.get(ref);
  if (!a || a.kind !== 'objects') throw new Error(`${ref} is not an object collection of the plan`);
  const head = a.path.slice(0, a.path.indexOf('{date}')) + date;
  return (await nba.local.backends.objects.list(a.bucket, head.slice(0, head.lastIndexOf('/') + 1))).filter((p) => p.includes(`/${date}/`)).sort();
}

/** Record every message published on the bus while `fn` runs. */
export async function spyPublished<T>(nba: NbaEnv, fn: () => Promise<T>): Promise<{ result: T; published: Array<{ topic: string; message: WireMessage }> }> {
  const bus = nba.local.backends.bus;
  const original = bus.publish.bind(bus);
  const published: Array<{ topic: string; message: WireMessage }> = [];
  bus.publish = async (topic: string, message: WireMessage) => {
    published.push({ topic, message });
    return original(topic, message);
  };
  try {
    return { result: await fn(), published };
  } finally {
    bus.publish = original;
  }
}

/** Published asset updates (table_updated), optionally of one asset. */
export function assetUpdates(published: Array<{ message: WireMessage }>, asset?: string): Array<Record<string, unknown>> {
  return published.map((p) => p.message.data).filter((d) => d.event_type === 'table_updated' && (!asset || d.asset === asset));
}

/** Log entries of one kind (e.g. 'run:succeeded'), optionally of one processor. */
export function entriesOf(log: LogEntry[], event: string, processor?: string): LogEntry[] {
  return log.filter((e) => e.event === event && (!processor || e.processor === processor));
}
