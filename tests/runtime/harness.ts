// Shared harness for runtime tests: a tiny three-phase spec, processors defined in the test (not the
// NBA ones), and a local engine on a temp folder with fast retries. Builders keep each test a short
// story: `tinySpec(patch)` for spec variants, `h.given.update(...)` for "a table was written",
// `h.published` / `h.entries` for what went on the bus and into the log, `latch()` to hold a run.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { planFromText } from '../../engine/spec/index.js';
import type { Plan, TablePlan } from '../../engine/spec/plan.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import type { EngineFaults } from '../../engine/runtime/faults.js';
import { openLocalEngine, type LocalEngine } from '../../engine/runtime/local.js';
import type { DefinedProcessor } from '../../engine/runtime/processor.js';
import { ids } from '../../engine/runtime/keys.js';
import { checkRows, entityGroups } from '../../engine/runtime/rows.js';
import type { AssetUpdated, PartitionVersion } from '../../engine/core/types.js';
import type { Clock, Collection, LogEntry, Row, WireMessage } from '../../engine/ports.js';

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

export const DAY = '2025-01-01';

export function tinyPlan(text = TINY_SPEC, dir = os.tmpdir()): Plan {
  const r = planFromText(text, 'tiny.yaml', dir, { checkModules: false });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return r.plan;
}

type Patch = { [key: string]: unknown };

function merge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) return patch;
  const out: Patch = { ...(base as Patch) };
  for (const [k, v] of Object.entries(patch as Patch)) out[k] = v === undefined ? undefined : merge(out[k], v);
  return out;
}

/** The tiny spec with a deep-merged patch, e.g. `tinySpec({ processors: { totals: { timeout: '50ms' } } })`. */
export function tinySpec(patch: Patch = {}, base = TINY_SPEC): string {
  return stringify(merge(parse(base), patch));
}

export interface Published {
  topic: string;
  message: WireMessage;
}

export interface Harness extends LocalEngine {
  dir: string;
  plan: Plan;
  /** Every message published on the bus, in order (the engine's and the test's). */
  published: Published[];
  /** Every log entry recorded since the harness opened, in order. */
  entries: LogEntry[];
  /** `asset_updated` messages published for `asset` (on its writer's phase topic). */
  updatesOf(asset: string): Published[];
  /** Log entries with this event, optionally for one processor. */
  logged(event: string, processor?: string): LogEntry[];
  /** Rows of a table partition, ordered by key. */
  rows(table: string, partition?: string): Promise<Row[]>;
  /** A state record. */
  state<T>(collection: Collection, id: string): Promise<T | undefined>;
  given: {
    /**
     * `table` was written for `partition` (rows in the warehouse, a new version and its entity
     * hashes in the state store), as its writer would leave it; returns the update event. Nothing is
     * published: the test delivers the event as it likes.
     */
    update(table: string, partition: string, rows: Row[]): Promise<AssetUpdated>;
  };
  cleanup(): Promise<void>;
}

export interface HarnessOptions {
  spec?: string;
  clock?: Clock;
  env?: Record<string, string>;
  faults?: EngineFaults;
  /** Concurrent candidates per delivery (engine) — default 4. */
  concurrency?: number;
}

export async function harness(processors: Record<string, DefinedProcessor>, opts: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-rt-'));
  const plan = tinyPlan(opts.spec, dir);
  const local = await openLocalEngine({
    plan, dir: path.join(dir, '.pipeline'), executor: new ModuleExecutor(opts.env ?? {}, processors), clock: opts.clock, env: opts.env ?? {},
    bus: { initialBackoffMs: 5, maxBackoffMs: 20 }, faults: opts.faults, concurrency: opts.concurrency,
  });
  const { engine, backends } = local;
  const published: Published[] = [];
  const publish = backends.bus.publish.bind(backends.bus);
  backends.bus.publish = (topic, message) => {
    published.push({ topic, message: structuredClone(message) });
    return publish(topic, message);
  };
  const entries: LogEntry[] = [];
  engine.log.listeners.push((e) => void entries.push(e));
  const tableOf = (ref: string) => {
    const a = plan.assets.get(ref);
    if (a?.kind !== 'table') throw new Error(`${ref} is not a table of the spec`);
    return a as TablePlan;
  };
  let seeded = 0;
  return {
    ...local, dir, plan, published, entries,
    updatesOf: (asset) => published.filter((p) => p.message.data.event_type === 'table_updated' && p.message.data.asset === asset),
    logged: (event, processor) => entries.filter((e) => e.event === event && (processor === undefined || e.processor === processor)),
    rows: (table, partition = DAY) => backends.warehouse.read(tableOf(table), { partitions: [partition] }),
    state: (collection, id) => backends.state.get(collection, id),
    given: {
      async update(table, partition, rows) {
        const t = tableOf(table);
        const checked = checkRows(t, plan.partition.key, partition, rows);
        const res = await backends.warehouse.write(t, { partition, rows: checked, mode: 'replace' });
        const executionId = `seed-${++seeded}`;
        const now = engine.now();
        const v = await backends.state.transaction(async (tx) => {
          const prev = await tx.get<PartitionVersion>('versions', ids.version(table, partition));
          const next: PartitionVersion = { asset: table, partition, version: (prev?.version ?? 0) + 1, rows: res.rows, updatedAt: now, changedEntities: null, executionId, correlationId: executionId };
          tx.set('versions', ids.version(table, partition), next);
          tx.set('entity_hashes', ids.hashes(table, partition), { asset: table, partition, groups: entityGroups(t, checked) });
          return next;
        });
        return {
          type: 'asset_updated', asset: table, partition, version: v.version, changedEntities: null, rows: v.rows, executionId, processor: plan.writerOf.get(table),
          status: 'success', backfill: null, emittedAt: now, origin: 'engine', correlationId: executionId, parents: [],
        };
      },
    },
    async cleanup() {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A promise a test releases by hand: a processor awaits `hold` to stay "running". */
export function latch(): { hold: Promise<void>; release: () => void; reached: Promise<void>; arrive: () => void } {
  let release!: () => void;
  let arrive!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (arrive = r));
  return { hold, release, reached, arrive };
}

/** Wait until `cond` holds, polling on the event loop (bounded, so a broken story fails instead of hanging). */
export async function until(cond: () => boolean | Promise<boolean>, what = 'condition', boundMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > boundMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
