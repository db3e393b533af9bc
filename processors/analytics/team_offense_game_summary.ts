// Phase 3: team offense per game — possessions (FGA − OREB + TOV + 0.44·FTA), pace (possessions per
// 48 minutes), offensive rating (points per 100 possessions), result, and team minutes (regulation
// unless the gamebook minutes or the play-by-play periods show overtime).
import { defineProcessor } from 'pipeline/processor';
import { groupBy } from '../shared/group.js';
import { n0, roundOrNull, round } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { pace, possessions, rating } from './formulas.js';
import type { TeamBoxscoreRow } from './raw-tables.js';
import { teamMinutes } from './team-minutes.js';
import type { TeamOffenseRow } from './tables.js';

export function teamOffenseRows(box: readonly TeamBoxscoreRow[], minutesOf: (gameId: string, team: string) => number): TeamOffenseRow[] {
  const byGame = groupBy(box, (r) => r.game_id);
  return box.map((r) => {
    const opp = byGame.get(r.game_id)!.find((o) => o.team_abbr !== r.team_abbr) ?? null;
    const poss = possessions({ fga: n0(r.fga), oreb: n0(r.offensive_rebounds), tov: n0(r.turnovers), fta: n0(r.fta) });
    const minutes = minutesOf(r.game_id, r.team_abbr);
    return {
      game_date: r.game_date,
      game_id: r.game_id,
      team_abbr: r.team_abbr,
      opponent_team_abbr: r.opponent_team_abbr ?? opp?.team_abbr ?? null,
      is_home: r.is_home,
      points: r.points,
      possessions: round(poss, 2),
      pace: roundOrNull(pace(poss, minutes), 2),
      offensive_rating: r.points === null ? null : roundOrNull(rating(r.points, poss), 2),
      fga: r.fga,
      fta: r.fta,
      turnovers: r.turnovers,
      won: opp && r.points !== null && opp.points !== null ? r.points > opp.points : null,
      minutes,
    };
  });
}

export default defineProcessor('team_offense_game_summary', {
  async run(ctx) {
    const box = await ctx.read('nba_raw.nbac_team_boxscore');
    const gamebook = await ctx.read('nba_raw.nbac_gamebook_player_stats', { scope: ctx.scope });
    const pbp = await ctx.read('nba_raw.nbac_play_by_play');
    const rows = inScope(teamOffenseRows(box, teamMinutes(gamebook, pbp)), ctx.scope, { team: 'team_abbr', game: 'game_id' });
    ctx.log.info('team offense', { teams: rows.length, games: new Set(rows.map((r) => r.game_id)).size, gamebook: gamebook.length > 0, play_by_play: pbp.length > 0 });
    ctx.write(rows);
  },
});
