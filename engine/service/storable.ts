// What the stores can hold, checked at the boundary: a request's JSON is refused (400 with the
// reason) when it nests deeper than any message of ours, or holds a string the stores cannot encode — a
// lone UTF-16 surrogate has no UTF-8 form, so Firestore rejects it and DuckDB's write-behind fails on
// it (and on every later write batched with it). The walk is iterative: a 100k-deep value is refused,
// not a stack overflow.

/** Deeper than any message, scope or payload the engine builds (they nest a handful of levels). */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

const show = (path: string[]) => (path.length ? path.join('.') : '(the value itself)');

/** Why `value` cannot be taken in (`where` names it in the reason), or undefined when it can. */
export function unstorable(value: unknown, where: string): string | undefined {
  const stack: Array<{ v: unknown; path: string[] }> = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return `${where} holds a lone UTF-16 surrogate at ${show(path)}: the stores cannot encode it (send valid Unicode)`;
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) return `${where} nests deeper than ${MAX_JSON_DEPTH} levels (at ${show(path.slice(0, 8))}.…)`;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [k, x] of entries) {
      if (hasLoneSurrogate(k)) return `${where} has a key with a lone UTF-16 surrogate at ${show(path)}: the stores cannot encode it (send valid Unicode)`;
      stack.push({ v: x, path: [...path, k] });
    }
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Bytes → text, refusing what is not UTF-8 (rather than silently replacing it with U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
