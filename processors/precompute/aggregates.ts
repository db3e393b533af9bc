// Aggregates over a player's or team's recent games, shared by the phase-4 processors.
import type { PlayerGameSummaryRow, TeamOffenseRow } from '../analytics/tables.js';
import { mean, n0, ratio, sum, weightedMean } from '../shared/numbers.js';

/** Minutes-weighted usage over games with a usage rate (a 3-minute cameo does not swing it). */
export function usageOver(games: readonly PlayerGameSummaryRow[]): number | null {
  const g = games.filter((x) => x.usage_rate !== null && n0(x.minutes) > 0);
  return weightedMean(g.map((x) => x.usage_rate!), g.map((x) => x.minutes!));
}

/** True shooting over games: total points / (2 × (total FGA + 0.44 × total FTA)). */
export function trueShootingOver(games: readonly PlayerGameSummaryRow[]): number | null {
  return ratio(sum(games.map((g) => n0(g.points))), 2 * (sum(games.map((g) => n0(g.fga))) + 0.44 * sum(games.map((g) => n0(g.fta)))));
}

/** Mean pace of a team's last 10 games (newest first). */
export function paceLast10(teamGames: readonly TeamOffenseRow[]): number | null {
  return mean(teamGames.slice(0, 10).map((g) => g.pace).filter((p): p is number => p !== null));
}

/** Points per 100 possessions over team games (summed, so long games weigh more). */
export function offensiveRatingOver(teamGames: readonly TeamOffenseRow[]): number | null {
  const g = teamGames.filter((x) => x.points !== null && x.possessions !== null);
  return ratio(100 * sum(g.map((x) => x.points!)), sum(g.map((x) => x.possessions!)));
}

/** Offensive rating over a team's last 10 games (newest first). */
export const offensiveRatingLast10 = (teamGames: readonly TeamOffenseRow[]) => offensiveRatingOver(teamGames.slice(0, 10));

/** Share of games won. */
export function winPct(teamGames: readonly TeamOffenseRow[]): number | null {
  const g = teamGames.filter((x) => x.won !== null);
  return ratio(g.filter((x) => x.won).length, g.length);
}
