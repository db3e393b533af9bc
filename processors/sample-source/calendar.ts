// The 2025-26 regular-season calendar: which teams meet on which date, game ids,
// game codes and tip-off times. Built once per seed for the whole season (cheap), so
// any single date's slate is independent of which dates were asked for before.

import { memoBySeed } from './cache.js';
import { addDays, compactDate, dateRange, weekday } from './dates.js';
import { Rng, clamp } from './prng.js';
import { TEAMS, team as teamOf } from './teams.js';

export const SEASON_YEAR = 2025;
export const SEASON_LABEL = '2025-26';
export const SEASON_START = '2025-10-21';
export const SEASON_END = '2026-04-12';
/** Thanksgiving, Christmas Eve and the All-Star break carry no games. */
export const OFF_DAYS: ReadonlySet<string> = new Set([
  '2025-11-27',
  '2025-12-24',
  ...dateRange('2026-02-13', '2026-02-18'),
]);

const GAMES_PER_TEAM = 82;

export interface ScheduledGame {
  gameId: string;
  /** "20251115/BOSLAL": date / AWAY HOME. */
  gameCode: string;
  date: string;
  away: string;
  home: string;
  /** Tip-off, US Eastern "HH:MM". */
  startEt: string;
  /** Game number of the season (1-based), encoded in gameId. */
  seq: number;
}

export interface Season {
  label: string;
  start: string;
  end: string;
  games: ScheduledGame[];
  byDate: Map<string, ScheduledGame[]>;
  byId: Map<string, ScheduledGame>;
  byCode: Map<string, ScheduledGame>;
}

const LOCAL_TIPS: Record<string, string[]> = {
  ET: ['19:00', '19:00', '19:30', '19:30'],
  CT: ['20:00', '20:00', '20:30'],
  MT: ['21:00', '21:00'],
  PT: ['22:00', '22:00', '22:30'],
};
const WEEKEND_TIPS = ['13:00', '15:30', '18:00'];

function tipOff(rng: Rng, home: string, date: string): string {
  const day = weekday(date);
  if ((day === 0 || day === 6) && rng.chance(0.18)) return rng.pick(WEEKEND_TIPS);
  return rng.pick(LOCAL_TIPS[teamOf(home).tz] ?? ['19:30']);
}

interface Pairing {
  away: string;
  home: string;
}

function buildSeason(seed: number): Season {
  const rng = Rng.from(seed, 'calendar');
  const days = dateRange(SEASON_START, SEASON_END).filter((d) => !OFF_DAYS.has(d));
  const abbrs = TEAMS.map((t) => t.abbr);
  const played = new Map(abbrs.map((a) => [a, 0]));
  const homeGames = new Map(abbrs.map((a) => [a, 0]));
  const lastPlayed = new Map<string, string[]>(abbrs.map((a) => [a, []]));
  const meetings = new Map<string, number>();
  const meetKey = (a: string, b: string) => (a < b ? `${a}${b}` : `${b}${a}`);
  let remaining = (abbrs.length * GAMES_PER_TEAM) / 2;
  const byDay: Array<[string, Pairing[]]> = [];

  days.forEach((date, i) => {
    const daysLeft = days.length - i;
    const eligible = abbrs.filter((a) => {
      if ((played.get(a) ?? 0) >= GAMES_PER_TEAM) return false;
      const last = lastPlayed.get(a) ?? [];
      // Never three nights in a row.
      return !(last.includes(addDays(date, -1)) && last.includes(addDays(date, -2)));
    });
    const base = remaining / daysLeft;
    const target = i === days.length - 1 ? 15 : Math.round(base + rng.normal(0, 2.2));
    const count = Math.min(clamp(target, 5, 15), Math.floor(eligible.length / 2), remaining);
    if (count <= 0) return;
    const progress = (i + 1) / days.length;
    const scored = eligible.map((a) => {
      const last = lastPlayed.get(a) ?? [];
      const behind = GAMES_PER_TEAM * progress - (played.get(a) ?? 0);
      const b2b = last.includes(addDays(date, -1));
      const rested = !b2b && !last.includes(addDays(date, -2));
      return { a, score: behind + (b2b ? -1.3 : 0) + (rested ? 0.6 : 0) + rng.range(0, 0.9) };
    });
    scored.sort((x, y) => y.score - x.score);
    const chosen = scored.slice(0, count * 2).map((s) => s.a);
    const pairs: Pairing[] = [];
    const open = new Set(chosen);
    for (const a of chosen) {
      if (!open.has(a)) continue;
      open.delete(a);
      let best = '';
      let bestCost = Infinity;
      for (const b of open) {
        const cost = (meetings.get(meetKey(a, b)) ?? 0) + rng.range(0, 1.5);
        if (cost < bestCost) {
          bestCost = cost;
          best = b;
        }
      }
      if (!best) break;
      open.delete(best);
      const ha = homeGames.get(a) ?? 0;
      const hb = homeGames.get(best) ?? 0;
      const aHome = ha < hb || (ha === hb && rng.chance(0.5));
      const home = aHome ? a : best;
      const away = aHome ? best : a;
      pairs.push({ away, home });
      meetings.set(meetKey(a, best), (meetings.get(meetKey(a, best)) ?? 0) + 1);
      homeGames.set(home, (homeGames.get(home) ?? 0) + 1);
      for (const t of [a, best]) {
        played.set(t, (played.get(t) ?? 0) + 1);
        const last = lastPlayed.get(t) ?? [];
        last.push(date);
        if (last.length > 2) last.shift();
      }
      remaining--;
    }
    byDay.push([date, pairs]);
  });

  const games: ScheduledGame[] = [];
  const byDate = new Map<string, ScheduledGame[]>();
  let seq = 0;
  for (const [date, pairs] of byDay) {
    const tipRng = Rng.from(seed, 'tips', date);
    const withTimes = pairs.map((p) => ({ ...p, startEt: tipOff(tipRng, p.home, date) }));
    withTimes.sort((x, y) => (x.startEt === y.startEt ? x.home.localeCompare(y.home) : x.startEt.localeCompare(y.startEt)));
    const list: ScheduledGame[] = withTimes.map((p) => {
      seq++;
      return {
        gameId: `00225${String(seq).padStart(5, '0')}`,
        gameCode: `${compactDate(date)}/${p.away}${p.home}`,
        date,
        away: p.away,
        home: p.home,
        startEt: p.startEt,
        seq,
      };
    });
    byDate.set(date, list);
    games.push(...list);
  }
  return {
    label: SEASON_LABEL,
    start: SEASON_START,
    end: SEASON_END,
    games,
    byDate,
    byId: new Map(games.map((g) => [g.gameId, g])),
    byCode: new Map(games.map((g) => [g.gameCode, g])),
  };
}

const seasons = memoBySeed(buildSeason);

export function season(seed: number): Season {
  return seasons(seed);
}

export function gamesOn(seed: number, date: string): ScheduledGame[] {
  return season(seed).byDate.get(date) ?? [];
}

/** True when the team also played the previous day (second night of a back-to-back). */
export function isBackToBack(seed: number, abbr: string, date: string): boolean {
  return gamesOn(seed, addDays(date, -1)).some((g) => g.home === abbr || g.away === abbr);
}
