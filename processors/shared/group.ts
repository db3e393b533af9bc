// Grouping rows by a key, keeping their order within each group.

export function groupBy<T, K>(rows: Iterable<T>, keyOf: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
