// Moving average: 0.5·L5 + 0.3·L10 + 0.2·season, then additive adjustments in points for fatigue,
// shot-zone mismatch, pace, usage spike, rest (back-to-back) and venue. Confidence falls with the
// player's scoring spread and with a hot or cold streak far from the season average.
import { clamp, mean, round } from '../values.js';
import { recentPoints } from './features.js';
import type { PlayerInput, PredictionSystem, SystemResult } from './types.js';

export const WEIGHTS = { l5: 0.5, l10: 0.3, season: 0.2 } as const;

/** Adjustment of fatigue_score (0 exhausted … 100 fresh). */
export function fatigueAdjustment(score: number | null): number {
  if (score === null) return 0;
  if (score < 50) return -2.5;
  if (score < 70) return -1.0;
  return 0;
}

export const movingAverage: PredictionSystem = {
  id: 'moving_average',
  predict(input: PlayerInput): SystemResult {
    const f = input.features;
    const recent = recentPoints(f);
    if (!recent) {
      const hist = mean(input.history.slice(-10).map((g) => g.points));
      return { systemId: 'moving_average', predicted: hist ?? 0, confidence: 10, factors: { base: hist === null ? null : round(hist, 2) }, insufficient: 'insufficient_data' };
    }
    const base = WEIGHTS.l5 * recent.l5 + WEIGHTS.l10 * recent.l10 + WEIGHTS.season * recent.season;
    const fatigue = fatigueAdjustment(f.get('fatigue_score'));
    const zone = clamp(f.get('shot_zone_mismatch_score') ?? 0, -10, 10) * 0.3;
    const pace = clamp(f.get('pace_score') ?? 0, -3, 3) * 0.5;
    const usage = clamp(f.get('usage_spike_score') ?? 0, -3, 3) * 0.4;
    const rest = input.backToBack ? -1.5 : clamp(f.get('rest_advantage') ?? 0, -2, 2) * 0.5;
    const venue = input.isHome === null ? 0 : input.isHome ? 0.5 : -0.5;
    const predicted = base + fatigue + zone + pace + usage + rest + venue;

    const spread = f.get('points_std_last_10') ?? 6;
    const streak = Math.abs(recent.l5 - recent.season);
    const confidence = clamp(85 - 2.5 * Math.max(0, spread - 3) - Math.min(15, streak), 5, 95);
    return {
      systemId: 'moving_average',
      predicted,
      confidence,
      factors: {
        base: round(base, 2), fatigue: round(fatigue, 2), shot_zone: round(zone, 2), pace: round(pace, 2),
        usage: round(usage, 2), rest: round(rest, 2), venue: round(venue, 2), back_to_back: input.backToBack,
        points_std_last_10: round(spread, 2),
      },
    };
  },
};
