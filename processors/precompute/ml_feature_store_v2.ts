// Phase 4, level 3: the feature store — one named, versioned feature vector per player playing on the
// date (the rows of upcoming_player_game_context), from the phase-4 tables of the date and the
// player's and team's history strictly before it. See feature-vector.ts for the features.
import { defineProcessor } from 'pipeline/processor';
import { mean } from '../shared/numbers.js';
import { inScope } from '../shared/scope.js';
import { offensiveRatingOver } from './aggregates.js';
import { FEATURE_VERSION, featureVector } from './feature-vector.js';
import { before, historyBy, sameSeason } from './history.js';
import { PRIORS } from './priors.js';
import type { FeatureStoreRow } from './tables.js';

const byKey = <R, K extends keyof R>(rows: readonly R[], k: K) => new Map(rows.map((r) => [r[k], r] as const));

export default defineProcessor('ml_feature_store_v2', {
  async run(ctx) {
    const date = ctx.partition;
    const players = await ctx.read('nba_analytics.upcoming_player_game_context', { scope: ctx.scope });
    const teams = await ctx.read('nba_analytics.upcoming_team_game_context');
    const cache = await ctx.read('nba_precompute.player_daily_cache', { scope: ctx.scope });
    const composite = await ctx.read('nba_precompute.player_composite_factors', { scope: ctx.scope });
    const zones = await ctx.read('nba_precompute.player_shot_zone_analysis', { scope: ctx.scope });
    const defense = await ctx.read('nba_precompute.team_defense_zone_analysis');
    const teamGames = await ctx.read('nba_analytics.team_offense_game_summary');
    const games = await ctx.read('nba_analytics.player_game_summary', { scope: ctx.scope });

    const teamHistory = before(teamGames, date);
    const league = {
      pace: mean(teamHistory.map((g) => g.pace).filter((x): x is number => x !== null)) ?? PRIORS.pace,
      offensiveRating: offensiveRatingOver(teamHistory) ?? PRIORS.offensiveRating,
      defensiveRating: mean(defense.map((d) => d.defensive_rating).filter((x): x is number => x !== null)) ?? PRIORS.defensiveRating,
    };
    const cacheOf = byKey(cache, 'player_lookup');
    const compositeOf = byKey(composite, 'player_lookup');
    const zonesOf = byKey(zones, 'player_lookup');
    const defenseOf = byKey(defense, 'team_abbr');
    const teamCtxOf = byKey(teams, 'team_abbr');
    const gamesOf = historyBy(games.filter((g) => g.played), date, (g) => g.player_lookup);
    const teamGamesOf = historyBy(teamGames, date, (g) => g.team_abbr);

    const rows: FeatureStoreRow[] = players.map((p) => {
      const windowGames = gamesOf.get(p.player_lookup) ?? [];
      const v = featureVector({
        player: p,
        cache: cacheOf.get(p.player_lookup),
        composite: compositeOf.get(p.player_lookup),
        zones: zonesOf.get(p.player_lookup),
        opponentDefense: p.opponent_team_abbr ? defenseOf.get(p.opponent_team_abbr) : undefined,
        opponentContext: p.opponent_team_abbr ? teamCtxOf.get(p.opponent_team_abbr) : undefined,
        seasonGames: sameSeason(windowGames, date),
        windowGames,
        teamGames: p.team_abbr ? sameSeason(teamGamesOf.get(p.team_abbr) ?? [], date) : [],
        league,
      });
      return {
        game_date: date,
        player_lookup: p.player_lookup,
        game_id: p.game_id,
        team_abbr: p.team_abbr,
        opponent_team_abbr: p.opponent_team_abbr,
        feature_version: FEATURE_VERSION,
        feature_names: v.names,
        features: v.values,
        feature_count: v.values.length,
        completeness: v.completeness,
      };
    });
    const out = inScope(rows, ctx.scope, { player: 'player_lookup', team: 'team_abbr', game: 'game_id' });
    const avg = mean(out.map((r) => r.completeness ?? 0));
    ctx.log.info('feature store', { players: out.length, features: out[0]?.feature_count ?? 0, avg_completeness: avg === null ? null : Math.round(avg * 1000) / 1000 });
    ctx.write(out);
  },
});

