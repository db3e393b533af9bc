// Phase 4, level 1: per team playing on the date, FG% allowed by zone (paint ≤ 8 ft, mid-range,
// three) over its last 15 games before the date, against the league's FG% by zone over the whole
// window; defensive rating and pace faced over the same games. A team without history gets the
// league values (vs league 0) and games_in_sample 0.
import { defineProcessor } from 'pipeline/processor';
import type { TeamDefenseRow, UpcomingTeamRow } from '../analytics/tables.js';
import { n0, ratio, round, sum } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { before, historyBy } from './history.js';
import { PRIORS } from './priors.js';
import type { TeamDefenseZoneRow } from './tables.js';

export const TEAM_SAMPLE_GAMES = 15;

type ZoneKey = 'paint' | 'mid' | 'three';
const ZONE_KEYS: readonly ZoneKey[] = ['paint', 'mid', 'three'];
const PRIOR_PCT: Record<ZoneKey, number> = { paint: PRIORS.paintFgPct, mid: PRIORS.midFgPct, three: PRIORS.threeFgPct };

/** FG% allowed in a zone over some games (made / attempts summed), null without attempts. */
export function zonePct(games: readonly TeamDefenseRow[], z: ZoneKey): number | null {
  const rows = games.filter((g) => g[`${z}_fga_allowed`] !== null && g[`${z}_fgm_allowed`] !== null);
  return ratio(sum(rows.map((g) => g[`${z}_fgm_allowed`]!)), sum(rows.map((g) => g[`${z}_fga_allowed`]!)));
}

/** Points allowed per 100 possessions over some games; null without possessions. */
export function defensiveRating(games: readonly TeamDefenseRow[]): number | null {
  const rows = games.filter((g) => g.points_allowed !== null && g.possessions !== null);
  return ratio(100 * sum(rows.map((g) => g.points_allowed!)), sum(rows.map((g) => g.possessions!)));
}

export function teamDefenseZoneRows(date: string, teams: readonly UpcomingTeamRow[], window: readonly TeamDefenseRow[]): TeamDefenseZoneRow[] {
  const history = before(window, date);
  const league = Object.fromEntries(ZONE_KEYS.map((z) => [z, zonePct(history, z) ?? PRIOR_PCT[z]])) as Record<ZoneKey, number>;
  const leagueRating = defensiveRating(history) ?? PRIORS.defensiveRating;
  const paces = history.map((g) => g.pace).filter((p): p is number => p !== null);
  const leaguePace = paces.length ? sum(paces) / paces.length : PRIORS.pace;
  const byTeam = historyBy(window, date, (g) => g.defending_team_abbr);
  return teams.map((t) => {
    const games = (byTeam.get(t.team_abbr) ?? []).slice(0, TEAM_SAMPLE_GAMES);
    const pct = (z: ZoneKey) => zonePct(games, z) ?? league[z];
    const gamePaces = games.map((g) => g.pace).filter((p): p is number => p !== null);
    return {
      game_date: date,
      team_abbr: t.team_abbr,
      games_in_sample: games.length,
      paint_fg_pct_allowed: round(pct('paint')),
      mid_fg_pct_allowed: round(pct('mid')),
      three_fg_pct_allowed: round(pct('three')),
      paint_vs_league: round(pct('paint') - league.paint),
      mid_vs_league: round(pct('mid') - league.mid),
      three_vs_league: round(pct('three') - league.three),
      defensive_rating: round(defensiveRating(games) ?? leagueRating, 2),
      pace: round(gamePaces.length ? sum(gamePaces) / gamePaces.length : leaguePace, 2),
    };
  });
}

export default defineProcessor('team_defense_zone_analysis', {
  async run(ctx) {
    const teams = await ctx.read('nba_analytics.upcoming_team_game_context', { scope: ctx.scope });
    const window = await ctx.read('nba_analytics.team_defense_game_summary');
    const rows = inScope(teamDefenseZoneRows(ctx.partition, teams, window), ctx.scope, { team: 'team_abbr' });
    ctx.log.info('team defense zones', { teams: rows.length, without_history: rows.filter((r) => n0(r.games_in_sample) === 0).length, window_games: window.length });
    ctx.write(rows);
  },
});
