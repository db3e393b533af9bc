// The recommendation rule shared by every system, and the prediction id.
//   NO_LINE  no current line in upcoming_player_game_context
//   PASS     the player is Out (player_out) — decided: Out players keep their rows (so coverage
//            checks and the site see them) with the model's points, but never a bet; or the system
//            lacked data (insufficient_data) or features were incomplete (incomplete_features);
//            or confidence ≤ 45 (low_confidence); or |edge| ≤ 2.0 points (small_edge)
//   OVER / UNDER otherwise, by the sign of the edge (predicted − line).
import { createHash } from 'node:crypto';
import { round } from './values.js';

export const EDGE_THRESHOLD = 2.0;
export const CONFIDENCE_THRESHOLD = 45;
/** Feature completeness (0..1) below which every system passes. */
export const MIN_COMPLETENESS = 0.7;

export type Recommendation = 'OVER' | 'UNDER' | 'PASS' | 'NO_LINE';
export type Reason = 'no_line' | 'player_out' | 'insufficient_data' | 'incomplete_features' | 'low_confidence' | 'small_edge';

export interface Decision {
  recommendation: Recommendation;
  reason: Reason | null;
  /** predicted − line, rounded to 0.1; null without a line. */
  margin: number | null;
}

export const isOut = (status: string | null) => status !== null && status.trim().toLowerCase() === 'out';

export function decide(a: { points: number; confidence: number; line: number | null; injuryStatus: string | null; insufficient?: string; incomplete?: boolean }): Decision {
  const margin = a.line === null ? null : round(a.points - a.line, 1);
  if (margin === null) return { recommendation: 'NO_LINE', reason: 'no_line', margin };
  if (isOut(a.injuryStatus)) return { recommendation: 'PASS', reason: 'player_out', margin };
  if (a.insufficient) return { recommendation: 'PASS', reason: 'insufficient_data', margin };
  if (a.incomplete) return { recommendation: 'PASS', reason: 'incomplete_features', margin };
  if (a.confidence <= CONFIDENCE_THRESHOLD) return { recommendation: 'PASS', reason: 'low_confidence', margin };
  if (Math.abs(margin) <= EDGE_THRESHOLD) return { recommendation: 'PASS', reason: 'small_edge', margin };
  return { recommendation: margin > 0 ? 'OVER' : 'UNDER', reason: null, margin };
}

/** Deterministic id of a prediction: the same system, date and player always give the same id. */
export function predictionId(systemId: string, date: string, player: string): string {
  return createHash('sha256').update(`${systemId}|${date}|${player}`).digest('hex').slice(0, 24);
}
