// Similarity: the player's own past games in the lookback window, each scored 0..100 for how much
// it resembles tonight — opponent 40 (same opponent, else closeness of defensive rating), rest 30,
// venue 15, form 15 (average of the five games before it vs tonight's L5) — and the points of the
// most similar games averaged, weighted by their score.
import { clamp, daysBetween, mean, round, stdev } from '../values.js';
import type { PastGame, PlayerInput, PredictionSystem, SystemResult } from './types.js';

export const WEIGHTS = { opponent: 40, rest: 30, venue: 15, form: 15 } as const;
export const MIN_GAMES = 5;
const TOP = 12;
const GOOD = 50;

/** 1 = back-to-back, 2, 3, 4 = three or more days off; unknown counts as one day off. */
const restBucket = (days: number | null) => (days === null ? 2 : clamp(days, 1, 4));

export interface ScoredGame extends PastGame {
  similarity: number;
}

export function scoreGames(input: PlayerInput, formNow: number): ScoredGame[] {
  const h = input.history;
  const oppRating = (t: string | null) => (t ? input.defenseByTeam.get(t)?.defensiveRating ?? null : null);
  const tonightRating = oppRating(input.opponent);
  const tonightRest = restBucket(input.daysRest ?? (input.backToBack ? 1 : null));
  return h.map((g, i) => {
    let opponent = 0.5;
    if (g.opponent !== null && g.opponent === input.opponent) opponent = 1;
    else {
      const r = oppRating(g.opponent);
      if (r !== null && tonightRating !== null) opponent = Math.max(0, 1 - Math.abs(r - tonightRating) / 8);
    }
    const rest = 1 - Math.abs(restBucket(i > 0 ? daysBetween(h[i - 1]!.date, g.date) : null) - tonightRest) / 3;
    const venue = g.isHome === null || input.isHome === null ? 0.5 : g.isHome === input.isHome ? 1 : 0;
    const before = mean(h.slice(Math.max(0, i - 5), i).map((x) => x.points));
    const form = before === null ? 0.5 : Math.max(0, 1 - Math.abs(before - formNow) / Math.max(4, 0.25 * formNow));
    const similarity = WEIGHTS.opponent * opponent + WEIGHTS.rest * rest + WEIGHTS.venue * venue + WEIGHTS.form * form;
    return { ...g, similarity };
  });
}

export const similarity: PredictionSystem = {
  id: 'similarity',
  predict(input: PlayerInput): SystemResult {
    const h = input.history;
    const formNow = input.features.get('points_avg_last_5') ?? mean(h.slice(-5).map((g) => g.points)) ?? 0;
    if (h.length < MIN_GAMES) {
      const fallback = input.features.get('points_avg_last_10') ?? input.features.get('points_avg_season') ?? mean(h.map((g) => g.points)) ?? 0;
      return { systemId: 'similarity', predicted: fallback, confidence: 15, factors: { sample_size: h.length }, insufficient: 'insufficient_data' };
    }
    const ranked = scoreGames(input, formNow).sort((a, b) => b.similarity - a.similarity || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    const good = ranked.filter((g) => g.similarity >= GOOD).slice(0, TOP);
    const used = good.length >= 3 ? good : ranked.slice(0, MIN_GAMES);
    const weight = used.reduce((a, g) => a + g.similarity, 0);
    const predicted = weight > 0 ? used.reduce((a, g) => a + g.points * g.similarity, 0) / weight : mean(used.map((g) => g.points))!;
    const avgSim = weight / used.length;
    const spread = stdev(used.map((g) => g.points));
    const confidence = clamp(35 + 3 * used.length + 0.4 * (avgSim - 60) - 1.5 * Math.max(0, spread - 5), 5, 90);
    return {
      systemId: 'similarity',
      predicted,
      confidence,
      factors: {
        sample_size: used.length, avg_similarity: round(avgSim, 1), points_spread: round(spread, 2),
        same_opponent_games: used.filter((g) => g.opponent !== null && g.opponent === input.opponent).length,
        top_matches: used.slice(0, 3).map((g) => ({ date: g.date, opponent: g.opponent, points: g.points, similarity: round(g.similarity, 1) })),
      },
    };
  },
};
