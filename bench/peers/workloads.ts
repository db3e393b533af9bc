// The workloads every system runs, and what is measured of them. A system only has to start jobs and
// run their code inside `marks.step(...)`; the chain, fan-in and throughput figures, and the fan-in's
// correctness check, are computed here the same way for all of them.
import { performance } from 'node:perf_hooks';
import { Marks } from './marks.js';
import { percentile } from '../lib.js';

export const CHAIN = ['s1', 's2', 's3', 's4', 's5', 's6'] as const;
export const UPSTREAMS = ['u1', 'u2', 'u3', 'u4', 'u5'] as const;
export const DOWNSTREAM = 'd';
export const NOOP = 'n';

/** What a system under test offers the workloads. Partitions are fresh for every call. */
export interface PeerSystem {
  readonly name: string;
  readonly marks: Marks;
  /** Start the 6-step chain (s1 → … → s6) on each partition; each step starts the next when it returns. */
  startChains(partitions: string[]): Promise<void>;
  /** Submit u1…u5 twice each per group; d runs once all five have returned. */
  startFanIns(groups: string[]): Promise<void>;
  /** Submit one no-op job per partition. */
  startNoops(partitions: string[]): Promise<void>;
  /** Resolves when nothing is queued, running or scheduled (duplicates included). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const TIMEOUT_MS = Number(process.env.PEERS_TIMEOUT_MS ?? 120_000);

/** Fresh partition names: dates, since pipeline partitions by day (the peers take any string). */
export class Partitions {
  private n = 0;
  next(count: number): string[] {
    return Array.from({ length: count }, () => {
      const d = new Date(Date.UTC(2000, 0, 1) + this.n++ * 86_400_000);
      return d.toISOString().slice(0, 10);
    });
  }
}

/** Step i's return → step i+1's start, for every partition's chain. */
export function chainHandoffs(marks: Marks, partitions: string[]): number[] {
  const out: number[] = [];
  for (const p of partitions) {
    for (let i = 0; i + 1 < CHAIN.length; i++) {
      const a = marks.get(p, CHAIN[i]!)?.returns[0];
      const b = marks.get(p, CHAIN[i + 1]!)?.starts[0];
      if (a !== undefined && b !== undefined) out.push(b - a);
    }
  }
  return out;
}

export interface ChainSerial {
  p50: number;
  p99: number;
}

/** Chains one after another (one partition at a time): nothing queues behind a sibling. */
export async function chainSerial(sys: PeerSystem, parts: Partitions, chains: number): Promise<ChainSerial> {
  const ps = parts.next(chains);
  for (const p of ps) {
    await sys.startChains([p]);
    await sys.marks.returned([Marks.key(p, 's6')], TIMEOUT_MS, `${sys.name} chain`);
  }
  await sys.idle();
  const h = chainHandoffs(sys.marks, ps);
  return { p50: percentile(h, 50), p99: percentile(h, 99) };
}

/** All chains at once: wall time from the first submit to the last s6 returning. */
export async function chainParallel(sys: PeerSystem, parts: Partitions, partitions: number): Promise<{ wallMs: number }> {
  const ps = parts.next(partitions);
  const t0 = performance.now();
  await sys.startChains(ps);
  await sys.marks.returned(ps.map((p) => Marks.key(p, 's6')), TIMEOUT_MS, `${sys.name} parallel chains`);
  const last = Math.max(...ps.map((p) => sys.marks.get(p, 's6')!.returns[0]!));
  await sys.idle();
  return { wallMs: last - t0 };
}

export interface FanInCheck {
  ok: boolean;
  problems: string[];
  /** Per group: the last upstream's first return → the downstream's start. */
  gates: number[];
}

/**
 * The fan-in is right when, per group, every upstream returned at least once, the downstream started
 * exactly once, and it started only after the last of the five upstreams had returned.
 */
export function checkFanIn(marks: Marks, groups: string[]): FanInCheck {
  const problems: string[] = [];
  const gates: number[] = [];
  for (const g of groups) {
    const ups = UPSTREAMS.map((u) => marks.get(g, u)?.returns[0]);
    const missing = UPSTREAMS.filter((_, i) => ups[i] === undefined);
    const starts = marks.get(g, DOWNSTREAM)?.starts ?? [];
    if (missing.length) problems.push(`${g}: upstream ${missing.join(', ')} never returned`);
    if (starts.length !== 1) problems.push(`${g}: the downstream started ${starts.length} times, expected exactly once`);
    if (missing.length || !starts.length) continue;
    const ready = Math.max(...(ups as number[]));
    if (starts[0]! < ready) problems.push(`${g}: the downstream started ${(ready - starts[0]!).toFixed(2)} ms before its last upstream returned`);
    else gates.push(starts[0]! - ready);
  }
  return { ok: problems.length === 0, problems, gates };
}

export interface FanIn {
  wallMs: number;
  gateP50: number;
  check: FanInCheck;
}

/** Groups at once, every upstream submitted twice; checked after everything (duplicates too) settled. */
export async function fanIn(sys: PeerSystem, parts: Partitions, groups: number): Promise<FanIn> {
  const gs = parts.next(groups);
  const t0 = performance.now();
  await sys.startFanIns(gs);
  await sys.marks.returned(gs.map((g) => Marks.key(g, DOWNSTREAM)), TIMEOUT_MS, `${sys.name} fan-in`);
  const last = Math.max(...gs.map((g) => sys.marks.get(g, DOWNSTREAM)!.returns[0]!));
  await sys.idle();
  const check = checkFanIn(sys.marks, gs);
  return { wallMs: last - t0, gateP50: percentile(check.gates, 50), check };
}

/** N no-op jobs submitted at once: jobs per second from the first submit to the last return. */
export async function throughput(sys: PeerSystem, parts: Partitions, jobs: number): Promise<{ perSec: number }> {
  const ps = parts.next(jobs);
  const t0 = performance.now();
  await sys.startNoops(ps);
  await sys.marks.returned(ps.map((p) => Marks.key(p, NOOP)), TIMEOUT_MS, `${sys.name} throughput`);
  const last = Math.max(...ps.map((p) => sys.marks.get(p, NOOP)!.returns[0]!));
  await sys.idle();
  return { perSec: jobs / ((last - t0) / 1000) };
}
