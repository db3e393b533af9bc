// The Firestore state store as an integration test sees it: every port call counted per call site
// (claim, lease check, completion, outbox delete, gate, ... — named from the caller's stack frame), and
// a kill switch that makes a "crashed" instance's store refuse everything, commits included.
//
// Per call site: `calls` = port calls (one transaction, get or query = one Firestore operation);
// `rpcs` = round trips (each batched get or query a transaction attempt sent — as counted by the
// Firestore transaction itself —, each commit, each standalone get/query; a write-only transaction is
// one commit); `reads` / `writes` = documents (the billed units).
// FirestoreStateStore.ops() gives the exact totals; these are the breakdown.
import type { FirestoreStateStore, FirestoreTx } from '../../engine/backends/gcp/firestore-state.js';
import type { Collection, DocKey, Filter, StateStore, StateTx } from '../../engine/ports.js';

export interface SiteStats {
  calls: number;
  attempts: number;
  rpcs: number;
  /** Batched document reads (BatchGetDocuments) inside transactions: one per attempt when it reads up front. */
  batchGets: number;
  reads: number;
  writes: number;
}

export class InstanceKilled extends Error {
  override name = 'InstanceKilled';
}

/** Engine function → what it does with the state store (the rest are named `function@file`). */
const SITES: Record<string, string> = {
  runCandidate: 'claim (decide + lease)',
  ensureLease: 'lease check before write',
  complete: 'complete (version + success + outbox)',
  dispatch: 'outbox delete after publish',
  failRun: 'record failure',
  evaluateGateNow: 'gate evaluation',
  afterSettle: 'stage advance',
  evaluateCheck: 'check',
  measure: 'check',
  recordExternal: 'external update',
  reconcile: 'reconciler',
  recentPartitions: 'reconciler',
  advanceStage: 'reconciler',
  settleDueFanOuts: 'reconciler',
  status: 'GET /status',
  trace: 'GET /trace',
};

function callSite(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    if (f.includes('metered-state.ts') || f.includes('node:internal') || f.includes('node_modules')) continue;
    const m = /at (?:async )?([^\s(]+) \((?:.*[/\\])?([^/\\:]+):\d+:\d+\)/.exec(f);
    if (!m) continue;
    const fn = m[1]!.split('.').pop()!;
    if (SITES[fn]) return SITES[fn]!;
    if (m[2] === 'inspect.ts') return 'GET /status';
    if (m[2] === 'run.ts' && fn === '<anonymous>') return 'lease renewal';
    return `${fn}@${m[2]}`;
  }
  return 'unknown';
}

export class MeteredState implements StateStore {
  readonly sites = new Map<string, SiteStats>();
  private dead = false;

  constructor(readonly inner: FirestoreStateStore) {}

  kill(): void {
    this.dead = true;
  }

  alive(): void {
    if (this.dead) throw new InstanceKilled('this instance was killed: its state store refuses every call');
  }

  private stats(site: string): SiteStats {
    let s = this.sites.get(site);
    if (!s) this.sites.set(site, (s = { calls: 0, attempts: 0, rpcs: 0, batchGets: 0, reads: 0, writes: 0 }));
    return s;
  }

  /** Counters per call site (a copy), optionally only the sites `keep` accepts. */
  snapshot(keep: (site: string) => boolean = () => true): Map<string, SiteStats> {
    return new Map([...this.sites].filter(([k]) => keep(k)).map(([k, v]) => [k, { ...v }]));
  }

  reset(): void {
    this.sites.clear();
  }

  async transaction<T>(fn: (tx: StateTx) => Promise<T>): Promise<T> {
    this.alive();
    const s = this.stats(callSite());
    s.calls++;
    return this.inner.transaction(async (tx) => {
      s.attempts++;
      const metered = new MeteredTx(tx, this);
      // The round trips and documents the Firestore transaction itself sent and read (an attempt reads
      // each document once; what it read up front in one batch is served from its read set).
      const counts = (tx as FirestoreTx).counts;
      try {
        const out = await fn(metered);
        // A killed process never reaches its commit.
        this.alive();
        if (counts.rpcs || metered.written.size) s.rpcs++;
        s.writes += metered.written.size;
        return out;
      } finally {
        s.rpcs += counts.rpcs;
        s.batchGets += counts.batchGets;
        s.reads += counts.reads;
      }
    });
  }

  async swap<T extends object>(collection: Collection, id: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    this.alive();
    const s = this.stats(callSite());
    s.calls++;
    const out = await this.inner.swap<T>(collection, id, (cur) => {
      // Each attempt: one read, and (when fn writes) one precondition write.
      s.attempts++;
      s.rpcs++;
      s.reads++;
      const next = fn(cur);
      // A killed process never reaches its write.
      if (next !== undefined) this.alive();
      return next;
    });
    if (out !== undefined) {
      s.rpcs++;
      s.writes++;
    }
    return out;
  }

  async get<T>(collection: Collection, id: string): Promise<T | undefined> {
    this.alive();
    const s = this.stats(callSite());
    s.calls++;
    s.attempts++;
    s.rpcs++;
    s.reads++;
    return this.inner.get<T>(collection, id);
  }

  async query<T>(collection: Collection, filter: Filter): Promise<T[]> {
    this.alive();
    const s = this.stats(callSite());
    s.calls++;
    s.attempts++;
    s.rpcs++;
    const out = await this.inner.query<T>(collection, filter);
    s.reads += Math.max(1, out.length);
    return out;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

class MeteredTx implements StateTx {
  readonly written = new Set<string>();

  constructor(private readonly tx: StateTx, private readonly owner: MeteredState) {}

  get<T>(collection: Collection, id: string): Promise<T | undefined> {
    this.owner.alive();
    return this.tx.get<T>(collection, id);
  }

  getMany<T>(collection: Collection, ids: string[]): Promise<(T | undefined)[]> {
    this.owner.alive();
    return this.tx.getMany<T>(collection, ids);
  }

  getAll(keys: readonly DocKey[]): Promise<unknown[]> {
    this.owner.alive();
    return this.tx.getAll(keys);
  }

  query<T>(collection: Collection, filter: Filter): Promise<T[]> {
    this.owner.alive();
    return this.tx.query<T>(collection, filter);
  }

  set<T extends object>(collection: Collection, id: string, doc: T): void {
    this.owner.alive();
    this.written.add(`${collection}/${id}`);
    this.tx.set(collection, id, doc);
  }

  delete(collection: Collection, id: string): void {
    this.owner.alive();
    this.written.add(`${collection}/${id}`);
    this.tx.delete(collection, id);
  }
}

/** Sites of the engine's own work: not the read endpoints, not the test's own look-ups. */
export const engineSite = (site: string) => !site.startsWith('GET ') && !/(\.test|@support)\.ts$/.test(site);

/** Sum of several sites' stats. */
export function total(stats: Iterable<SiteStats>): SiteStats {
  const t: SiteStats = { calls: 0, attempts: 0, rpcs: 0, batchGets: 0, reads: 0, writes: 0 };
  for (const s of stats) for (const k of Object.keys(t) as Array<keyof SiteStats>) t[k] += s[k];
  return t;
}

/** `site: calls/rpcs/reads/writes` lines for a diagnostic print, per run when `runs` is given. */
export function describeSites(stats: Map<string, SiteStats>, runs = 1): string {
  const per = (n: number) => (runs === 1 ? String(n) : (n / runs).toFixed(2).replace(/\.00$/, ''));
  return [...stats]
    .sort((a, b) => b[1].calls - a[1].calls)
    .map(([site, s]) => `${site}: ${per(s.calls)} op, ${per(s.rpcs)} rpc, ${per(s.reads)} doc reads, ${per(s.writes)} doc writes`)
    .join('; ');
}
