// The box-score formulas of phase 3, in one place so every processor computes them the same way.
// All return null instead of dividing by zero.
import { ratio } from '../shared/numbers.js';

/** Regulation team minutes (5 players × 48). */
export const REGULATION_TEAM_MINUTES = 240;

/** Possessions estimate: FGA − OREB + TOV + 0.44·FTA. */
export function possessions(t: { fga: number; oreb: number; tov: number; fta: number }): number {
  return t.fga - t.oreb + t.tov + 0.44 * t.fta;
}

/** Possessions per 48 minutes, given the team's minutes (240 in regulation, +25 per overtime). */
export function pace(poss: number, teamMinutes: number): number | null {
  return ratio(poss * 48, teamMinutes / 5);
}

/** Points per 100 possessions (offensive rating of the scorer, defensive rating of the defender). */
export function rating(points: number, poss: number): number | null {
  return ratio(100 * points, poss);
}

/**
 * Usage rate (%): 100 × (FGA + 0.44·FTA + TOV) × (team minutes / 5) / (minutes × (team FGA + 0.44·team FTA + team TOV)).
 * Null without minutes or team plays.
 */
export function usageRate(
  p: { fga: number; fta: number; tov: number; minutes: number },
  team: { fga: number; fta: number; tov: number; minutes: number },
): number | null {
  if (p.minutes <= 0) return null;
  const teamPlays = team.fga + 0.44 * team.fta + team.tov;
  return ratio(100 * (p.fga + 0.44 * p.fta + p.tov) * (team.minutes / 5), p.minutes * teamPlays);
}

/** True shooting: PTS / (2·(FGA + 0.44·FTA)); null without a shot. */
export function trueShooting(points: number, fga: number, fta: number): number | null {
  return ratio(points, 2 * (fga + 0.44 * fta));
}

/** Team minutes from the periods played: 240 for four quarters, 25 more per overtime. */
export function teamMinutesFromPeriods(periods: number): number {
  return REGULATION_TEAM_MINUTES + 25 * Math.max(0, periods - 4);
}

/**
 * Team minutes from the sum of its players' gamebook minutes, snapped to a whole number of periods
 * (rounding in the gamebook leaves a few seconds off); null when the sum is implausible.
 */
export function teamMinutesFromPlayers(sumMinutes: number): number | null {
  if (!(sumMinutes > 200)) return null;
  const overtimes = Math.max(0, Math.round((sumMinutes - REGULATION_TEAM_MINUTES) / 25));
  return teamMinutesFromPeriods(4 + overtimes);
}
