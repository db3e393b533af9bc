// Zone matchup: the player's scoring shares by zone (paint, mid-range, three; free throws are
// neutral) times how much more or less the opponent allows in each zone than the league, applied as
// a multiplier to the L10 average, with small pace, venue and back-to-back multipliers. Confidence
// grows with the size of the mismatch; without the opponent's zone defence it is low (a PASS).
import { clamp, round } from '../values.js';
import { recentPoints } from './features.js';
import type { FeatureVector, PlayerInput, PredictionSystem, SystemResult, TeamDefense } from './types.js';

export interface ZoneShares {
  paint: number;
  mid: number;
  three: number;
  ft: number;
}

/** Shares as fractions summing to 1 (features may hold fractions or percentages). */
export function zoneShares(f: FeatureVector): ZoneShares | null {
  const raw = { paint: f.get('pct_paint'), mid: f.get('pct_mid_range'), three: f.get('pct_three'), ft: f.get('pct_free_throw') ?? 0 };
  if (raw.paint === null || raw.mid === null || raw.three === null) return null;
  const total = raw.paint + raw.mid + raw.three + raw.ft;
  if (!(total > 0)) return null;
  return { paint: raw.paint / total, mid: raw.mid / total, three: raw.three / total, ft: raw.ft / total };
}

/** Σ share × (allowed / league − 1) over the three shooting zones: +0.03 = 3 % more points expected. */
export function matchupEdge(shares: ZoneShares, d: TeamDefense): number {
  return shares.paint * (d.paint ?? 0) + shares.mid * (d.mid ?? 0) + shares.three * (d.three ?? 0);
}

export const zoneMatchup: PredictionSystem = {
  id: 'zone_matchup',
  predict(input: PlayerInput): SystemResult {
    const f = input.features;
    const recent = recentPoints(f);
    const shares = zoneShares(f);
    if (!recent || !shares) {
      return { systemId: 'zone_matchup', predicted: recent?.l10 ?? 0, confidence: 10, factors: { shares_available: shares !== null }, insufficient: 'insufficient_data' };
    }
    const defense = input.opponent ? input.defenseByTeam.get(input.opponent) : undefined;
    const edge = defense ? clamp(matchupEdge(shares, defense), -0.15, 0.15) : 0;
    const pace = 1 + clamp(f.get('pace_score') ?? 0, -3, 3) * 0.01;
    const venue = input.isHome === null ? 1 : input.isHome ? 1.01 : 0.99;
    const rest = input.backToBack ? 0.95 : 1;
    const predicted = recent.l10 * (1 + edge) * pace * venue * rest;

    const spread = f.get('points_std_last_10') ?? 6;
    const confidence = defense ? clamp(52 + Math.min(30, Math.abs(edge) * 400) - 2 * Math.max(0, spread - 4), 5, 92) : 30;
    return {
      systemId: 'zone_matchup',
      predicted,
      confidence,
      factors: {
        base: round(recent.l10, 2), matchup_pct: round(edge * 100, 2), pace_factor: round(pace, 4), venue_factor: venue, rest_factor: rest,
        share_paint: round(shares.paint, 3), share_mid: round(shares.mid, 3), share_three: round(shares.three, 3),
        opponent_paint_pct: defense?.paint == null ? null : round(defense.paint * 100, 2),
        opponent_mid_pct: defense?.mid == null ? null : round(defense.mid * 100, 2),
        opponent_three_pct: defense?.three == null ? null : round(defense.three * 100, 2),
        defense_available: defense !== undefined,
      },
    };
  },
};
