// One date's world under a given overrides object: the slate, the injury timeline,
// who is available at tip-off and the simulated games (lazily, memoised). Everything
// the endpoint formatters need comes from here.

import { registerCache } from './cache.js';
import { boxScore, type GameBox } from './boxscore.js';
import { gamesOn, season, type ScheduledGame } from './calendar.js';
import { applyCorrection } from './corrections.js';
import { SourceError, notFound } from './errors.js';
import { injuryTimeline, statusAt, type InjuryTimeline } from './injuries.js';
import { NO_OVERRIDES, type Overrides } from './overrides.js';
import type { SimGame } from './plays.js';
import { Rng } from './prng.js';
import { league } from './rosters.js';
import { simulateGame, type Availability } from './simulate.js';

export interface Day {
  seed: number;
  date: string;
  overrides: Overrides;
  games: ScheduledGame[];
  injuries: InjuryTimeline;
  sim(gameId: string): SimGame;
  box(gameId: string): GameBox;
  /** Looks a game of this date up by game_id or game_code; throws 404 otherwise. */
  game(ref: { gameId?: string | null; gameCode?: string | null }): ScheduledGame;
}

function availability(seed: number, date: string, timeline: InjuryTimeline, game: ScheduledGame, abbr: string): Availability[] {
  return (league(seed).byTeam.get(abbr) ?? []).map((player): Availability => {
    const at = statusAt(timeline, player.id, game.startEt);
    if (!at || at.status === 'Available' || at.status === 'Probable') return { player, plays: true, status: 'active', reason: null };
    const { status, entry } = at;
    if (status === 'Out') {
      const reason =
        entry.category === 'gleague' ? 'NWT - G League - Two-Way'
        : entry.category === 'personal' ? 'NWT - Personal Reasons'
        : entry.category === 'rest' ? 'DNP - Rest'
        : `DNP - ${entry.reason}`;
      return { player, plays: false, status: 'inactive', reason };
    }
    // Doubtful never plays here; Questionable is a coin flip decided at tip-off.
    const plays = status === 'Questionable' && Rng.from(seed, 'game-time-decision', date, player.id).chance(0.55);
    return plays ? { player, plays: true, status: 'active', reason: null } : { player, plays: false, status: 'dnp', reason: `DND - ${entry.reason}` };
  });
}

function buildDay(seed: number, date: string, overrides: Overrides): Day {
  const games = gamesOn(seed, date);
  const injuries = injuryTimeline(seed, date, overrides.flips);
  const sims = new Map<string, SimGame>();
  const boxes = new Map<string, GameBox>();
  const find = (gameId: string): ScheduledGame => {
    const g = games.find((x) => x.gameId === gameId);
    if (!g) throw notFound(`no game ${gameId} on ${date}`);
    return g;
  };
  const day: Day = {
    seed,
    date,
    overrides,
    games,
    injuries,
    sim(gameId) {
      let s = sims.get(gameId);
      if (!s) {
        const game = find(gameId);
        const { participants, plays } = simulateGame(
          seed,
          game,
          availability(seed, date, injuries, game, game.away),
          availability(seed, date, injuries, game, game.home),
        );
        s = { game, participants, plays };
        for (const c of overrides.corrections) {
          if (c.date !== date || c.gameId !== gameId) continue;
          // A later injury flip can take the corrected player out of the game; the
          // correction then no longer applies rather than breaking every read.
          try {
            s = applyCorrection(s, c);
          } catch (err) {
            if (!(err instanceof SourceError)) throw err;
          }
        }
        sims.set(gameId, s);
      }
      return s;
    },
    box(gameId) {
      let b = boxes.get(gameId);
      if (!b) {
        b = boxScore(day.sim(gameId));
        boxes.set(gameId, b);
      }
      return b;
    },
    game(ref) {
      const g = ref.gameId
        ? games.find((x) => x.gameId === ref.gameId || x.gameId === ref.gameId?.padStart(10, '0'))
        : games.find((x) => x.gameCode === ref.gameCode);
      if (!g) {
        const known = ref.gameId ? season(seed).byId.get(ref.gameId) : ref.gameCode ? season(seed).byCode.get(ref.gameCode) : undefined;
        throw notFound(known ? `game ${ref.gameId ?? ref.gameCode} is on ${known.date}, not ${date}` : `no game ${ref.gameId ?? ref.gameCode} on ${date}`);
      }
      return g;
    },
  };
  return day;
}

let caches = new WeakMap<Overrides, Map<string, Day>>();
registerCache(() => (caches = new WeakMap()));

export function day(seed: number, date: string, overrides: Overrides = NO_OVERRIDES): Day {
  let cache = caches.get(overrides);
  if (!cache) {
    cache = new Map();
    caches.set(overrides, cache);
  }
  const key = `${seed}|${date}`;
  let d = cache.get(key);
  if (!d) {
    d = buildDay(seed, date, overrides);
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
    cache.set(key, d);
  }
  return d;
}
