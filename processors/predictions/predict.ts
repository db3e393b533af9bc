// One player's predictions: every base system, the shared confidence adjustments (feature
// completeness, injury status), the ensemble over them, and the recommendation rule, as rows of
// nba_predictions.player_prop_predictions.
import type { NbaPredictionsPlayerPropPredictionsRow } from '../../generated/index.js';
import type { Filled, Unpartitioned } from '../shared/rows.js';
import { decide, MIN_COMPLETENESS, predictionId } from './recommendation.js';
import { ensemble } from './systems/ensemble.js';
import { movingAverage } from './systems/moving_average.js';
import { similarity } from './systems/similarity.js';
import type { PlayerInput, PredictionSystem, SystemResult } from './systems/types.js';
import { zoneMatchup } from './systems/zone_matchup.js';
import { clamp, round } from './values.js';

export const BASE_SYSTEMS: readonly PredictionSystem[] = [movingAverage, zoneMatchup, similarity];
export const SYSTEM_IDS = [...BASE_SYSTEMS.map((s) => s.id), 'ensemble'] as const;

/** A row of player_prop_predictions as predictPlayer builds it: every system always predicts, rates and decides. */
export type PredictionRow = Filled<Unpartitioned<NbaPredictionsPlayerPropPredictionsRow>, 'prediction_id' | 'predicted_points' | 'confidence' | 'recommendation'>;

const INJURY_PENALTY: Record<string, number> = { questionable: 5, doubtful: 20 };

/** Completeness scales confidence (half of it at 0 % features); Questionable / Doubtful subtract. */
function adjusted(r: SystemResult, input: PlayerInput): SystemResult {
  const quality = input.completeness === null ? 1 : 0.5 + 0.5 * clamp(input.completeness, 0, 1);
  const injury = INJURY_PENALTY[(input.injuryStatus ?? '').trim().toLowerCase()] ?? 0;
  if (quality === 1 && injury === 0) return r;
  return { ...r, confidence: clamp(r.confidence * quality - injury, 0, 100), factors: { ...r.factors, quality_factor: round(quality, 3), injury_penalty: injury } };
}

function toRow(r: SystemResult, input: PlayerInput): PredictionRow {
  const points = round(Math.max(0, r.predicted), 1);
  const confidence = round(clamp(r.confidence, 0, 100), 1);
  const incomplete = input.completeness !== null && input.completeness < MIN_COMPLETENESS;
  const d = decide({ points, confidence, line: input.line, injuryStatus: input.injuryStatus, insufficient: r.insufficient, incomplete });
  return {
    prediction_id: predictionId(r.systemId, input.date, input.player),
    system_id: r.systemId,
    player_lookup: input.player,
    game_id: input.gameId,
    team_abbr: input.team,
    opponent_team_abbr: input.opponent,
    predicted_points: points,
    confidence,
    recommendation: d.recommendation,
    current_points_line: input.line,
    line_margin: d.margin,
    line_source: input.line === null ? null : input.lineSource,
    is_home: input.isHome,
    injury_status: input.injuryStatus,
    recommendation_reason: d.reason,
    factors: r.factors,
  };
}

/** A system that produced a non-number (a data bug upstream) passes instead of failing the run. */
function finite(r: SystemResult): SystemResult {
  if (Number.isFinite(r.predicted) && Number.isFinite(r.confidence)) return r;
  return { ...r, predicted: Number.isFinite(r.predicted) ? r.predicted : 0, confidence: 0, insufficient: 'insufficient_data', factors: { ...r.factors, non_finite: true } };
}

export function predictPlayer(input: PlayerInput): PredictionRow[] {
  const base = BASE_SYSTEMS.map((s) => finite(adjusted(s.predict(input), input)));
  const components = base.map((r) => ({
    systemId: r.systemId, points: round(Math.max(0, r.predicted), 1), confidence: round(clamp(r.confidence, 0, 100), 1), insufficient: r.insufficient !== undefined,
  }));
  return [...base, finite(ensemble(components, input.line))].map((r) => toRow(r, input));
}
