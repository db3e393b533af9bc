// Dry runs: the same engine and decision core over in-memory backends with a simulated executor, so
// `pipeline plan` shows exactly the cascade an event would set in motion — every candidate, decision
// and reason, gate fires, stage levels, what backfill flags suppress — with no side effects.
import { readFileSync } from 'node:fs';
import { dateRange } from '../core/dates.js';
import { normalize, toWire } from '../core/messages.js';
import type { AssetUpdated, BackfillFlags, EngineEvent, PartitionVersion } from '../core/types.js';
import { openMemoryBackends } from '../backends/memory/index.js';
import type { LogEntry } from '../ports.js';
import type { Plan } from '../spec/plan.js';
import { Engine } from './engine.js';
import { SimulatedExecutor } from './executor.js';
import { ids } from './keys.js';
import { topicOf } from './outbox.js';

/** Partitions assumed present: `asset` may end in `.*` (a whole dataset); dates one or a range. */
export interface StateFile {
  now?: string;
  partitions: Array<{ asset: string; partition?: string; from?: string; to?: string; rows?: number; updated_at?: string; version?: number }>;
}

export class StateFileError extends Error {
  override name = 'StateFileError';
}

export function readStateFile(path: string): StateFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StateFileError(`cannot read state file ${path}: ${(e as Error).message}`);
  }
  const s = data as StateFile;
  if (!s || typeof s !== 'object' || !Array.isArray(s.partitions)) throw new StateFileError(`state file ${path} must be { "partitions": [ { "asset", "partition" | "from"/"to", "rows" } ] }`);
  return s;
}

/** Expand a state file into partition versions for the plan (unknown assets are an error). */
export function versionsFromState(plan: Plan, state: StateFile, date: string, now: number): PartitionVersion[] {
  const out: PartitionVersion[] = [];
  for (const [i, e] of state.partitions.entries()) {
    const assets = e.asset.endsWith('.*') ? [...plan.assets.keys()].filter((a) => a.startsWith(e.asset.slice(0, -1))) : [e.asset];
    if (!assets.length || assets.some((a) => !plan.assets.has(a))) throw new StateFileError(`state file entry ${i}: unknown asset ${e.asset}`);
    const dates = e.from ? dateRange(e.from, e.to ?? date) : [e.partition ?? date];
    for (const asset of assets)
      for (const d of dates)
        out.push({ asset, partition: d, version: e.version ?? 1, rows: e.rows ?? 1000, updatedAt: e.updated_at ? Date.parse(e.updated_at) : now - 3_600_000, changedEntities: null, correlationId: 'state-file' });
  }
  return out;
}

export interface DryRunRequest {
  plan: Plan;
  /** A table (or collection) updated for a date … */
  table?: string;
  date?: string;
  /** … or a wire message as it would arrive on `topic`. */
  event?: unknown;
  topic?: string;
  state?: StateFile;
  /** Seed from a real state store dump (collections → id → doc). */
  seed?: Record<string, Record<string, unknown>>;
  now?: number;
  backfill?: BackfillFlags | null;
}

export interface DryRunResult {
  start: EngineEvent;
  entries: LogEntry[];
}

export async function dryRun(req: DryRunRequest): Promise<DryRunResult> {
  const { plan } = req;
  const now = req.now ?? (req.state?.now ? Date.parse(req.state.now) : Date.parse(`${req.date ?? '2025-01-01'}T12:00:00Z`) + 86_400_000 / 2);
  const b = openMemoryBackends({ now, seed: req.seed, maxDeliveries: 1 });
  if (req.state) {
    await b.state.transaction(async (tx) => {
      for (const v of versionsFromState(plan, req.state!, req.date ?? '', now)) tx.set('versions', ids.version(v.asset, v.partition), v);
    });
  }
  const engine = new Engine({ plan, backends: b, executor: new SimulatedExecutor(), concurrency: 1, dryRun: true, log: { maxBatch: 1_000_000, delayMs: 1e9 } });
  engine.attach(b.bus);
  let start: EngineEvent;
  if (req.table) {
    const prev = await b.state.get<PartitionVersion>('versions', ids.version(req.table, req.date!));
    start = {
      type: 'asset_updated', asset: req.table, partition: req.date!, changedEntities: null, status: 'success', backfill: req.backfill ?? null, emittedAt: now,
      origin: 'unified', correlationId: 'dry-run', parents: [], rows: prev?.rows ?? 1000,
    } satisfies AssetUpdated;
  } else {
    const n = normalize(plan, req.topic ?? plan.phases[0]!.topic, req.event, {}, now);
    if (!n.ok) throw new StateFileError(`the event is ${n.ignored ? 'ignored' : 'rejected'}: ${n.reason}`);
    start = n.event;
    if (req.backfill && start.type !== 'task_requested') start = { ...start, backfill: req.backfill };
  }
  // Through the bus like any delivery, so the cascade is processed one message at a time, in order.
  const wire = toWire(plan, start);
  await b.bus.publish(topicOf(plan, start), wire);
  await b.bus.idle();
  await engine.log.flush();
  return { start, entries: b.warehouse.log };
}
