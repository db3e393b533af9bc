// Picking the demo's dates from the sample season: consecutive game days with enough games for the
// reference spec's row minimums (the gamebook read needs 200 rows: at least 7 games), and the
// history days before them that the rolling windows of phase 4 read.
import { addDays } from '../../engine/core/dates.js';
import { gamesOn } from '../sample-source/index.js';

export function pickDemoDates(seed: number, opts: { from?: string; days?: number; minGames?: number } = {}): string[] {
  const days = opts.days ?? 3;
  const minGames = opts.minGames ?? 7;
  let d = opts.from ?? '2025-11-15';
  for (let tries = 0; tries < 120; tries++, d = addDays(d, 1)) {
    const run = Array.from({ length: days }, (_, i) => addDays(d, i));
    if (run.every((x) => gamesOn(seed, x).length >= minGames)) return run;
  }
  throw new Error(`no ${days} consecutive dates with ${minGames}+ games found after ${opts.from}`);
}

export function historyDates(first: string, days: number): string[] {
  return Array.from({ length: days }, (_, i) => addDays(first, i - days));
}
