// Phase 4, level 2: per player playing on the date, from his games played strictly before it —
// points over the last 5 and 10 games and the season, the spread of the last 10, minutes, usage
// (minutes-weighted) and true shooting (from summed points and shots) over the last 10, his team's
// pace over its last 10 games (all of this season), and his workload: games in the last 7 and 14 days, minutes in the last
// 7. Figures without any game stay null (the feature store imputes them).
import { defineProcessor } from 'pipeline/processor';
import type { PlayerGameSummaryRow, TeamOffenseRow, UpcomingPlayerRow } from '../analytics/tables.js';
import { addDays } from '../shared/dates.js';
import { mean, n0, roundOrNull, stdDev, sum } from '../shared/numbers.js';
import { paceLast10, trueShootingOver, usageOver } from './aggregates.js';
import { inScope } from '../shared/scope.js';
import { historyBy, sameSeason } from './history.js';
import type { PlayerDailyCacheRow } from './tables.js';

export function dailyCacheRow(date: string, ctx: UpcomingPlayerRow, history: readonly PlayerGameSummaryRow[], teamGames: readonly TeamOffenseRow[]): PlayerDailyCacheRow {
  // This season only: last spring's games say little about a player on a new roster.
  const season = sameSeason(history.filter((g) => g.played), date);
  const last = (n: number) => season.slice(0, n);
  const pts = (gs: readonly PlayerGameSummaryRow[]) => gs.map((g) => n0(g.points));
  const since = (days: number) => season.filter((g) => g.game_date >= addDays(date, -days));
  return {
    game_date: date,
    player_lookup: ctx.player_lookup,
    team_abbr: ctx.team_abbr,
    games_played_season: season.length,
    points_avg_last_5: roundOrNull(mean(pts(last(5)))),
    points_avg_last_10: roundOrNull(mean(pts(last(10)))),
    points_avg_season: roundOrNull(mean(pts(season))),
    points_std_last_10: roundOrNull(stdDev(pts(last(10)))),
    minutes_avg_last_10: roundOrNull(mean(last(10).map((g) => n0(g.minutes)))),
    usage_rate_last_10: roundOrNull(usageOver(last(10)), 2),
    ts_pct_last_10: roundOrNull(trueShootingOver(last(10))),
    team_pace_last_10: roundOrNull(paceLast10(sameSeason(teamGames, date)), 2),
    games_in_last_7_days: since(7).length,
    games_in_last_14_days: since(14).length,
    minutes_in_last_7_days: roundOrNull(sum(since(7).map((g) => n0(g.minutes))), 2),
  };
}

export default defineProcessor('player_daily_cache', {
  async run(ctx) {
    const players = await ctx.read('nba_analytics.upcoming_player_game_context', { scope: ctx.scope });
    const games = await ctx.read('nba_analytics.player_game_summary', { scope: ctx.scope });
    const teamGames = await ctx.read('nba_analytics.team_offense_game_summary');
    const byPlayer = historyBy(games, ctx.partition, (g) => g.player_lookup);
    const byTeam = historyBy(teamGames, ctx.partition, (g) => g.team_abbr);
    const rows = inScope(
      players.map((p) => dailyCacheRow(ctx.partition, p, byPlayer.get(p.player_lookup) ?? [], p.team_abbr ? byTeam.get(p.team_abbr) ?? [] : [])),
      ctx.scope, { player: 'player_lookup', team: 'team_abbr' },
    );
    ctx.log.info('player daily cache', { players: rows.length, without_history: rows.filter((r) => r.points_avg_last_10 === null).length });
    ctx.write(rows);
  },
});
