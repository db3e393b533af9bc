// History for phase 4: the rows of a window read, strictly before the run's date (windows exclude the
// current partition already; the filter makes it true whatever the spec says), newest first, and
// restricted to the season of the date where a season is meant.
import { seasonYear } from '../shared/dates.js';
import { groupBy } from '../shared/group.js';

/** Rows dated before `date`, newest first (ties keep their read order). */
export function before<R extends { game_date: string }>(rows: readonly R[], date: string): R[] {
  return rows.filter((r) => r.game_date < date).sort((a, b) => (a.game_date < b.game_date ? 1 : a.game_date > b.game_date ? -1 : 0));
}

/** Rows of the same season as `date`. */
export function sameSeason<R extends { game_date: string }>(rows: readonly R[], date: string): R[] {
  const s = seasonYear(date);
  return rows.filter((r) => seasonYear(r.game_date) === s);
}

/** Rows before `date` grouped by a key, each group newest first. */
export function historyBy<R extends { game_date: string }, K>(rows: readonly R[], date: string, keyOf: (r: R) => K): Map<K, R[]> {
  return groupBy(before(rows, date), keyOf);
}
