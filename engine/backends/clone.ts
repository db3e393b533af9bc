// Deep copies of the documents and rows the in-memory stores hand out and take in, so that callers
// never share objects with a store. These values are JSON-like (they round-trip through Firestore,
// DuckDB JSON and table rows), and for those a plain recursive copy is several times faster than
// structuredClone, which serializes through V8's wire format: in profiles of the local engine,
// structuredClone of state documents was a tenth of a run's CPU. Anything that is not a primitive, an
// array or a plain object (a Date, a Map, a typed array) is still copied by structuredClone, with its
// semantics; values never hold cycles (they are persisted as JSON), so none are tracked.
export function cloneValue<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' ? structuredClone(value) : value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneValue(value[i]);
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = cloneValue((value as Record<string, unknown>)[key]);
  return out as T;
}
