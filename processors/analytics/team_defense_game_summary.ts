// Phase 3: team defense per game — points allowed, the opponent's possessions and pace, defensive
// rating (points allowed per 100 opponent possessions), and FG% allowed by zone from the opponent's
// shots in the play-by-play (nba.com, BigDataBall for games nba.com lacks). Without play-by-play for
// a game, threes allowed still come from the opponent's box score and the two-point zones stay null.
import { defineProcessor } from 'pipeline/processor';
import { n0, ratio, round, roundOrNull } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { pace, possessions, rating } from './formulas.js';
import type { TeamBoxscoreRow } from './raw-tables.js';
import { shotsByGame, zoneCounts, type ZoneCounts } from './shots.js';
import type { TeamDefenseRow } from './tables.js';
import { teamMinutes } from './team-minutes.js';

const pct = (made: number, att: number) => roundOrNull(ratio(made, att), 4);

export function teamDefenseRows(box: readonly TeamBoxscoreRow[], zonesOf: (gameId: string, offense: string) => ZoneCounts | undefined, minutesOf: (gameId: string, team: string) => number): TeamDefenseRow[] {
  const out: TeamDefenseRow[] = [];
  for (const r of box) {
    const opp = box.find((o) => o.game_id === r.game_id && o.team_abbr !== r.team_abbr);
    if (!opp) continue;
    const poss = possessions({ fga: n0(opp.fga), oreb: n0(opp.offensive_rebounds), tov: n0(opp.turnovers), fta: n0(opp.fta) });
    const z = zonesOf(r.game_id, opp.team_abbr);
    const threeFga = z ? z.three.fga : opp.three_pa;
    const threeFgm = z ? z.three.fgm : opp.three_pm;
    out.push({
      game_date: r.game_date,
      game_id: r.game_id,
      defending_team_abbr: r.team_abbr,
      opponent_team_abbr: opp.team_abbr,
      points_allowed: opp.points,
      possessions: round(poss, 2),
      defensive_rating: opp.points === null ? null : roundOrNull(rating(opp.points, poss), 2),
      paint_fg_pct_allowed: z ? pct(z.paint.fgm, z.paint.fga) : null,
      mid_fg_pct_allowed: z ? pct(z.mid.fgm, z.mid.fga) : null,
      three_fg_pct_allowed: threeFga === null || threeFgm === null ? null : pct(threeFgm, threeFga),
      paint_fga_allowed: z ? z.paint.fga : null,
      mid_fga_allowed: z ? z.mid.fga : null,
      three_fga_allowed: threeFga,
      paint_fgm_allowed: z ? z.paint.fgm : null,
      mid_fgm_allowed: z ? z.mid.fgm : null,
      three_fgm_allowed: threeFgm,
      pace: roundOrNull(pace(poss, minutesOf(r.game_id, opp.team_abbr)), 2),
    });
  }
  return out;
}

export default defineProcessor('team_defense_game_summary', {
  async run(ctx) {
    const box = await ctx.read('nba_raw.nbac_team_boxscore');
    const gamebook = await ctx.read('nba_raw.nbac_gamebook_player_stats');
    const pbp = await ctx.read('nba_raw.nbac_play_by_play');
    const bdb = await ctx.read('nba_raw.bigdataball_play_by_play');
    const { shots } = shotsByGame(pbp, bdb);
    const zones = zoneCounts(shots, (s) => (s.team ? `${s.gameId}|${s.team}` : null));
    const rows = teamDefenseRows(box, (g, t) => zones.get(`${g}|${t}`), teamMinutes(gamebook, pbp));
    const out = inScope(rows, ctx.scope, { team: 'defending_team_abbr', game: 'game_id' });
    ctx.log.info('team defense', { teams: out.length, games_with_zones: new Set(shots.map((s) => s.gameId)).size });
    ctx.write(out);
  },
});
