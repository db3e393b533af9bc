// Phase 3: tonight's context per rostered player of the teams on today's schedule — the game and
// opponent, days since his previous game (1 = back-to-back), games in the last 30 days, the current
// points line (latest snapshot, median over books), the opening line (earliest), the movement and the
// line's source, and the injury status from the latest report that lists him (default Available).
import { defineProcessor } from 'pipeline/processor';
import { addDays } from '../shared/dates.js';
import { round } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { AVAILABLE, latestInjuries } from './injury-status.js';
import { playerLines } from './prop-lines.js';
import type { GamebookRow, InjuryReportRow, PropLineRow, ScheduleRow } from './raw-tables.js';
import { daysRest, gamesToday, rosterToday } from './rosters.js';
import type { UpcomingPlayerRow } from './tables.js';

export interface UpcomingPlayerInputs {
  date: string;
  schedule: readonly ScheduleRow[];
  gamebook: readonly GamebookRow[];
  injuries: readonly InjuryReportRow[];
  odds: readonly PropLineRow[];
  bettingPros: readonly PropLineRow[];
}

export function upcomingPlayerRows(inp: UpcomingPlayerInputs): UpcomingPlayerRow[] {
  const teams = gamesToday(inp.schedule);
  const injuries = latestInjuries(inp.injuries);
  const lines = playerLines(inp.odds, inp.bettingPros);
  const from30 = addDays(inp.date, -30);
  return rosterToday(inp.date, teams, inp.gamebook, inp.injuries).map(({ player, team, playedDates }) => {
    const g = teams.get(team)!;
    const rest = daysRest(inp.date, playedDates);
    const line = lines.get(player);
    return {
      game_date: inp.date,
      game_id: g.gameId,
      player_lookup: player,
      team_abbr: team,
      opponent_team_abbr: g.opponent,
      is_home: g.isHome,
      days_rest: rest,
      back_to_back: rest === 1,
      games_last_30_days: playedDates.filter((d) => d >= from30).length,
      current_points_line: line ? line.current : null,
      opening_points_line: line ? line.opening : null,
      line_movement: line ? round(line.current - line.opening, 2) : null,
      line_source: line ? line.source : null,
      injury_status: injuries.get(player)?.status ?? AVAILABLE,
    };
  });
}

export default defineProcessor('upcoming_player_game_context', {
  async run(ctx) {
    const schedule = await ctx.read('nba_raw.nbac_schedule');
    const gamebook = await ctx.read('nba_raw.nbac_gamebook_player_stats', { scope: ctx.scope });
    const injuries = await ctx.read('nba_raw.nbac_injury_report', { scope: ctx.scope });
    const odds = await ctx.read('nba_raw.odds_api_player_points_props', { scope: ctx.scope });
    const bettingPros = await ctx.read('nba_raw.bettingpros_player_points_props', { scope: ctx.scope });
    const rows = inScope(
      upcomingPlayerRows({ date: ctx.partition, schedule: schedule.filter((g) => g.game_date === ctx.partition), gamebook, injuries, odds, bettingPros }),
      ctx.scope, { player: 'player_lookup', team: 'team_abbr', game: 'game_id' },
    );
    ctx.log.info('upcoming players', { players: rows.length, with_line: rows.filter((r) => r.current_points_line !== null).length, teams: new Set(rows.map((r) => r.team_abbr)).size });
    ctx.write(rows);
  },
});
