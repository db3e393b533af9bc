// `StateStore.swap` for stores whose transactions hold no lock another process could be left waiting
// on (memory, DuckDB: one process owns the data): a transaction that reads the one document and writes
// what `fn` makes of it is already a compare-and-set.
import type { Collection, StateStore } from '../ports.js';

export function swapInTransaction<T extends object>(
  store: Pick<StateStore, 'transaction'>,
  collection: Collection,
  id: string,
  fn: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  return store.transaction(async (tx) => {
    const next = fn(await tx.get<T>(collection, id));
    if (next !== undefined) tx.set(collection, id, next);
    return next;
  });
}
