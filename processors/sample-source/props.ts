// Player-points prop market model: which players get lines, per-book lines and prices
// at each snapshot of the day, line moves, players pulled when ruled out, and control
// "late" lines. odds-api and bettingpros are two renderings of this one board.

import type { ScheduledGame } from './calendar.js';
import { minutesOf } from './dates.js';
import type { Day } from './day.js';
import { badRequest } from './errors.js';
import { statusAt } from './injuries.js';
import { Rng } from './prng.js';
import { league, type Player } from './rosters.js';

/** Snapshot times (ET) at which the books are scraped. */
export const PROP_SNAPSHOTS: readonly string[] = ['10:00', '12:00', '14:00', '16:00', '18:00'];

export interface Book {
  /** odds-api bookmaker key. */
  key: string;
  title: string;
  /** bettingpros book id. */
  bpId: number;
}

export const BOOKS: readonly Book[] = [
  { key: 'draftkings', title: 'DraftKings', bpId: 12 },
  { key: 'fanduel', title: 'FanDuel', bpId: 10 },
  { key: 'betmgm', title: 'BetMGM', bpId: 19 },
  { key: 'williamhill_us', title: 'Caesars', bpId: 13 },
  { key: 'pointsbetus', title: 'PointsBet (US)', bpId: 14 },
  { key: 'betrivers', title: 'BetRivers', bpId: 18 },
];
export const BOOK_KEYS: readonly string[] = BOOKS.map((b) => b.key);

export interface PropLine {
  player: Player;
  game: ScheduledGame;
  book: Book;
  /** Always x.5. */
  line: number;
  /** American odds. */
  over: number;
  under: number;
  /** ET "HH:MM" the book last changed this market. */
  updatedEt: string;
}

export interface PropSnapshot {
  index: number;
  timeEt: string;
  lines: PropLine[];
}

const COVERAGE: Partial<Record<Player['role'], number>> = { star: 1, starter: 0.95, sixth: 0.85, rotation: 0.6 };

/** Juice skew -> paired American prices around -110/-110 ("-90" becomes "+110"). */
function prices(skew: number): { over: number; under: number } {
  const fix = (x: number) => (x > -100 ? 200 + x : x);
  return { over: fix(-110 + skew), under: fix(-110 - skew) };
}

interface Path {
  player: Player;
  book: Book;
  lines: Array<{ line: number; skew: number; updatedEt: string } | null>;
}

function playerPaths(seed: number, date: string, p: Player): Path[] {
  const coverage = COVERAGE[p.role] ?? 0;
  if (coverage === 0 || p.expectedMinutes < 14) return [];
  const rng = Rng.from(seed, 'props', date, p.id);
  const base = Math.max(3.5, Math.floor(p.expectedPoints + rng.normal(0, 1.3)) + 0.5);
  const drift = rng.chance(0.5) ? 1 : -1;
  const paths: Path[] = [];
  for (const book of BOOKS) {
    const brng = Rng.from(seed, 'props', date, p.id, book.key);
    if (!brng.chance(coverage)) continue;
    const firstSnap = brng.chance(0.8) ? 0 : brng.int(1, 2);
    let line = base + (brng.chance(0.15) ? (brng.chance(0.5) ? 1 : -1) : 0);
    let skew = brng.int(-5, 5) * 5;
    let updated = 0;
    const lines = PROP_SNAPSHOTS.map((t, s) => {
      if (s < firstSnap) return null;
      const snapMin = minutesOf(t);
      if (s === firstSnap) updated = snapMin - brng.int(5, 90);
      else if (brng.chance(0.22)) {
        line = Math.max(0.5, line + (brng.chance(0.7) ? drift : -drift));
        skew = brng.int(-3, 3) * 5;
        updated = snapMin - brng.int(1, 110);
      } else if (brng.chance(0.35)) {
        skew = Math.max(-30, Math.min(30, skew + (brng.chance(0.5) ? 5 : -5)));
        updated = snapMin - brng.int(1, 110);
      }
      const h = Math.floor(updated / 60);
      return { line, skew, updatedEt: `${String(h).padStart(2, '0')}:${String(updated % 60).padStart(2, '0')}` };
    });
    paths.push({ player: p, book, lines });
  }
  return paths;
}

const boards = new WeakMap<Day, PropSnapshot[]>();

export function propBoard(d: Day): PropSnapshot[] {
  const cached = boards.get(d);
  if (cached) return cached;
  const l = league(d.seed);
  const snaps: PropSnapshot[] = PROP_SNAPSHOTS.map((timeEt, index) => ({ index, timeEt, lines: [] }));
  for (const game of d.games) {
    for (const abbr of [game.away, game.home]) {
      for (const p of l.byTeam.get(abbr) ?? []) {
        const late = d.overrides.lateProps.filter((x) => x.date === d.date && x.playerId === p.id);
        const paths = playerPaths(d.seed, d.date, p);
        for (const lp of late) {
          for (const key of lp.books) {
            const book = BOOKS.find((b) => b.key === key);
            if (!book) continue;
            const path = paths.find((x) => x.book.key === key) ?? { player: p, book, lines: PROP_SNAPSHOTS.map(() => null) };
            if (!paths.includes(path)) paths.push(path);
            PROP_SNAPSHOTS.forEach((t, s) => {
              if (s >= lp.fromSnapshot) path.lines[s] = { line: lp.line, skew: 0, updatedEt: PROP_SNAPSHOTS[lp.fromSnapshot] ?? t };
            });
          }
        }
        for (const path of paths) {
          path.lines.forEach((v, s) => {
            const timeEt = PROP_SNAPSHOTS[s] ?? '';
            if (!v || timeEt >= game.startEt) return;
            // Books pull a player's market once he is reported Out or Doubtful.
            const st = statusAt(d.injuries, p.id, timeEt)?.status;
            if (st === 'Out' || st === 'Doubtful') return;
            const pr = prices(v.skew);
            snaps[s]?.lines.push({ player: p, game, book: path.book, line: v.line, over: pr.over, under: pr.under, updatedEt: v.updatedEt });
          });
        }
      }
    }
  }
  boards.set(d, snaps);
  return snaps;
}

/** Resolves ?snapshot=N or ?time=HH:MM (latest snapshot at or before it); default latest. */
export function resolveSnapshot(snapshot: string | null | undefined, time: string | null | undefined): number {
  const last = PROP_SNAPSHOTS.length - 1;
  if (snapshot !== null && snapshot !== undefined && snapshot !== '') {
    const n = Number(snapshot);
    if (!Number.isInteger(n) || n < 0 || n > last) throw badRequest(`bad snapshot: ${snapshot}`, { accepted: `integer 0..${last}`, snapshots: PROP_SNAPSHOTS });
    return n;
  }
  if (time) {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) throw badRequest(`bad time: ${time}`, { accepted: 'HH:MM (24h, US Eastern)' });
    let idx = -1;
    PROP_SNAPSHOTS.forEach((t, i) => {
      if (minutesOf(t) <= minutesOf(time)) idx = i;
    });
    if (idx < 0) throw badRequest(`no snapshot at or before ${time}`, { snapshots: PROP_SNAPSHOTS });
    return idx;
  }
  return last;
}
