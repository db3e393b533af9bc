// objects/nbac_schedule → nba_raw.nbac_schedule: one row per game of the date, from the latest
// schedule object (by its {ts}).
import { defineProcessor } from 'pipeline/processor';
import { SCHEDULE_SHAPE, type ScheduleBody } from '../scrapers/lib/nba-schedule.js';
import { teamAbbr } from '../scrapers/lib/teams.js';
import { toEt, usDate } from '../scrapers/lib/timestamps.js';
import { latestOf, parseObject } from './lib/objects.js';
import { strOrNull } from './lib/values.js';

export default defineProcessor('nbac_schedule_processor', {
  async run(ctx) {
    const date = ctx.partition;
    const latest = latestOf(await ctx.readObjects('objects/nbac_schedule'));
    if (!latest) return ctx.write([]);
    const body = parseObject<ScheduleBody>(latest, SCHEDULE_SHAPE).body;
    const games = body.leagueSchedule.gameDates.filter((d) => usDate(d.gameDate) === date).flatMap((d) => d.games);
    ctx.write(games.map((g) => ({
      game_date: date,
      game_id: g.gameId,
      game_code: g.gameCode,
      home_team_abbr: teamAbbr(g.homeTeam.teamTricode) ?? g.homeTeam.teamTricode,
      away_team_abbr: teamAbbr(g.awayTeam.teamTricode) ?? g.awayTeam.teamTricode,
      start_time_et: strOrNull(g.startTimeEt) ?? toEt(g.gameDateTimeUTC).hhmm,
      arena: strOrNull(g.arenaName),
      season: body.leagueSchedule.seasonYear,
    })));
  },
});
