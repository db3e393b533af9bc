// Phase 4, level 1: per player playing on the date, over his last 10 games played before the date —
// the share of his field-goal attempts per zone (paint, mid-range, three), his FG% per zone, and the
// share of his points from free throws. Games without a zone split (no play-by-play) are left out of
// the zone figures. No history: nulls and games_in_sample 0 (the feature store imputes).
import { defineProcessor } from 'pipeline/processor';
import type { PlayerGameSummaryRow } from '../analytics/tables.js';
import { n0, ratio, roundOrNull, sum } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { historyBy } from './history.js';
import type { PlayerShotZoneRow } from './tables.js';

export const PLAYER_SAMPLE_GAMES = 10;

export function shotZoneRow(date: string, player: string, history: readonly PlayerGameSummaryRow[]): PlayerShotZoneRow {
  const games = history.filter((g) => g.played).slice(0, PLAYER_SAMPLE_GAMES);
  const split = games.filter((g) => g.paint_fga !== null && g.mid_fga !== null && g.three_fga !== null);
  const att = (k: 'paint_fga' | 'mid_fga' | 'three_fga') => sum(split.map((g) => n0(g[k])));
  const made = (k: 'paint_fgm' | 'mid_fgm' | 'three_fgm') => sum(split.map((g) => n0(g[k])));
  const total = att('paint_fga') + att('mid_fga') + att('three_fga');
  const points = sum(games.map((g) => n0(g.points)));
  return {
    game_date: date,
    player_lookup: player,
    games_in_sample: games.length,
    pct_paint: roundOrNull(ratio(att('paint_fga'), total)),
    pct_mid_range: roundOrNull(ratio(att('mid_fga'), total)),
    pct_three: roundOrNull(ratio(att('three_fga'), total)),
    paint_fg_pct: roundOrNull(ratio(made('paint_fgm'), att('paint_fga'))),
    mid_fg_pct: roundOrNull(ratio(made('mid_fgm'), att('mid_fga'))),
    three_fg_pct: roundOrNull(ratio(made('three_fgm'), att('three_fga'))),
    pct_free_throw: roundOrNull(ratio(sum(games.map((g) => n0(g.ftm))), points)),
  };
}

export default defineProcessor('player_shot_zone_analysis', {
  async run(ctx) {
    const players = await ctx.read('nba_analytics.upcoming_player_game_context', { scope: ctx.scope });
    const window = await ctx.read('nba_analytics.player_game_summary', { scope: ctx.scope });
    const byPlayer = historyBy(window, ctx.partition, (g) => g.player_lookup);
    const rows = inScope(players.map((p) => shotZoneRow(ctx.partition, p.player_lookup, byPlayer.get(p.player_lookup) ?? [])), ctx.scope, { player: 'player_lookup' });
    ctx.log.info('player shot zones', { players: rows.length, without_history: rows.filter((r) => r.games_in_sample === 0).length });
    ctx.write(rows);
  },
});
