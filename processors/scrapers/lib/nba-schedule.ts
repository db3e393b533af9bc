// The nba.com schedule for one date: fetched and validated once, shared by the schedule scraper and
// the per-game scrapers (which need each game's id, code and tip-off).
import type { ProcessorContext } from 'pipeline/processor';
import { sourceBaseUrl, sourceUrl } from './base-url.js';
import { expectShape, type Shape } from './shape.js';
import { usDate } from './timestamps.js';

const TEAM: Shape = { teamId: 'integer', teamTricode: 'string', 'teamName?': 'string', 'teamCity?': 'string' };

export const SCHEDULE_SHAPE: Shape = {
  'meta?': { 'time?': 'string' },
  leagueSchedule: {
    seasonYear: 'string',
    gameDates: [{
      gameDate: 'string',
      games: [{ gameId: 'string', gameCode: 'string', gameDateTimeUTC: 'string', 'startTimeEt?': 'string', 'arenaName?': 'string', homeTeam: TEAM, awayTeam: TEAM }],
    }],
  },
};

export interface ScheduleGame {
  gameId: string;
  gameCode: string;
  gameDateTimeUTC: string;
  startTimeEt?: string;
  arenaName?: string;
  homeTeam: { teamId: number; teamTricode: string; teamName?: string; teamCity?: string };
  awayTeam: { teamId: number; teamTricode: string; teamName?: string; teamCity?: string };
}

export interface ScheduleBody {
  meta?: { time?: string };
  leagueSchedule: { seasonYear: string; gameDates: Array<{ gameDate: string; games: ScheduleGame[] }> };
}

/** GET the schedule of `date`; returns the validated body, its URL and the games of that date. */
export async function fetchSchedule(ctx: Pick<ProcessorContext, 'env' | 'fetchJson'>, date: string): Promise<{ url: string; body: ScheduleBody; games: ScheduleGame[] }> {
  const url = sourceUrl(sourceBaseUrl(ctx, 'NBA_COM_BASE_URL'), '/nba-com/schedule', { date });
  const body = expectShape<ScheduleBody>(await ctx.fetchJson(url), SCHEDULE_SHAPE, url);
  const games = body.leagueSchedule.gameDates.filter((d) => usDate(d.gameDate) === date).flatMap((d) => d.games);
  return { url, body, games };
}
