// Object-path segments: identifiers made path-safe the same way everywhere.

/** "20251115/BOSLAL" → "20251115_BOSLAL": no slashes (or other separators) inside one segment. */
export function pathSafe(id: string): string {
  const s = id.trim().replace(/[/\\\s:?#*]+/g, '_');
  if (!s || s === '.' || s === '..') throw new Error(`pathSafe: ${JSON.stringify(id)} is not usable as a path segment`);
  return s;
}
