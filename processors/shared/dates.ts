// Date arithmetic on 'YYYY-MM-DD' game dates, and ordering keys for the clock times sources print.
export { addDays } from 'pipeline/dates';

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The NBA season a date belongs to, by its starting year: a season runs from October to June. */
export function seasonYear(date: string): number {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 8 ? y : y - 1;
}

/**
 * An ordering key for a report or snapshot time as sources print it: ISO timestamps, 'YYYY-MM-DDTHH:MM',
 * 'HH:MM' or 'HH:MM AM/PM'. Unparseable text sorts first (as -Infinity would, but finite).
 */
export function timeKey(text: string | null | undefined): number {
  if (!text) return Number.MIN_SAFE_INTEGER;
  const s = text.trim();
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/.exec(s);
  if (clock) {
    let h = Number(clock[1]) % (clock[4] ? 12 : 24);
    if (clock[4] && /p/i.test(clock[4])) h += 12;
    return (h * 60 + Number(clock[2])) * 60_000 + Number(clock[3] ?? 0) * 1000;
  }
  const ampm = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})\s*([AaPp][Mm])$/.exec(s);
  if (ampm) return Date.parse(`${ampm[1]}T00:00:00Z`) + timeKey(`${ampm[2]}:${ampm[3]} ${ampm[4]}`);
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s) ? `${s}:00Z` : s);
  return Number.isNaN(t) ? Number.MIN_SAFE_INTEGER : t;
}
