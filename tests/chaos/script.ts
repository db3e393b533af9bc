// What a seed decides before anything runs: a seeded random generator, and the world's story — the
// partitions, what each source holds at first, and the later source updates (values that move,
// entities that appear; some only after the gate fired, like a late re-scrape).
import { SOURCES, type Source, type World } from './world.js';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  };
}

export interface Rng {
  next(): number;
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export interface Update {
  source: Source;
  partition: string;
  /** item → new value (a new item appears). */
  changes: Record<string, number>;
  /** Only once a gate fired for the partition (a late re-scrape). */
  late: boolean;
}

export interface Script {
  partitions: string[];
  initial: World;
  updates: Update[];
}

export function makeScript(r: Rng): Script {
  const partitions = r.chance(0.35) ? ['2025-06-01', '2025-06-02'] : ['2025-06-01'];
  const initial = { src_a: {}, src_b: {}, src_c: {} } as World;
  for (const s of SOURCES)
    for (const d of partitions) {
      const items: Record<string, number> = { a: r.int(1, 9), b: r.int(1, 9), c: r.int(1, 9) };
      if (r.chance(0.5)) items.d = r.int(1, 9);
      initial[s][d] = items;
    }
  const updates: Update[] = [];
  for (let i = r.int(1, 3); i > 0; i--) {
    const source = r.pick(SOURCES);
    const partition = r.pick(partitions);
    const changes: Record<string, number> = {};
    for (let k = r.int(1, 2); k > 0; k--) changes[r.pick(['a', 'b', 'c', 'd', 'e'])] = r.int(10, 40);
    updates.push({ source, partition, changes, late: r.chance(0.3) });
  }
  return { partitions, initial, updates };
}

export function cloneWorld(w: World): World {
  return structuredClone(w);
}

export function apply(w: World, u: Update): void {
  w[u.source][u.partition] = { ...w[u.source][u.partition], ...u.changes };
}

/** The world after every update: what the outputs must reflect in the end. */
export function finalWorld(s: Script): World {
  const w = cloneWorld(s.initial);
  for (const u of s.updates) apply(w, u);
  return w;
}
