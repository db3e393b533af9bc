// Calendar and clock helpers. All source times are US Eastern (as the NBA publishes
// them); UTC is derived with the US DST rule so odds-api timestamps look real.

import { badRequest } from './errors.js';

export const DATE_FORM = 'YYYY-MM-DD';
export const TIME_FORM = 'HH:MM (24h, US Eastern)';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

function toUtcMs(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function isValidDate(date: string): boolean {
  const ms = toUtcMs(date);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/** Validates a query value and throws a 400 naming the accepted form. */
export function requireDate(value: string | null | undefined, name = 'date'): string {
  if (!value) throw badRequest(`missing ${name}`, { accepted: DATE_FORM });
  if (!isValidDate(value)) throw badRequest(`bad ${name}: ${value}`, { accepted: DATE_FORM });
  return value;
}

export function requireTime(value: string, name = 'time'): string {
  if (!TIME_RE.test(value)) throw badRequest(`bad ${name}: ${value}`, { accepted: TIME_FORM });
  return value;
}

export function addDays(date: string, n: number): string {
  return new Date(toUtcMs(date) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS);
}

/** 0 = Sunday. */
export function weekday(date: string): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function dateRange(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

function nthSunday(year: number, month: number, n: number): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  const offset = (7 - weekday(first)) % 7;
  return addDays(first, offset + 7 * (n - 1));
}

/** Eastern offset from UTC in hours: -4 during DST (2nd Sun Mar .. 1st Sun Nov), else -5. */
export function etOffsetHours(date: string): number {
  const year = Number(date.slice(0, 4));
  return date >= nthSunday(year, 3, 2) && date < nthSunday(year, 11, 1) ? -4 : -5;
}

/** "2025-11-15" + "19:30" ET -> "2025-11-16T00:30:00Z". */
export function etToUtcIso(date: string, hhmm: string): string {
  const ms = toUtcMs(date) + (minutesOf(hhmm) - etOffsetHours(date) * 60) * 60_000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** "2025-11-15" + "19:30" ET -> "2025-11-15T19:30:00-05:00" style local ISO. */
export function etIso(date: string, hhmm: string): string {
  const off = etOffsetHours(date);
  return `${date}T${hhmm}:00-0${-off}:00`;
}

export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** "19:30" -> "7:30 pm ET" as nba.com prints status text. */
export function prettyEt(hhmm: string): string {
  const m = minutesOf(hhmm);
  const h = Math.floor(m / 60);
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}:${String(m % 60).padStart(2, '0')} ${h < 12 ? 'am' : 'pm'} ET`;
}

/** "2025-11-15" -> "20251115" (game_code prefix). */
export function compactDate(date: string): string {
  return date.replaceAll('-', '');
}

/** "2025-11-15" -> "11/15/2025 00:00:00" (nba.com schedule gameDate). */
export function nbaScheduleDate(date: string): string {
  return `${date.slice(5, 7)}/${date.slice(8, 10)}/${date.slice(0, 4)} 00:00:00`;
}
