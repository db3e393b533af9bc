// The late/corrected-data layer that the control API writes and generators read.
// Overrides objects are immutable: every change produces a new object, which doubles
// as the cache key for everything generated under it.

import type { InjuryFlip } from './injuries.js';

export interface BoxCorrection {
  date: string;
  gameId: string;
  playerId: number;
  /** Corrected totals; at least one is set. */
  points?: number;
  fgm?: number;
}

export interface LateProp {
  date: string;
  playerId: number;
  /** First props snapshot index (0-based) that carries the new line. */
  fromSnapshot: number;
  line: number;
  /** Bookmaker keys (odds-api spelling) offering it. */
  books: string[];
}

export interface Overrides {
  readonly flips: readonly InjuryFlip[];
  readonly corrections: readonly BoxCorrection[];
  readonly lateProps: readonly LateProp[];
}

export const NO_OVERRIDES: Overrides = Object.freeze({ flips: [], corrections: [], lateProps: [] });
