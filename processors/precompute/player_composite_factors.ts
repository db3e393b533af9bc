// Phase 4, level 2: the composite factors per player playing on the date — fatigue (rest, back-to-
// back, games and minutes of the last 7 days, minutes of the last 3 games), shot-zone mismatch (his
// zone shares × the opponent's FG% allowed vs league per zone), pace (his team's and the opponent's
// pace over their last 10 games vs the league's) and usage spike (last 3 games vs the season). All
// history is strictly before the date. See composite-scores.ts for the scales.
import { defineProcessor } from 'pipeline/processor';
import type { PlayerGameSummaryRow, TeamOffenseRow, UpcomingPlayerRow } from '../analytics/tables.js';
import { addDays } from '../shared/dates.js';
import { mean, n0, sum } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { fatigueScore, paceScore, shotZoneMismatch, usageSpikeScore, type ZoneShares } from './composite-scores.js';
import { before, historyBy, sameSeason } from './history.js';
import { paceLast10, usageOver } from './aggregates.js';
import { PRIORS } from './priors.js';
import type { PlayerCompositeRow, PlayerShotZoneRow, TeamDefenseZoneRow } from './tables.js';

export interface CompositeInputs {
  date: string;
  players: readonly UpcomingPlayerRow[];
  shotZones: ReadonlyMap<string, PlayerShotZoneRow>;
  defenseZones: ReadonlyMap<string, TeamDefenseZoneRow>;
  /** Player → his games before the date, newest first. */
  games: ReadonlyMap<string, PlayerGameSummaryRow[]>;
  /** Team → its games before the date, newest first. */
  teamGames: ReadonlyMap<string, TeamOffenseRow[]>;
  leaguePace: number;
}

export function compositeRow(inp: CompositeInputs, p: UpcomingPlayerRow): PlayerCompositeRow {
  const season = sameSeason((inp.games.get(p.player_lookup) ?? []).filter((g) => g.played), inp.date);
  const last7 = season.filter((g) => g.game_date >= addDays(inp.date, -7));
  const fatigue = fatigueScore({
    daysRest: p.days_rest,
    backToBack: p.back_to_back === true,
    gamesLast7: last7.length,
    minutesLast7: sum(last7.map((g) => n0(g.minutes))),
    minutesLast3Avg: mean(season.slice(0, 3).map((g) => n0(g.minutes))) ?? 0,
  });

  const z = inp.shotZones.get(p.player_lookup);
  const shares: ZoneShares | null = z && z.pct_paint !== null && z.pct_mid_range !== null && z.pct_three !== null ? { paint: z.pct_paint, mid: z.pct_mid_range, three: z.pct_three } : null;
  const d = p.opponent_team_abbr ? inp.defenseZones.get(p.opponent_team_abbr) : undefined;
  const opp: ZoneShares | null = d && n0(d.games_in_sample) > 0 && d.paint_vs_league !== null && d.mid_vs_league !== null && d.three_vs_league !== null
    ? { paint: d.paint_vs_league, mid: d.mid_vs_league, three: d.three_vs_league }
    : null;

  const paceOf = (team: string | null) => (team ? paceLast10(sameSeason(inp.teamGames.get(team) ?? [], inp.date)) : null);
  const oppPace = paceOf(p.opponent_team_abbr) ?? (d && n0(d.games_in_sample) > 0 ? d.pace : null);

  return {
    game_date: inp.date,
    player_lookup: p.player_lookup,
    fatigue_score: fatigue,
    shot_zone_mismatch_score: shotZoneMismatch(shares, opp, n0(d?.games_in_sample)),
    pace_score: paceScore(paceOf(p.team_abbr), oppPace, inp.leaguePace),
    usage_spike_score: usageSpikeScore(usageOver(season.slice(0, 3)), usageOver(season), season.length),
  };
}

export default defineProcessor('player_composite_factors', {
  async run(ctx) {
    const date = ctx.partition;
    const players = await ctx.read('nba_analytics.upcoming_player_game_context', { scope: ctx.scope });
    const shotZones = await ctx.read('nba_precompute.player_shot_zone_analysis', { scope: ctx.scope });
    const defenseZones = await ctx.read('nba_precompute.team_defense_zone_analysis');
    const games = await ctx.read('nba_analytics.player_game_summary', { scope: ctx.scope });
    const teamGames = await ctx.read('nba_analytics.team_offense_game_summary');
    const leaguePaces = before(teamGames, date).map((g) => g.pace).filter((x): x is number => x !== null);
    const inp: CompositeInputs = {
      date,
      players,
      shotZones: new Map(shotZones.map((r) => [r.player_lookup, r] as const)),
      defenseZones: new Map(defenseZones.map((r) => [r.team_abbr, r] as const)),
      games: historyBy(games, date, (g) => g.player_lookup),
      teamGames: historyBy(teamGames, date, (g) => g.team_abbr),
      leaguePace: mean(leaguePaces) ?? PRIORS.pace,
    };
    const rows = inScope(players.map((p) => compositeRow(inp, p)), ctx.scope, { player: 'player_lookup' });
    ctx.log.info('composite factors', { players: rows.length, league_pace: inp.leaguePace });
    ctx.write(rows);
  },
});
