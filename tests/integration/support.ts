// Integration tests on the real Pub/Sub and Firestore emulators: one emulator pair per test file,
// the engine's GCP backends on them (PubSubBus, FirestoreStateStore, FirestoreDocumentStore; the
// DuckDB warehouse and files stand in for BigQuery and GCS, which have no emulator — their adapters
// have HTTP-boundary contract tests in tests/backends-gcp), service instances on 127.0.0.1 behind a
// round-robin proxy (proxy.ts), the plan's topology applied with push subscriptions to the proxy,
// observation subscriptions that count what went on a topic, and a way to kill an instance hard.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { v1, type Message, type PubSub, type Subscription } from '@google-cloud/pubsub';
import { FirestoreDocumentStore, FirestoreStateStore, PubSubBus } from '../../engine/backends/gcp/index.js';
import { DuckDbWarehouse, FsObjectStore, systemClock } from '../../engine/backends/local/index.js';
import type { AssetUpdated, PartitionVersion } from '../../engine/core/types.js';
import { applyPubSub, type ApplyResult } from '../../engine/infra/apply.js';
import { ownedBy } from '../../engine/infra/diff.js';
import { desiredState, pubsubClient } from '../../engine/infra/pubsub-state.js';
import { topologyOf } from '../../engine/infra/topology.js';
import { toWire } from '../../engine/core/messages.js';
import type { EngineEvent } from '../../engine/core/types.js';
import type { Backends, Clock, LogEntry, Row } from '../../engine/ports.js';
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

import { startProxy, type Proxy } from './proxy.js';

export { startProxy, type Proxy, type ProxiedRequest } from './proxy.js';
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
  /** Every port refuses every call from now on (the process "died"); close() still frees the clients. */
  kill(): void;
}

/** Make every method of a port fail once `dead()` holds (close and counters stay usable). */
function killable<T extends object>(target: T, dead: () => boolean, what: string): T {
  const open = new Set(['close', 'ops', 'counters', 'constructor']);
  return new Proxy(target, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t) as unknown;
      if (typeof v !== 'function' || open.has(String(prop))) return v;
      return (...args: unknown[]) => (dead() ? Promise.reject(new InstanceKilled(`${what}: this instance was killed`)) : (v as (...a: unknown[]) => unknown).apply(t, args));
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
  return {
    kind: 'gcp',
    project,
    firestore,
    firestoreState,
    state,
    bus: killable(bus, isDead, 'Pub/Sub'),
    documents: killable(new FirestoreDocumentStore({ firestore }), isDead, 'Firestore documents'),
    warehouse: killable(warehouse, isDead, 'warehouse'),
    objects: killable(new FsObjectStore(dir), isDead, 'objects'),
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
}): Promise<Instance> {
  const { plan, backends } = opts;
  const name = opts.name ?? 'instance';
  const engine = new Engine({ plan, backends, executor: new ModuleExecutor({}, opts.processors), env: {}, faults: opts.faults });
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

// ---------------------------------------------------------------- topology and observation

export interface AppliedTopology {
  result: ApplyResult;
  client: PubSub;
  /** Delete the push subscriptions (so the emulator stops pushing to a closed proxy) and close. */
  close(): Promise<void>;
}

/**
 * `pipeline infra apply --emulator` for `plan` in `project`: topics, DLQ topics with pull
 * subscriptions, and push subscriptions to `{endpointBase}/events/{topic}` with the plan's
 * dead-letter and retry policies (engine/infra/apply.ts).
 */
export async function applyTopology(plan: Plan, endpointBase: string, project: string): Promise<AppliedTopology> {
  const t = topologyOf(plan);
  const client = pubsubClient({ project, emulatorHost: process.env.PUBSUB_EMULATOR_HOST });
  const result = await applyPubSub(client, desiredState(t, { serviceUrl: endpointBase }), ownedBy(t, plan.project.topicPrefix));
  return {
    result, client,
    async close() {
      await Promise.allSettled(t.topics.map((x) => client.subscription(x.push.name).delete()));
      await client.close();
    },
  };
}

export interface Observed {
  id: string;
  data: Record<string, unknown>;
  attributes: Record<string, string>;
}

export interface Observer {
  messages(topic: string): Observed[];
  /** Wait until `topic` holds at least `n` messages (bounded). */
  waitFor(topic: string, n: number, boundMs?: number): Promise<Observed[]>;
  close(): Promise<void>;
}

/** A pull subscription `{topic}-observe` per topic, read as a stream: what was published on it. */
export async function observe(client: PubSub, topics: string[]): Promise<Observer> {
  const seen = new Map<string, Observed[]>(topics.map((t) => [t, []]));
  const subs: Subscription[] = [];
  for (const topic of topics) {
    const [sub] = await client.topic(topic).createSubscription(`${topic}-observe`, { ackDeadlineSeconds: 30 });
    sub.on('message', (m: Message) => {
      seen.get(topic)!.push({ id: m.id, data: JSON.parse(m.data.toString('utf8')) as Record<string, unknown>, attributes: { ...m.attributes } });
      m.ack();
    });
    sub.on('error', () => undefined);
    subs.push(sub);
  }
  const messages = (topic: string) => seen.get(topic) ?? [];
  return {
    messages,
    async waitFor(topic, n, boundMs = 15_000) {
      await waitFor(() => messages(topic).length >= n, `${n} message(s) on ${topic} (have ${messages(topic).length})`, boundMs);
      return messages(topic);
    },
    async close() {
      await Promise.allSettled(subs.map(async (s) => {
        await s.close();
        await s.delete();
      }));
    },
  };
}

/** Pull `subscription` until `n` messages came (bounded) and acknowledge them. */
export async function pullMessages(client: PubSub, subscription: string, n: number, boundMs = 30_000): Promise<Observed[]> {
  const sub = new v1.SubscriberClient((await client.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
  const name = `projects/${client.projectId}/subscriptions/${subscription}`;
  const got: Observed[] = [];
  const until = Date.now() + boundMs;
  try {
    while (got.length < n) {
      if (Date.now() > until) throw new Error(`only ${got.length} of ${n} message(s) on ${subscription} after ${boundMs} ms`);
      const [res] = await sub.pull({ subscription: name, maxMessages: 100, returnImmediately: true });
      const received = res.receivedMessages ?? [];
      if (!received.length) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      await sub.acknowledge({ subscription: name, ackIds: received.map((m) => m.ackId!) });
      for (const m of received) {
        got.push({ id: m.message!.messageId!, data: JSON.parse(Buffer.from(m.message!.data!).toString('utf8')) as Record<string, unknown>, attributes: { ...(m.message!.attributes ?? {}) } });
      }
    }
    return got;
  } finally {
    await sub.close();
  }
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

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, boundMs = 15_000, everyMs = 100): Promise<void> {
  const until = Date.now() + boundMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
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
  proxy: Proxy;
  topology: AppliedTopology;
  observer: Observer;
  /** Publish an engine event on a topic through the first instance's bus (a real Pub/Sub publish). */
  publish(topic: string, event: EngineEvent): Promise<string>;
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
      const inst = await startInstance({ plan: opts.plan, backends, processors: opts.processors(name), name, faults: opts.faults?.(name) });
      done.push(() => inst.stop());
      instances.push(inst);
    }
    const proxy = await startProxy(instances.map((i) => i.url));
    done.push(() => proxy.close());
    const topology = await applyTopology(opts.plan, proxy.url, project);
    done.push(() => topology.close());
    const observer = await observe(topology.client, opts.observe ?? []);
    done.push(() => observer.close());
    return {
      project, plan: opts.plan, dir: tmp.dir, instances, proxy, topology, observer, cleanup,
      publish: (topic, event) => instances[0]!.backends.bus.publish(topic, toWire(opts.plan, event)),
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
