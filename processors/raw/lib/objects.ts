// Stored source objects for a raw processor: parsing with a shape check (a drifted object fails the
// run naming its path) and "latest wins" selection by the {ts} in the object path.
import type { StoredObjectView } from 'pipeline/processor';
import { SourceFormatError } from 'pipeline/processor';
import { expectShape, type Shape } from '../../scrapers/lib/shape.js';
import { tsOfPath } from '../../scrapers/lib/timestamps.js';

export interface Parsed<T> {
  path: string;
  /** The object's {ts} ("20251115T223000Z"), '' if its name carries none. */
  ts: string;
  body: T;
}

/** Parse and shape-check an object (SourceFormatError naming the path when it is not JSON or drifted). */
export function parseObject<T>(o: StoredObjectView, shape: Shape | null): Parsed<T> {
  let body: unknown;
  try {
    body = o.json();
  } catch {
    throw new SourceFormatError(`stored object ${o.path} is not JSON`);
  }
  return { path: o.path, ts: tsOfPath(o.path), body: shape ? expectShape<T>(body, shape, `stored object ${o.path}`) : (body as T) };
}

function newer(a: StoredObjectView, b: StoredObjectView): boolean {
  const ta = tsOfPath(a.path);
  const tb = tsOfPath(b.path);
  return ta !== tb ? ta > tb : a.path > b.path;
}

/** The folder of a path ("a/b/c.json" → "a/b"). */
export const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/**
 * Per folder (one game, one event, one date), the object with the latest {ts} — a corrected or newer
 * scrape wins over an older one. Ties (same ts) fall back to the path, for determinism.
 */
export function latestPerFolder(objects: readonly StoredObjectView[]): StoredObjectView[] {
  const best = new Map<string, StoredObjectView>();
  for (const o of objects) {
    const f = folderOf(o.path);
    const cur = best.get(f);
    if (!cur || newer(o, cur)) best.set(f, o);
  }
  return [...best.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The single latest object of the partition (for date-level collections), or undefined. */
export function latestOf(objects: readonly StoredObjectView[]): StoredObjectView | undefined {
  let best: StoredObjectView | undefined;
  for (const o of objects) if (!best || newer(o, best)) best = o;
  return best;
}
