// League-average priors: what phase 4 imputes when a player or team has no history yet (early season,
// new players). Values measured from the data where the window has it, these constants otherwise —
// roughly NBA averages, which the sample source reproduces.

export const PRIORS = {
  /** Per player-game, players who played. */
  points: 10.5,
  pointsStd: 5.5,
  minutes: 23,
  pointsPerMinute: 0.45,
  usageRate: 19,
  trueShooting: 0.57,
  /** Per team-game. */
  pace: 100,
  offensiveRating: 113,
  defensiveRating: 113,
  winPct: 0.5,
  /** FG% by zone, league-wide. */
  paintFgPct: 0.59,
  midFgPct: 0.43,
  threeFgPct: 0.36,
  /** Share of a player's field-goal attempts per zone, and of his points from free throws. */
  pctPaint: 0.41,
  pctMid: 0.16,
  pctThree: 0.43,
  pctFreeThrow: 0.16,
} as const;
