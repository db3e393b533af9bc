// The date's games from the stored nba.com schedule: lets raw processors attach nba game ids and
// home/away to sources that only name teams (injury report, odds-api events, team box scores).
import type { StoredObjectView } from 'pipeline/processor';
import { SCHEDULE_SHAPE, type ScheduleBody } from '../../scrapers/lib/nba-schedule.js';
import { teamAbbr } from '../../scrapers/lib/teams.js';
import { latestOf, parseObject } from './objects.js';

export interface IndexedGame {
  gameId: string;
  gameCode: string;
  home: string;
  away: string;
}

export interface GameIndex {
  games: IndexedGame[];
  /** The game of two teams (either order), or undefined. */
  byTeams(a: string, b: string): IndexedGame | undefined;
  byId(gameId: string): IndexedGame | undefined;
  /** The game a team plays in, or undefined. */
  byTeam(team: string): IndexedGame | undefined;
}

export function gameIndex(scheduleObjects: readonly StoredObjectView[]): GameIndex {
  const latest = latestOf(scheduleObjects);
  const games: IndexedGame[] = [];
  if (latest) {
    const body = parseObject<ScheduleBody>(latest, SCHEDULE_SHAPE).body;
    for (const d of body.leagueSchedule.gameDates)
      for (const g of d.games)
        games.push({ gameId: g.gameId, gameCode: g.gameCode, home: teamAbbr(g.homeTeam.teamTricode) ?? g.homeTeam.teamTricode, away: teamAbbr(g.awayTeam.teamTricode) ?? g.awayTeam.teamTricode });
  }
  const pair = (a: string, b: string) => [a, b].sort().join('|');
  const byPair = new Map(games.map((g) => [pair(g.home, g.away), g] as const));
  const byId = new Map(games.map((g) => [g.gameId, g] as const));
  const byTeam = new Map(games.flatMap((g) => [[g.home, g], [g.away, g]] as const));
  return { games, byTeams: (a, b) => byPair.get(pair(a, b)), byId: (id) => byId.get(id), byTeam: (t) => byTeam.get(t) };
}
