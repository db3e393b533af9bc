// Row types of the phase-4 tables (pipeline.yaml `datasets.nba_precompute` and
// `nba_predictions.ml_feature_store_v2`). Short names for the generated row types.
import type {
  NbaPrecomputePlayerCompositeFactorsRow,
  NbaPrecomputePlayerDailyCacheRow,
  NbaPrecomputePlayerShotZoneAnalysisRow,
  NbaPrecomputeTeamDefenseZoneAnalysisRow,
  NbaPredictionsMlFeatureStoreV2Row,
} from '../../engine/generated/index.js';

export type TeamDefenseZoneRow = NbaPrecomputeTeamDefenseZoneAnalysisRow;
export type PlayerShotZoneRow = NbaPrecomputePlayerShotZoneAnalysisRow;
export type PlayerDailyCacheRow = NbaPrecomputePlayerDailyCacheRow;
export type PlayerCompositeRow = NbaPrecomputePlayerCompositeFactorsRow;
export type FeatureStoreRow = NbaPredictionsMlFeatureStoreV2Row;
