// Phase 5: points predictions per player and system (moving_average, zone_matchup, similarity,
// ensemble) with OVER / UNDER / PASS / NO_LINE. Scoped runs read and write only the scoped players;
// every player's prediction depends only on its own rows and the league-wide zone defence, so a
// scoped run and a full run predict a player identically.
import { defineProcessor } from 'pipeline/processor';
import { playerInputs } from './player_inputs.js';
import { predictPlayer } from './predict.js';

export default defineProcessor('player_points_predictions', {
  async run(ctx) {
    const scope = ctx.scope;
    const [features, context, history, defense] = await Promise.all([
      ctx.read('nba_predictions.ml_feature_store_v2', { scope }),
      ctx.read('nba_analytics.upcoming_player_game_context', { scope }),
      ctx.read('nba_analytics.player_game_summary', { scope }),
      ctx.read('nba_precompute.team_defense_zone_analysis'),
    ]);
    const inputs = playerInputs(ctx.partition, { features, context, history, defense });
    const rows = inputs.flatMap(predictPlayer);
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.recommendation] = (counts[r.recommendation] ?? 0) + 1;
    ctx.log.info(`${rows.length} predictions for ${inputs.length} players`, { ...counts, zone_defense_teams: defense.length });
    ctx.write(rows);
  },
});
