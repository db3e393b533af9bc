// Row types of the phase-4 tables (pipeline.yaml `datasets.nba_precompute` and
// `nba_predictions.ml_feature_store_v2`). Short names for the generated row types.
import type { TableRows } from '../../generated/index.js';

export type TeamDefenseZoneRow = TableRows['nba_precompute.team_defense_zone_analysis'];
export type PlayerShotZoneRow = TableRows['nba_precompute.player_shot_zone_analysis'];
export type PlayerDailyCacheRow = TableRows['nba_precompute.player_daily_cache'];
export type PlayerCompositeRow = TableRows['nba_precompute.player_composite_factors'];
export type FeatureStoreRow = TableRows['nba_predictions.ml_feature_store_v2'];
