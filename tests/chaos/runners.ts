// Runners of the fault harness: each is an Engine with its own runner identity over the SHARED backends
// (one state store, one warehouse, one bus), as several processes of one deployment would be. A runner
// can be armed to die at a chosen point — before or after its n-th state commit, after a warehouse write,
// before or after a publish — and from then on every port call it makes fails, as for a killed process.
// Its death is known to the others (a process on this host) or not (elsewhere: its leases must expire).
import type { RunnerId } from '../../engine/core/types.js';
import type { Backends, Bus, DocumentStore, ObjectStore, StateStore, Warehouse } from '../../engine/ports.js';
import type { Plan } from '../../engine/spec/plan.js';
import { Engine } from '../../engine/runtime/engine.js';
import type { Executor } from '../../engine/runtime/executor.js';
import { SimulatedCrash } from '../../engine/runtime/faults.js';
import type { Liveness } from '../../engine/runtime/runner.js';

export type CrashPoint = 'before-commit' | 'after-commit' | 'after-write' | 'before-publish' | 'after-publish';
export const CRASH_POINTS: readonly CrashPoint[] = ['before-commit', 'after-commit', 'after-write', 'before-publish', 'after-publish'];

export interface Armed {
  point: CrashPoint;
  /** Die at the n-th such call from now on. */
  n: number;
}

export interface WriteThenThrow {
  processor: string;
  terminal: boolean;
}

/** Where a crash happened: the engine function that made the fatal port call (for the coverage table). */
function site(): string {
  for (const f of (new Error().stack ?? '').split('\n').slice(2)) {
    if (f.includes('/tests/chaos/') || f.includes('node:internal') || f.includes('node_modules')) continue;
    const m = /at (?:async )?([^\s(]+) \((?:.*[/\\])?([^/\\:]+):\d+:\d+\)/.exec(f);
    if (m) return `${m[1]!.split('.').pop()}@${m[2]}`;
  }
  return 'unknown';
}

export class Runner {
  alive = true;
  /** After death: whether the others can tell (same host) or must wait for its leases to expire. */
  knownDead = false;
  armed: Armed | undefined;
  crashedAt: string | undefined;
  private counts: Record<CrashPoint, number> = { 'before-commit': 0, 'after-commit': 0, 'after-write': 0, 'before-publish': 0, 'after-publish': 0 };
  readonly engine: Engine;

  constructor(
    readonly name: string,
    readonly id: RunnerId,
    shared: Backends,
    opts: { plan: Plan; executor: Executor; liveness: Liveness; leaseTtlMs: number; newId: () => string; writeThenThrow: (processor: string) => WriteThenThrow | undefined },
  ) {
    const backends: Backends = {
      kind: shared.kind,
      clock: shared.clock,
      bus: this.bus(shared.bus),
      state: this.state(shared.state),
      warehouse: this.warehouse(shared.warehouse),
      objects: this.objects(shared.objects),
      documents: this.documents(shared.documents),
      close: async () => undefined,
    };
    this.engine = new Engine({
      plan: opts.plan, backends, executor: opts.executor, runner: id, liveness: opts.liveness, leaseTtlMs: opts.leaseTtlMs, newId: opts.newId, concurrency: 2,
      faults: {
        throwAfterWrite: (processor) => {
          const w = opts.writeThenThrow(processor);
          if (!w) return undefined;
          return Object.assign(new Error(`${processor}: failed after writing its rows (injected)`), { name: w.terminal ? 'InjectedTerminal' : 'InjectedRetryable', retryable: !w.terminal });
        },
      },
    });
  }

  arm(a: Armed | undefined): void {
    this.armed = a;
    for (const k of CRASH_POINTS) this.counts[k] = 0;
  }

  /** Every port call starts here: a dead runner's calls fail. */
  private check(): void {
    if (!this.alive) throw new SimulatedCrash(`runner ${this.name} is dead`);
  }

  /** Count a fault point; die there when it is the armed one. */
  private point(p: CrashPoint): void {
    if (!this.armed || this.armed.point !== p) return;
    if (++this.counts[p] < this.armed.n) return;
    this.die(`${p} ${site()}`);
    throw new SimulatedCrash(`runner ${this.name} died ${p}`);
  }

  die(where: string): void {
    this.alive = false;
    this.crashedAt = where;
    this.armed = undefined;
  }

  private state(inner: StateStore): StateStore {
    return {
      transaction: async (fn) => {
        this.check();
        this.point('before-commit');
        const r = await inner.transaction(fn);
        this.check(); // died while the transaction ran: the caller never sees the commit
        this.point('after-commit');
        return r;
      },
      swap: async (c, id, fn) => {
        this.check();
        this.point('before-commit');
        const r = await inner.swap(c, id, fn);
        this.check();
        this.point('after-commit');
        return r;
      },
      get: async (c, id) => (this.check(), inner.get(c, id)),
      query: async (c, f) => (this.check(), inner.query(c, f)),
      close: async () => undefined,
    };
  }

  private warehouse(inner: Warehouse): Warehouse {
    return {
      ensureTables: (p) => inner.ensureTables(p),
      read: async (t, q) => (this.check(), inner.read(t, q)),
      write: async (t, w) => {
        this.check();
        const r = await inner.write(t, w);
        this.point('after-write');
        return r;
      },
      stats: async (t, d) => (this.check(), inner.stats(t, d)),
      appendLog: async (e) => (this.check(), inner.appendLog(e)),
      queryLog: async (q) => (this.check(), inner.queryLog(q)),
      close: async () => undefined,
    };
  }

  private bus(inner: Bus): Bus {
    return {
      publish: async (topic, m) => {
        this.check();
        this.point('before-publish');
        const id = await inner.publish(topic, m);
        this.point('after-publish');
        return id;
      },
      deadLetter: async (t, m, r, a) => (this.check(), inner.deadLetter(t, m, r, a)),
      listDeadLetters: (o) => inner.listDeadLetters(o),
      markReplayed: (ids) => inner.markReplayed(ids),
      close: async () => undefined,
    };
  }

  private objects(inner: ObjectStore): ObjectStore {
    return {
      put: async (b, p, body, o) => (this.check(), inner.put(b, p, body, o)),
      get: async (b, p) => (this.check(), inner.get(b, p)),
      list: async (b, p) => (this.check(), inner.list(b, p)),
    };
  }

  private documents(inner: DocumentStore): DocumentStore {
    return {
      put: async (p, d) => (this.check(), inner.put(p, d)),
      get: async (p) => (this.check(), inner.get(p)),
      list: async (c) => (this.check(), inner.list(c)),
    };
  }
}
