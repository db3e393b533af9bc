// Phase 3: tonight's context per team on today's schedule — the game and opponent, days since the
// team's previous game (1 = back-to-back) from the gamebooks of the last 30 days, and how many of its
// players the latest injury report lists as Out, and as Doubtful or Questionable.
import { defineProcessor } from 'pipeline/processor';
import { groupBy } from '../shared/group.js';
import { inScope } from '../shared/scope.js';
import { latestInjuries } from './injury-status.js';
import type { GamebookRow, InjuryReportRow, ScheduleRow, ScoreboardRow } from './raw-tables.js';
import { daysRest, gamesToday } from './rosters.js';
import type { UpcomingTeamRow } from './tables.js';

export interface UpcomingTeamInputs {
  date: string;
  schedule: readonly ScheduleRow[];
  scoreboard: readonly ScoreboardRow[];
  gamebook: readonly GamebookRow[];
  injuries: readonly InjuryReportRow[];
}

export function upcomingTeamRows(inp: UpcomingTeamInputs): UpcomingTeamRow[] {
  const teams = gamesToday(inp.schedule, inp.scoreboard);
  const gameDates = groupBy(inp.gamebook.filter((r) => r.team_abbr), (r) => r.team_abbr!);
  const latest = [...latestInjuries(inp.injuries).values()];
  return [...teams.values()]
    .sort((a, b) => (a.team < b.team ? -1 : 1))
    .map((g) => {
      const dates = [...new Set((gameDates.get(g.team) ?? []).map((r) => r.game_date))].sort().reverse();
      const rest = daysRest(inp.date, dates);
      const listed = latest.filter((r) => r.team_abbr === g.team);
      return {
        game_date: inp.date,
        game_id: g.gameId,
        team_abbr: g.team,
        opponent_team_abbr: g.opponent,
        is_home: g.isHome,
        days_rest: rest,
        back_to_back: rest === 1,
        players_out: listed.filter((r) => r.status === 'Out').length,
        players_questionable: listed.filter((r) => r.status === 'Questionable' || r.status === 'Doubtful').length,
      };
    });
}

export default defineProcessor('upcoming_team_game_context', {
  async run(ctx) {
    const schedule = await ctx.read('nba_raw.nbac_schedule');
    const scoreboard = await ctx.read('nba_raw.nbac_scoreboard_v2');
    const gamebook = await ctx.read('nba_raw.nbac_gamebook_player_stats', { scope: ctx.scope });
    const injuries = await ctx.read('nba_raw.nbac_injury_report', { scope: ctx.scope });
    const on = (r: { game_date: string }) => r.game_date === ctx.partition;
    const rows = inScope(upcomingTeamRows({ date: ctx.partition, schedule: schedule.filter(on), scoreboard: scoreboard.filter(on), gamebook, injuries }), ctx.scope, { team: 'team_abbr', game: 'game_id' });
    ctx.log.info('upcoming teams', { teams: rows.length, back_to_back: rows.filter((r) => r.back_to_back).length });
    ctx.write(rows);
  },
});
