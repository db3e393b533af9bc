// Grading one prediction against the box score. A player who did not play (no row in a game that
// has actuals, played = false or no minutes) is voided as DNP; a push (actual = line) and PASS /
// NO_LINE are never right or wrong (prediction_correct NULL).
import type { NbaPredictionsPredictionAccuracyRow } from '../../generated/index.js';
import type { Filled, Unpartitioned } from '../shared/rows.js';
import type { PredictionRow } from './predict.js';
import { bool, num, round, str } from './values.js';

export interface Actual {
  points: number | null;
  minutes: number | null;
  played: boolean | null;
}

/** A row of prediction_accuracy as grade builds it: a grade always has the prediction and whether it is voided. */
export type AccuracyRow = Filled<Unpartitioned<NbaPredictionsPredictionAccuracyRow>, 'predicted_points' | 'is_voided'>;

export function actualOf(r: Record<string, unknown>): Actual {
  return { points: num(r.points), minutes: num(r.minutes), played: bool(r.played) };
}

export function didPlay(a: Actual | undefined): a is Actual & { points: number } {
  return !!a && a.played !== false && (a.minutes === null || a.minutes > 0) && a.points !== null;
}

export function isCorrect(recommendation: string | null, actual: number, line: number | null): boolean | null {
  if (line === null || actual === line) return null;
  if (recommendation === 'OVER') return actual > line;
  if (recommendation === 'UNDER') return actual < line;
  return null;
}

type PredictionLike = Pick<PredictionRow, 'system_id' | 'player_lookup' | 'game_id' | 'team_abbr' | 'opponent_team_abbr'> & Record<string, unknown>;

export function grade(p: PredictionLike, actual: Actual | undefined): AccuracyRow {
  const predicted = num(p.predicted_points) ?? 0;
  const line = num(p.current_points_line);
  const recommendation = str(p.recommendation);
  const base = {
    system_id: p.system_id, player_lookup: p.player_lookup, game_id: p.game_id, team_abbr: p.team_abbr, opponent_team_abbr: p.opponent_team_abbr,
    predicted_points: predicted, confidence: num(p.confidence), points_line: line, recommendation,
  };
  if (!didPlay(actual)) {
    return { ...base, actual_points: null, absolute_error: null, signed_error: null, prediction_correct: null, within_3_points: null, within_5_points: null, is_voided: true, void_reason: 'DNP' };
  }
  const signed = round(predicted - actual.points, 2);
  const abs = Math.abs(signed);
  return {
    ...base, actual_points: actual.points, absolute_error: abs, signed_error: signed, prediction_correct: isCorrect(recommendation, actual.points, line),
    within_3_points: abs <= 3, within_5_points: abs <= 5, is_voided: false, void_reason: null,
  };
}
