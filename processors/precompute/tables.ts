// Row shapes of the phase-4 tables (pipeline.yaml `datasets.nba_precompute` and
// `nba_predictions.ml_feature_store_v2`). Mirrors the generated row types.

export type TeamDefenseZoneRow = {
  game_date: string;
  team_abbr: string;
  games_in_sample: number | null;
  paint_fg_pct_allowed: number | null;
  mid_fg_pct_allowed: number | null;
  three_fg_pct_allowed: number | null;
  paint_vs_league: number | null;
  mid_vs_league: number | null;
  three_vs_league: number | null;
  defensive_rating: number | null;
  pace: number | null;
};

export type PlayerShotZoneRow = {
  game_date: string;
  player_lookup: string;
  games_in_sample: number | null;
  pct_paint: number | null;
  pct_mid_range: number | null;
  pct_three: number | null;
  paint_fg_pct: number | null;
  mid_fg_pct: number | null;
  three_fg_pct: number | null;
  pct_free_throw: number | null;
};

export type PlayerDailyCacheRow = {
  game_date: string;
  player_lookup: string;
  team_abbr: string | null;
  games_played_season: number | null;
  points_avg_last_5: number | null;
  points_avg_last_10: number | null;
  points_avg_season: number | null;
  points_std_last_10: number | null;
  minutes_avg_last_10: number | null;
  usage_rate_last_10: number | null;
  ts_pct_last_10: number | null;
  team_pace_last_10: number | null;
  games_in_last_7_days: number | null;
  games_in_last_14_days: number | null;
  minutes_in_last_7_days: number | null;
};

export type PlayerCompositeRow = {
  game_date: string;
  player_lookup: string;
  fatigue_score: number | null;
  shot_zone_mismatch_score: number | null;
  pace_score: number | null;
  usage_spike_score: number | null;
};

export type FeatureStoreRow = {
  game_date: string;
  player_lookup: string;
  game_id: string | null;
  team_abbr: string | null;
  opponent_team_abbr: string | null;
  feature_version: string | null;
  feature_names: unknown;
  features: unknown;
  feature_count: number | null;
  completeness: number | null;
};
