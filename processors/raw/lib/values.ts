// Small value conversions shared by the raw processors.

/** "32:37" / "PT32M37.00S" / 32.5 → minutes as a float (2 decimals); null when absent. */
export function minutesOf(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = String(v).trim();
  let m = /^(\d+):(\d{1,2})(?:\.\d+)?$/.exec(s);
  if (m) return Math.round((Number(m[1]) + Number(m[2]) / 60) * 100) / 100;
  m = /^PT(\d+)M(\d+(?:\.\d+)?)S$/.exec(s);
  if (m) return Math.round((Number(m[1]) + Number(m[2]) / 60) * 100) / 100;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** An integer or null (numbers that are not integers and non-numbers become null). */
export function intOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return null;
}

/** A finite number or null. */
export function numOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** A non-empty string or null. */
export function strOrNull(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** Shot zone from a field goal's value and distance: paint (2s ≤ 8 ft) | mid_range (other 2s) | three. */
export function shotZone(isThree: boolean, distanceFt: number | null): 'paint' | 'mid_range' | 'three' {
  if (isThree) return 'three';
  return distanceFt !== null && distanceFt <= 8 ? 'paint' : 'mid_range';
}
