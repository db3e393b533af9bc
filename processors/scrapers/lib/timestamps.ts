// Time formatting for object paths and rows. Object paths carry the DATA's own time (a report time,
// a snapshot time, a game's tip-off or last action), never the wall clock, so a re-scrape of unchanged
// data writes the same object. US Eastern conversions use the IANA zone (DST-aware).
import { SourceFormatError } from 'pipeline/processor';

const ET = 'America/New_York';

let fmt: Intl.DateTimeFormat | undefined;
function etParts(ms: number): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  fmt ??= new Intl.DateTimeFormat('en-US', { timeZone: ET, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: +p.year!, m: +p.month!, d: +p.day!, h: +p.hour!, mi: +p.minute!, s: +p.second! };
}

/** Minutes ET is ahead of UTC at instant `ms` (-300 in winter, -240 in summer). */
function etOffsetMinutes(ms: number): number {
  const p = etParts(ms);
  return Math.round((Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "2025-11-15" + "17:30" (ET) → epoch ms. */
export function etToUtcMs(date: string, hhmm: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(hhmm);
  if (!m || !t) throw new Error(`etToUtcMs: bad date/time ${date} ${hhmm}`);
  const local = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +t[1]!, +t[2]!, +(t[3] ?? 0));
  let utc = local - etOffsetMinutes(local) * 60_000;
  utc = local - etOffsetMinutes(utc) * 60_000;
  return utc;
}

/** "2025-11-15" + "17:30" (ET) → "2025-11-15T22:30:00Z". */
export function etToUtcIso(date: string, hhmm: string): string {
  return isoSeconds(etToUtcMs(date, hhmm));
}

/**
 * A source's time string → epoch ms. ISO with a zone is taken as is; a zone-less "2025-11-15 23:30:00.0000"
 * (nba.com meta.time) is read as UTC, never as the machine's local time. NaN when unparsable.
 */
export function parseSourceTime(s: string): number {
  const t = s.trim();
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(t)) return Date.parse(t);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?$/.exec(t);
  return m ? Date.parse(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 4) : ''}Z`) : Number.NaN;
}

/** Epoch ms or a source time string → "2025-11-15T22:30:00Z" (whole seconds, UTC). */
export function isoSeconds(t: number | string): string {
  const ms = typeof t === 'number' ? t : parseSourceTime(t);
  if (Number.isNaN(ms)) throw new Error(`isoSeconds: not a time: ${String(t)}`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The ET calendar date and clock of an instant: { date: "2025-11-15", hhmm: "20:00" }. */
export function toEt(t: number | string): { date: string; hhmm: string } {
  const ms = typeof t === 'number' ? t : parseSourceTime(t);
  const p = etParts(ms);
  return { date: `${p.y}-${pad(p.m)}-${pad(p.d)}`, hhmm: `${pad(p.h)}:${pad(p.mi)}` };
}

/** A time as an object-path segment: "20251115T223000Z" (sortable, no colons). */
export function pathTs(t: number | string): string {
  return isoSeconds(t).replace(/[-:]/g, '');
}

const PATH_TS = /(\d{8}T\d{6}Z)/;

/** The path-ts of an object path's last segment ("…/20251115T223000Z.json" → "20251115T223000Z"), or "" if none. */
export function tsOfPath(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return PATH_TS.exec(last)?.[1] ?? '';
}

/** "20251115T223000Z" → "2025-11-15T22:30:00Z". */
export function isoOfPathTs(ts: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(ts);
  if (!m) throw new Error(`isoOfPathTs: not a path ts: ${ts}`);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

/** nba.com "MM/DD/YYYY[ …]" → "YYYY-MM-DD" (undefined if it does not look like one). */
export function usDate(s: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(s);
  return m ? `${m[3]}-${pad(+m[1]!)}-${pad(+m[2]!)}` : undefined;
}

/**
 * The {ts} of an object: the source's own time when it reports one, else `fallback` (a time taken from
 * the data, e.g. the tip-off). A reported time that does not parse is schema drift.
 */
export function objectTs(sourceTime: string | null | undefined, fallback: number | string, where: string): string {
  if (sourceTime !== undefined && sourceTime !== null && sourceTime !== '') {
    if (Number.isNaN(parseSourceTime(sourceTime))) throw new SourceFormatError(`schema drift in ${where}: time ${JSON.stringify(sourceTime)} is not a timestamp`);
    return pathTs(sourceTime);
  }
  return pathTs(fallback);
}
