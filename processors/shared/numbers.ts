// Small numeric helpers for the analytics and precompute processors. Every one of them returns a
// finite number or null — never NaN or Infinity, which the engine's row checks refuse.

/** a / b, or null when b is 0 or either side is not a finite number. */
export function ratio(a: number, b: number): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  const r = a / b;
  return Number.isFinite(r) ? r : null;
}

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number | null {
  return xs.length ? sum(xs) / xs.length : null;
}

/** Weighted mean; null when the weights sum to 0. */
export function weightedMean(xs: readonly number[], ws: readonly number[]): number | null {
  let s = 0;
  let w = 0;
  xs.forEach((x, i) => {
    s += x * ws[i]!;
    w += ws[i]!;
  });
  return ratio(s, w);
}

/** Sample standard deviation (n − 1); null below two values. */
export function stdDev(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = sum(xs) / xs.length;
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1));
}

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Rounds to `digits` decimals (stable content hashes: no float noise in stored values). */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** round() that keeps null. */
export function roundOrNull(x: number | null | undefined, digits = 4): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : round(x, digits);
}

/** A nullable count as a number (null → 0). */
export const n0 = (x: number | null | undefined): number => (x === null || x === undefined || !Number.isFinite(x) ? 0 : x);
