// Registry of the generators' memo caches, so tests and benchmarks can drop them and
// prove that output does not depend on what was generated (or cached) before.

const clearers: Array<() => void> = [];

export function registerCache(clear: () => void): void {
  clearers.push(clear);
}

export function clearCaches(): void {
  for (const c of clearers) c();
}

/** `build` memoised per seed (at most 17 seeds: past that the cache starts over), dropped by clearCaches. */
export function memoBySeed<T>(build: (seed: number) => T): (seed: number) => T {
  const cache = new Map<number, T>();
  registerCache(() => cache.clear());
  return (seed) => {
    let v = cache.get(seed);
    if (v === undefined) {
      v = build(seed);
      if (cache.size > 16) cache.clear();
      cache.set(seed, v);
    }
    return v;
  };
}
