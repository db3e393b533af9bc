// Equality indexes over the memory state store's documents: for a (collection, field) the ids of the
// documents holding each scalar value. Built on the first query that filters on the field, kept up to
// date on every committed write after that. Only top-level scalar values are indexed: a filter's
// `eq` compares with `===` against a string, number or boolean, which no object or missing field
// equals (NaN is indexed like any number; the filter applied afterwards drops it, as `===` does).
import type { Collection, Filter } from '../../ports.js';

type Doc = Record<string, unknown> | undefined;
type Scalar = string | number | boolean;
type FieldIndex = Map<Scalar, Set<string>>;

const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export class EqualityIndexes {
  private readonly byCollection = new Map<Collection, Map<string, FieldIndex>>();

  /** The ids that can match `f`'s equality conditions, or undefined when it has none. */
  lookup(c: Collection, f: Filter, docs: ReadonlyMap<string, unknown>): ReadonlySet<string> | undefined {
    let best: ReadonlySet<string> | undefined;
    for (const [field, value] of Object.entries(f.eq ?? {})) {
      if (!isScalar(value)) continue; // not a valid filter value; left to the filter itself
      const ids = this.field(c, field, docs).get(value) ?? new Set<string>();
      if (best === undefined || ids.size < best.size) best = ids;
    }
    return best;
  }

  /** Keep the built indexes of `c` in step with a write of `id` (`next` undefined for a delete). */
  replace(c: Collection, id: string, prev: unknown, next: unknown): void {
    const fields = this.byCollection.get(c);
    if (!fields) return;
    for (const [field, index] of fields) {
      const before = (prev as Doc)?.[field];
      const after = (next as Doc)?.[field];
      if (before === after && isScalar(before)) continue;
      if (isScalar(before)) {
        const ids = index.get(before);
        ids?.delete(id);
        if (ids?.size === 0) index.delete(before);
      }
      if (isScalar(after)) add(index, after, id);
    }
  }

  private field(c: Collection, field: string, docs: ReadonlyMap<string, unknown>): FieldIndex {
    let fields = this.byCollection.get(c);
    if (!fields) this.byCollection.set(c, (fields = new Map()));
    let index = fields.get(field);
    if (!index) {
      index = new Map();
      for (const [id, doc] of docs) {
        const v = (doc as Doc)?.[field];
        if (isScalar(v)) add(index, v, id);
      }
      fields.set(field, index);
    }
    return index;
  }
}

function add(index: FieldIndex, value: Scalar, id: string): void {
  let ids = index.get(value);
  if (!ids) index.set(value, (ids = new Set()));
  ids.add(id);
}
