// Partition arithmetic on YYYY-MM-DD dates and local-time conversions for schedules and deadlines.
// Pure: no clock; "now" is always passed in. Intl supplies time-zone offsets.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Inclusive list of dates from `from` to `to`. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The partitions a window covers for a run's partition. */
export function windowPartitions(partition: string, days: number, includeCurrent: boolean): string[] {
  const from = addDays(partition, -days);
  const to = includeCurrent ? partition : addDays(partition, -1);
  return dateRange(from, to);
}

// One formatter per zone: constructing an Intl.DateTimeFormat costs ~100x a format, and deciding a
// run asks for offsets several times (a partition's end of day), so building one per call showed up
// as the single largest cost of a run in profiles.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function offsetFromIntl(ms: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

// Offsets remembered per zone and quarter hour of UTC, only for quarters whose first and last second
// have the same offset (no change inside): formatToParts was still ~2 % of a run's CPU with one
// formatter per zone, and a run asks for the same few instants' offsets (its day's end, now) again and
// again. A quarter with a change in it is computed every time, so the answer is always Intl's.
const QUARTER_MS = 900_000;
const MAX_REMEMBERED = 100_000;
const offsets = new Map<string, Map<number, number>>();

/** Offset of `timeZone` from UTC at instant `ms`, in minutes. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const quarter = Math.floor(ms / QUARTER_MS);
  const known = zone.get(quarter);
  if (known !== undefined) return known;
  const offset = offsetFromIntl(ms, timeZone);
  const start = quarter * QUARTER_MS;
  if (offsetFromIntl(start, timeZone) === offset && offsetFromIntl(start + QUARTER_MS - 1, timeZone) === offset) {
    if (zone.size >= MAX_REMEMBERED) zone.clear();
    zone.set(quarter, offset);
  }
  return offset;
}

/** The local calendar date of instant `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  return new Date(ms + zoneOffsetMinutes(ms, timeZone) * 60000).toISOString().slice(0, 10);
}

/**
 * The instant of local time `hh:mm` on `date` in `timeZone`. Around a DST change it resolves like
 * Temporal's 'compatible': a time repeated when clocks fall back is its first occurrence; a time
 * skipped when clocks spring forward moves forward by the gap (02:30 → 03:30).
 */
export function instantOf(date: string, hhmm: string, timeZone: string): number {
  const wall = Date.parse(`${date}T${hhmm}:00Z`);
  // The offsets a day either side bracket any change near this wall time.
  const before = zoneOffsetMinutes(wall - 86_400_000, timeZone);
  const after = zoneOffsetMinutes(wall + 86_400_000, timeZone);
  const valid = [before, after].map((off) => wall - off * 60000).filter((t) => zoneOffsetMinutes(t, timeZone) * 60000 === wall - t);
  return valid.length ? Math.min(...valid) : wall - before * 60000;
}
