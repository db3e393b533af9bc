// Integration tests on the real Pub/Sub and Firestore emulators: one emulator pair per test file,
// the engine's GCP backends on them (PubSubBus, FirestoreStateStore, FirestoreDocumentStore; the
// DuckDB warehouse and files stand in for BigQuery and GCS, which have no emulator — their adapters
// have HTTP-boundary contract tests in tests/backends-gcp), service instances on 127.0.0.1 behind a
// round-robin proxy (proxy.ts), the plan's topology applied with push subscriptions to the proxy and
// observation subscriptions (pubsub.ts), per-call-site state counters and a way to kill an instance
// hard (metered-state.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
// The Firestore and Pub/Sub adapters directly (not backends/gcp/index.js, which also loads BigQuery and GCS).
import { FirestoreDocumentStore } from '../../engine/backends/gcp/firestore-documents.js';
import { FirestoreStateStore } from '../../engine/backends/gcp/firestore-state.js';
import { PubSubBus } from '../../engine/backends/gcp/pubsub-bus.js';
import { DuckDbWarehouse, FsObjectStore, systemClock } from '../../engine/backends/local/index.js';
import { toWire } from '../../engine/core/messages.js';
import type { AssetUpdated, EngineEvent, PartitionVersion } from '../../engine/core/types.js';
import { topologyOf } from '../../engine/infra/topology.js';
import type { Backends, Bus, Clock, LogEntry, Row, WireMessage } from '../../engine/ports.js';
import { Engine } from '../../engine/runtime/engine.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import type { EngineFaults } from '../../engine/runtime/faults.js';
import { ids } from '../../engine/runtime/keys.js';
import type { DefinedProcessor } from '../../engine/runtime/processor.js';
import { checkRows, entityGroups } from '../../engine/runtime/rows.js';
import type { ServiceLogger } from '../../engine/service/log.js';
import { createService, type Service } from '../../engine/service/server.js';
import type { Plan, TablePlan } from '../../engine/spec/plan.js';
import { emulatorTestOptions } from '../harness/emulator-process.js';
import { resetFirestore, startFirestoreEmulator, type RunningEmulator } from '../harness/firestore-emulator.js';
import { startPubSubEmulator } from '../harness/pubsub-emulator.js';
import { InstanceKilled, MeteredState } from './metered-state.js';

import { startProxy, type InstanceProxy } from './proxy.js';
import { applyTopology, observe, type AppliedTopology, type Observer } from './pubsub.js';

export { startProxy, type InstanceProxy, type ProxiedRequest } from './proxy.js';
export { applyTopology, observe, pullMessages, type AppliedTopology, type Observed, type Observer } from './pubsub.js';
export { describeSites, engineSite, total, type SiteStats } from './metered-state.js';

/** `{ skip }` for describe() without gcloud; throws under CI=true (a missing emulator must not pass). */
export const integrationOptions = () => emulatorTestOptions('Pub/Sub + Firestore');

// ---------------------------------------------------------------- emulators

export interface Emulators {
  pubsub: RunningEmulator;
  firestore: RunningEmulator;
  /** A project id no other test (or test file) uses. */
  project(name: string): string;
  resetFirestore(project: string): Promise<void>;
  stop(): Promise<void>;
}

let projects = 0;

/** Start both emulators (in parallel) and point the clients of this process at them. */
export async function startEmulators(): Promise<Emulators> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const [ps, fs] = await Promise.allSettled([startPubSubEmulator(), startFirestoreEmulator()]);
  if (ps.status === 'rejected' || fs.status === 'rejected') {
    if (ps.status === 'fulfilled') await ps.value.stop();
    if (fs.status === 'fulfilled') await fs.value.stop();
    throw ps.status === 'rejected' ? ps.reason : (fs as PromiseRejectedResult).reason;
  }
  process.env.PUBSUB_EMULATOR_HOST = ps.value.host;
  process.env.FIRESTORE_EMULATOR_HOST = fs.value.host;
  const stamp = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  return {
    pubsub: ps.value,
    firestore: fs.value,
    project: (name) => `it-${name}-${stamp}-${++projects}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30).replace(/-+$/, ''),
    resetFirestore: (project) => resetFirestore(fs.value.host, project),
    async stop() {
      await Promise.allSettled([ps.value.stop(), fs.value.stop()]);
    },
  };
}

// ---------------------------------------------------------------- backends

/** A clock that reads the system time plus an offset the test moves forward. */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  sleep(ms: number): Promise<void> {
    return systemClock.sleep(ms);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface IntegrationBackends extends Backends {
  kind: 'gcp';
  project: string;
  firestore: Firestore;
  bus: PubSubBus;
  /** The Firestore state store, metered per call site (`firestoreState` is the store itself). */
  state: MeteredState;
  firestoreState: FirestoreStateStore;
  documents: FirestoreDocumentStore;
  warehouse: DuckDbWarehouse;
  objects: FsObjectStore;
  /** Calls per port method other than the state store's (`warehouse.write`, `objects.put`, `bus.publish`, ...). */
  calls: Map<string, number>;
  /** Every port refuses every call from now on (the process "died"); close() still frees the clients. */
  kill(): void;
}

/**
 * Count every method call of a port (`counts['warehouse.write']`), and make them all fail once
 * `dead()` holds (close and the adapters' own counters stay usable).
 */
function metered<T extends object>(target: T, what: string, dead: () => boolean, counts: Map<string, number>): T {
  const open = new Set(['close', 'ops', 'counters', 'constructor']);
  return new Proxy(target, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t) as unknown;
      if (typeof v !== 'function' || open.has(String(prop))) return v;
      return (...args: unknown[]) => {
        if (dead()) return Promise.reject(new InstanceKilled(`${what}: this instance was killed`));
        counts.set(`${what}.${String(prop)}`, (counts.get(`${what}.${String(prop)}`) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

/**
 * Backends for one service instance: its own Pub/Sub and Firestore clients (as a separate process
 * would have), and the warehouse and objects under `dir` (shared by every instance on that dir: the
 * DuckDB file is opened once per process and reference-counted).
 */
export async function gcpBackends(opts: { plan: Plan; project: string; dir: string; clock?: Clock }): Promise<IntegrationBackends> {
  const { plan, project, dir } = opts;
  const firestore = new Firestore({ projectId: project });
  const firestoreState = new FirestoreStateStore({ firestore });
  const state = new MeteredState(firestoreState);
  const bus = new PubSubBus({ projectId: project, topics: topologyOf(plan).topics.map((t) => t.name) });
  const warehouse = await DuckDbWarehouse.open(path.join(dir, 'warehouse.duckdb'));
  await warehouse.ensureTables(plan);
  let dead = false;
  let closed: Promise<void> | undefined;
  const isDead = () => dead;
  const calls = new Map<string, number>();
  return {
    kind: 'gcp',
    project,
    firestore,
    firestoreState,
    state,
    calls,
    bus: metered(bus, 'bus', isDead, calls),
    documents: metered(new FirestoreDocumentStore({ firestore }), 'documents', isDead, calls),
    warehouse: metered(warehouse, 'warehouse', isDead, calls),
    objects: metered(new FsObjectStore(dir), 'objects', isDead, calls),
    clock: opts.clock ?? systemClock,
    kill() {
      dead = true;
      state.kill();
    },
    close() {
      closed ??= (async () => {
        const r = await Promise.allSettled([bus.close(), warehouse.close()]);
        await firestore.terminate();
        const failed = r.find((x): x is PromiseRejectedResult => x.status === 'rejected');
        if (failed) throw failed.reason;
      })();
      return closed;
    },
  };
}

// ---------------------------------------------------------------- instances

export interface LogLine {
  severity: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface Instance {
  name: string;
  url: string;
  engine: Engine;
  service: Service;
  backends: IntegrationBackends;
  /** Structured service log lines. */
  lines: LogLine[];
  /** Execution-log entries this instance recorded. */
  entries: LogEntry[];
  logged(event: string, processor?: string): LogEntry[];
  /** Graceful: drain in-flight runs (bounded), close the server and the backends. */
  stop(): Promise<void>;
  /** Hard: drop every connection, refuse every backend call; the engine is abandoned mid-flight. */
  kill(): void;
}

export async function startInstance(opts: {
  plan: Plan;
  backends: IntegrationBackends;
  processors: Record<string, DefinedProcessor>;
  port?: number;
  name?: string;
  faults?: EngineFaults;
  /** The processors' environment (ctx.env), e.g. a source's base URL. */
  env?: Record<string, string>;
}): Promise<Instance> {
  const { plan, backends } = opts;
  const name = opts.name ?? 'instance';
  const env = opts.env ?? {};
  const engine = new Engine({ plan, backends, executor: new ModuleExecutor(env, opts.processors), env, faults: opts.faults });
  const lines: LogLine[] = [];
  const logger: ServiceLogger = { log: (severity, message, fields) => void lines.push({ severity, message, fields }) };
  const entries: LogEntry[] = [];
  engine.log.listeners.push((e) => void entries.push(e));
  const service = createService({ engine, logger, version: 'integration', backend: 'gcp' });
  const port = await service.listen(opts.port ?? 0, '127.0.0.1');
  let stopped: Promise<void> | undefined;
  return {
    name, url: `http://127.0.0.1:${port}`, engine, service, backends, lines, entries,
    logged: (event, processor) => entries.filter((e) => e.event === event && (processor === undefined || e.processor === processor)),
    stop() {
      stopped ??= (async () => {
        await service.shutdown(3000).catch(() => undefined);
        await engine.log.flush().catch(() => undefined);
        await backends.close();
      })();
      return stopped;
    },
    kill() {
      backends.kill();
      service.server.closeAllConnections();
      service.server.close();
    },
  };
}

// ---------------------------------------------------------------- state, data and waiting

/**
 * `table` was written for `partition` as its writer would leave it (rows in the warehouse, a new
 * version and entity hashes in Firestore); returns the update event, unpublished.
 */
export async function seedTable(engine: Engine, table: string, partition: string, rows: Row[], executionId: string): Promise<AssetUpdated> {
  const { plan, backends } = engine;
  const t = plan.assets.get(table) as TablePlan;
  const checked = checkRows(t, plan.partition.key, partition, rows);
  const res = await backends.warehouse.write(t, { partition, rows: checked, mode: 'replace' });
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
}

/** Every message `bus` publishes goes to Pub/Sub twice (so every push is delivered twice). */
export function doubleDelivery(bus: Bus): void {
  const publish = bus.publish.bind(bus);
  bus.publish = async (topic, message) => {
    const [id] = await Promise.all([publish(topic, message), publish(topic, message)]);
    return id;
  };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, boundMs = 15_000, everyMs = 100): Promise<void> {
  const until = Date.now() + boundMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `method: n` for the port calls of some instances, summed (a diagnostic line). */
export function describeCalls(instances: Instance[], runs = 1): string {
  const sum = new Map<string, number>();
  for (const i of instances) for (const [k, n] of i.backends.calls) sum.set(k, (sum.get(k) ?? 0) + n);
  const per = (n: number) => (runs === 1 ? String(n) : (n / runs).toFixed(2).replace(/\.00$/, ''));
  return [...sum].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${per(n)}`).join(', ');
}

export async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A Pub/Sub push envelope for `data` (what the emulator POSTs to /events/{topic}). */
export function pushEnvelope(data: unknown, messageId: string, subscription = 'projects/p/subscriptions/s') {
  return JSON.stringify({ message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes: {}, messageId, publishTime: new Date().toISOString() }, subscription });
}

/** A temp folder removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pipeline-it-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}


// ---------------------------------------------------------------- a whole setup

export interface World {
  project: string;
  plan: Plan;
  dir: string;
  instances: Instance[];
  proxy: InstanceProxy;
  topology: AppliedTopology;
  observer: Observer;
  /** Publish an engine event on a topic (a real Pub/Sub publish, from the test's own client). */
  publish(topic: string, event: EngineEvent): Promise<string>;
  /** Publish any message body (and attributes) on a topic. */
  publishWire(topic: string, message: WireMessage): Promise<string>;
  /** Stop everything, whatever state the test left it in; Firestore is reset for the project. */
  cleanup(): Promise<void>;
}

/**
 * `n` instances of the service for `plan` on their own clients, the proxy in front of them, the
 * topology pushing to the proxy, and observation subscriptions on `observe` topics.
 */
export async function startWorld(emu: Emulators, opts: {
  name: string;
  plan: Plan;
  processors: (instance: string) => Record<string, DefinedProcessor>;
  instances?: number;
  clocks?: Clock[];
  faults?: (instance: string) => EngineFaults | undefined;
  env?: Record<string, string>;
  observe?: string[];
}): Promise<World> {
  const project = emu.project(opts.name);
  const tmp = tempDir(opts.name);
  const instances: Instance[] = [];
  const done: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const f of done.reverse()) await f().catch((e: Error) => console.error(`cleanup: ${e.message}`));
    done.length = 0;
    await emu.resetFirestore(project).catch(() => undefined);
    tmp.remove();
  };
  try {
    for (let i = 0; i < (opts.instances ?? 1); i++) {
      const name = String.fromCharCode(65 + i);
      const backends = await gcpBackends({ plan: opts.plan, project, dir: tmp.dir, clock: opts.clocks?.[i] });
      done.push(() => backends.close());
      const inst = await startInstance({ plan: opts.plan, backends, processors: opts.processors(name), name, faults: opts.faults?.(name), env: opts.env });
      done.push(() => inst.stop());
      instances.push(inst);
    }
    const proxy = await startProxy(instances.map((i) => i.url));
    done.push(() => proxy.close());
    const topology = await applyTopology(opts.plan, proxy.url, project);
    done.push(() => topology.close());
    const observer = await observe(topology.client, opts.observe ?? []);
    done.push(() => observer.close());
    const publishWire = (topic: string, m: WireMessage) => topology.client.topic(topic).publishMessage({ data: Buffer.from(JSON.stringify(m.data), 'utf8'), attributes: m.attributes });
    return {
      project, plan: opts.plan, dir: tmp.dir, instances, proxy, topology, observer, cleanup, publishWire,
      publish: (topic, event) => publishWire(topic, toWire(opts.plan, event)),
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
