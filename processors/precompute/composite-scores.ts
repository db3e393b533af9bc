// The four composite adjustment factors of phase 4, as pure functions of already-aggregated inputs.
// Each is bounded (fatigue 0..100, mismatch −10..10, pace and usage spike −3..3) and neutral when its
// inputs are missing: 100 for fatigue, 0 for the others.
import { clamp, round } from '../shared/numbers.js';

export interface FatigueInputs {
  /** Days since the previous game (1 = back-to-back); null when unknown. */
  daysRest: number | null;
  backToBack: boolean;
  gamesLast7: number;
  minutesLast7: number;
  /** Average minutes of the last 3 games (0 without games). */
  minutesLast3Avg: number;
}

/** Freshness: 100 is rested; back-to-backs, dense schedules and heavy recent minutes take it down. */
export function fatigueScore(f: FatigueInputs): number {
  let s = 100;
  if (f.backToBack || f.daysRest === 1) s -= 20;
  else if (f.daysRest === 2) s -= 5;
  s -= Math.max(0, f.gamesLast7 - 3) * 8;
  s -= Math.max(0, f.minutesLast7 - 105) * 0.3;
  s -= Math.max(0, f.minutesLast3Avg - 36) * 2;
  return round(clamp(s, 0, 100), 2);
}

export interface ZoneShares {
  paint: number;
  mid: number;
  three: number;
}

/** Opponent games at which its zone figures count half: early-season samples of 1–3 games are noise. */
export const MISMATCH_HALF_WEIGHT_GAMES = 4;

/**
 * Shot-zone mismatch: the player's attempt shares weighted by how much more (or less) the opponent
 * allows than the league in each zone (FG% points), damped by the opponent's sample size:
 * 200 × n/(n+4) × Σ share × (allowed − league). +10 = the opponent is weakest where he shoots most.
 */
export function shotZoneMismatch(shares: ZoneShares | null, opponentVsLeague: ZoneShares | null, opponentGames: number): number {
  if (!shares || !opponentVsLeague || opponentGames <= 0) return 0;
  const edge = shares.paint * opponentVsLeague.paint + shares.mid * opponentVsLeague.mid + shares.three * opponentVsLeague.three;
  const reliability = opponentGames / (opponentGames + MISMATCH_HALF_WEIGHT_GAMES);
  return round(clamp(edge * 200 * reliability, -10, 10), 3);
}

/** Pace: the expected game pace (mean of both teams') against the league's; ±3 at ±6 possessions. */
export function paceScore(teamPace: number | null, opponentPace: number | null, leaguePace: number): number {
  if (teamPace === null || opponentPace === null) return 0;
  return round(clamp(((teamPace + opponentPace) / 2 - leaguePace) * 0.5, -3, 3), 3);
}

/** Games of this season needed before the usage spike is trusted. */
export const USAGE_SPIKE_MIN_GAMES = 5;

/** Usage spike: recent usage against the season's, ±3 at ±30 % relative change. */
export function usageSpikeScore(recentUsage: number | null, seasonUsage: number | null, seasonGames: number): number {
  if (recentUsage === null || seasonUsage === null || seasonUsage <= 0 || seasonGames < USAGE_SPIKE_MIN_GAMES) return 0;
  return round(clamp(((recentUsage - seasonUsage) / seasonUsage) * 10, -3, 3), 3);
}
