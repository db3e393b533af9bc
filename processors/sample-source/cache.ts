// Registry of the generators' memo caches, so tests and benchmarks can drop them and
// prove that output does not depend on what was generated (or cached) before.

const clearers: Array<() => void> = [];

export function registerCache(clear: () => void): void {
  clearers.push(clear);
}

export function clearCaches(): void {
  for (const c of clearers) c();
}
