// What the state store's `Filter` means, for every backend. The stores translate it into their own
// queries (SQL over JSON documents locally, a Firestore query on GCP) and use this module for what
// they evaluate in JavaScript: documents buffered in an open transaction (so a transaction's queries
// see its own writes), the re-sort of Firestore results, and the whole query in the memory store.
//
// Equality is typed (the number 5 does not equal the string '5'); a range is inclusive and typed (a
// string range matches string values only; strings compare lexicographically — partitions are
// YYYY-MM-DD —, numbers numerically); results are ordered by the range field when given, then by id;
// `limit` keeps the first ones.
import type { Filter } from '../ports.js';

type Scalar = string | number | boolean;
type Doc = Record<string, unknown>;

/** A document and its id, as queries return them before ordering. */
export interface FilterHit {
  id: string;
  doc: Doc;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The field, when it is a top-level field name (letters, digits, _); otherwise an error. */
export function filterField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`state filter field "${field}" must be a top-level field name (letters, digits, _)`);
  return field;
}

/** The type of value a range matches: its bounds' type ('string' when it has none). */
export function rangeKind(range: NonNullable<Filter['range']>): 'string' | 'number' {
  const kinds = new Set([range.gte, range.lte].filter((v) => v !== undefined).map((v) => typeof v));
  if (kinds.size > 1) throw new Error(`state filter range on "${range.field}" mixes a string and a number bound`);
  return (kinds.values().next().value as 'string' | 'number' | undefined) ?? 'string';
}

/** Does a document match the filter? */
export function matchesFilter(doc: Doc, filter: Filter): boolean {
  for (const [field, value] of Object.entries(filter.eq ?? {})) {
    if (doc[field] !== value) return false;
  }
  const r = filter.range;
  if (r) {
    const v = doc[r.field];
    if (typeof v !== rangeKind(r)) return false;
    if (r.gte !== undefined && (v as Scalar) < r.gte) return false;
    if (r.lte !== undefined && (v as Scalar) > r.lte) return false;
  }
  return true;
}

/** Orders hits by the range field (when given), then by id. */
export function compareForFilter(filter: Filter): (a: FilterHit, b: FilterHit) => number {
  const field = filter.range?.field;
  return (a, b) => {
    if (field !== undefined) {
      const x = a.doc[field] as Scalar;
      const y = b.doc[field] as Scalar;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** The first `limit` hits (all without a limit). */
export function limitHits(hits: FilterHit[], limit: number | undefined): FilterHit[] {
  return limit === undefined ? hits : hits.slice(0, Math.max(0, Math.floor(limit)));
}

/** The filter over documents in memory: the matching ones, ordered, limited. */
export function filterDocs(docs: Iterable<FilterHit>, filter: Filter): FilterHit[] {
  return limitHits([...docs].filter((h) => matchesFilter(h.doc, filter)).sort(compareForFilter(filter)), filter.limit);
}

/**
 * A transaction's query result: what the store returned (filtered, and asked for `limit` plus the
 * number of buffered writes, so that these cannot push results out of the limit) minus the
 * documents the transaction has written or deleted, plus its buffered documents (`doc` undefined
 * for a delete) that match; ordered and limited.
 */
export function overlayWrites(filter: Filter, stored: readonly FilterHit[], buffered: ReadonlyArray<{ id: string; doc: Doc | undefined }>): FilterHit[] {
  const written = new Set(buffered.map((w) => w.id));
  const merged = stored.filter((r) => !written.has(r.id));
  for (const w of buffered) if (w.doc !== undefined && matchesFilter(w.doc, filter)) merged.push({ id: w.id, doc: w.doc });
  return limitHits(merged.sort(compareForFilter(filter)), filter.limit);
}
