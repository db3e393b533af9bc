// A player's points line from the props tables: odds-api first, BettingPros as the fallback source.
// Both tables keep every snapshot. The current line is the median over bookmakers of each book's
// latest line; the opening line the median of each book's earliest one.
import { timeKey } from '../shared/dates.js';
import { groupBy } from '../shared/group.js';
import { median } from '../shared/numbers.js';
import type { PropLineRow } from './raw-tables.js';

export type LineSource = 'odds_api' | 'bettingpros';

export interface PlayerLine {
  current: number;
  opening: number;
  source: LineSource;
  books: number;
}

function consensus(rows: readonly PropLineRow[]): { current: number; opening: number; books: number } | null {
  const byBook = new Map<string, { first: PropLineRow; last: PropLineRow }>();
  for (const r of rows) {
    if (r.points_line === null || !Number.isFinite(r.points_line)) continue;
    const t = timeKey(r.snapshot_time);
    const b = byBook.get(r.bookmaker);
    if (!b) byBook.set(r.bookmaker, { first: r, last: r });
    else {
      if (t < timeKey(b.first.snapshot_time)) b.first = r;
      if (t >= timeKey(b.last.snapshot_time)) b.last = r;
    }
  }
  const books = [...byBook.values()];
  const current = median(books.map((b) => b.last.points_line!));
  const opening = median(books.map((b) => b.first.points_line!));
  return current === null || opening === null ? null : { current, opening, books: books.length };
}

const byPlayer = (rows: readonly PropLineRow[]) => groupBy(rows, (r) => r.player_lookup);

/** Lines per player: odds-api where it has one, else BettingPros. */
export function playerLines(oddsApi: readonly PropLineRow[], bettingPros: readonly PropLineRow[]): Map<string, PlayerLine> {
  const out = new Map<string, PlayerLine>();
  for (const [p, rows] of byPlayer(bettingPros)) {
    const c = consensus(rows);
    if (c) out.set(p, { ...c, source: 'bettingpros' });
  }
  for (const [p, rows] of byPlayer(oddsApi)) {
    const c = consensus(rows);
    if (c) out.set(p, { ...c, source: 'odds_api' });
  }
  return out;
}
