// The state store's `Filter` as a Firestore query, with the semantics of ../filter.ts (which also
// evaluates it over a transaction's buffered documents): equality is typed (5 ≠ '5'), ranges are
// inclusive and typed (a string range matches string values only — Firestore orders by type first,
// so `>=`/`<=` never cross types either), results are ordered by the range field when given, then
// by id. (Firestore breaks ties by the escaped document id; results are re-sorted by the port's id.
// The two orders differ only for ids that differ at a `/` or `%`, and then only in which tied
// documents a `limit` keeps.)
//
// Indexes. Equality-only filters are served by Firestore's automatic single-field indexes (merged
// when there are several). Equality plus a range (ordered by the range field) needs a composite
// index per collection and field list: REQUIRED_INDEXES lists the ones the engine issues, and
// INDEX_EXEMPTIONS the large never-queried fields to keep out of automatic indexing, for codegen to
// emit as `google_firestore_index` / `google_firestore_field` resources. The emulator needs none.
import { FieldPath, type Query } from '@google-cloud/firestore';
import type { Collection, Filter } from '../../ports.js';
import { filterField, rangeKind } from '../filter.js';
import { encodeKey } from './firestore-encoding.js';

export interface FirestoreIndex {
  collection: Collection;
  /** Fields in index order; equality fields first, the range field last. */
  fields: Array<{ field: string; order: 'ASCENDING' | 'DESCENDING' }>;
}

/**
 * Composite indexes the engine's queries need in production (collection ids get the store's prefix).
 * engine/runtime/snapshot.ts: versions where asset == A and partition in [from, to] (lookback windows).
 */
export const REQUIRED_INDEXES: readonly FirestoreIndex[] = [
  { collection: 'versions', fields: [{ field: 'asset', order: 'ASCENDING' }, { field: 'partition', order: 'ASCENDING' }] },
];

/**
 * Fields never filtered on that can grow large (maps of entity hashes, whole messages): exempt them
 * from Firestore's automatic single-field indexing, which would otherwise write one index entry per
 * nested value (write cost, and the 40,000-entries-per-document limit on a big partition's hashes).
 */
export const INDEX_EXEMPTIONS: ReadonlyArray<{ collection: Collection; field: string }> = [
  { collection: 'entity_hashes', field: 'groups' },
  { collection: 'outbox', field: 'message' },
  { collection: 'versions', field: 'changedEntities' },
  { collection: 'stage_epochs', field: 'changed' },
  { collection: 'gate_fires', field: 'vector' },
  { collection: 'leases', field: 'rerun' },
];

/** The composite index a filter needs, or undefined when single-field indexes serve it. */
export function indexFor(collection: Collection, filter: Filter): FirestoreIndex | undefined {
  if (!filter.range || Object.keys(filter.eq ?? {}).length === 0) return undefined;
  const eq = Object.keys(filter.eq!).sort().map((field) => ({ field, order: 'ASCENDING' as const }));
  return { collection, fields: [...eq, { field: filter.range.field, order: 'ASCENDING' }] };
}

function fieldPath(field: string): FieldPath {
  return new FieldPath(encodeKey(filterField(field)));
}

/** The filter applied to a collection query (limit included). */
export function applyFilter(query: Query, filter: Filter, limit = filter.limit): Query {
  let q = query;
  for (const [field, value] of Object.entries(filter.eq ?? {})) q = q.where(fieldPath(field), '==', value);
  const r = filter.range;
  if (r) {
    const path = fieldPath(r.field);
    const kind = rangeKind(r);
    // A range with no bound still only matches values of its type: bound it by the type's extremes.
    if (r.gte !== undefined) q = q.where(path, '>=', r.gte);
    else q = q.where(path, '>=', kind === 'number' ? -Infinity : '');
    if (r.lte !== undefined) q = q.where(path, '<=', r.lte);
    q = q.orderBy(path, 'asc');
  }
  if (limit !== undefined) q = q.limit(Math.max(0, Math.floor(limit)));
  return q;
}
