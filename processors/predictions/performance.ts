// Accuracy totals of a set of prediction_accuracy rows: counts, win rate over OVER / UNDER
// decisions that were right or wrong, and MAE and bias over the graded (not voided) rows.
import type { PerformanceRow } from './system_performance.js';
import { bool, num, round } from './values.js';

/** The date's own columns of a system_daily_performance row (the running ones are totals over the window). */
export type Totals = Omit<PerformanceRow, 'system_id' | `running_${string}`>;

export function totals(rows: readonly Record<string, unknown>[]): Totals {
  let graded = 0, voided = 0, correct = 0, incorrect = 0, absSum = 0, signedSum = 0;
  for (const r of rows) {
    if (bool(r.is_voided) === true) {
      voided++;
      continue;
    }
    const abs = num(r.absolute_error);
    const signed = num(r.signed_error);
    if (abs === null || signed === null) continue;
    graded++;
    absSum += abs;
    signedSum += signed;
    const c = bool(r.prediction_correct);
    if (c === true) correct++;
    else if (c === false) incorrect++;
  }
  return {
    predictions: rows.length, graded, voided, correct, incorrect,
    win_rate: correct + incorrect ? round(correct / (correct + incorrect), 4) : null,
    mae: graded ? round(absSum / graded, 3) : null,
    bias: graded ? round(signedSum / graded, 3) : null,
  };
}
