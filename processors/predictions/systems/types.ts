// What every prediction system sees for one player and game, and what it returns. Systems are pure
// functions of this input: no I/O, no clock, no randomness, so a scoped run and a full run predict
// a player identically.

/** Named features of ml_feature_store_v2, read by name (never by position). */
export interface FeatureVector {
  get(name: string): number | null;
  has(name: string): boolean;
}

export interface PastGame {
  date: string;
  gameId: string | null;
  opponent: string | null;
  isHome: boolean | null;
  points: number;
  minutes: number;
}

/** A team's defence by zone: FG% allowed relative to the league (0.05 = allows 5 % more than average). */
export interface TeamDefense {
  team: string;
  paint: number | null;
  mid: number | null;
  three: number | null;
  defensiveRating: number | null;
}

export interface PlayerInput {
  date: string;
  player: string;
  gameId: string | null;
  team: string | null;
  opponent: string | null;
  isHome: boolean | null;
  features: FeatureVector;
  /** 0..1 share of features present (feature store `completeness`, normalized). */
  completeness: number | null;
  backToBack: boolean;
  /** Days since the previous game (1 = back-to-back), null when unknown. */
  daysRest: number | null;
  line: number | null;
  lineSource: string | null;
  injuryStatus: string | null;
  /** The player's played games in the lookback window, oldest first (the current date excluded). */
  history: readonly PastGame[];
  defenseByTeam: ReadonlyMap<string, TeamDefense>;
}

export type FactorValue = number | string | boolean | null | FactorValue[] | { [k: string]: FactorValue };

export interface SystemResult {
  systemId: string;
  /** Unrounded points (the processor rounds to 0.1 and floors at 0). */
  predicted: number;
  /** 0..100 before the processor's shared quality and injury adjustments. */
  confidence: number;
  factors: Record<string, FactorValue>;
  /** Set when the system had too little data to predict: the row is a PASS with this reason. */
  insufficient?: 'insufficient_data';
}

export interface PredictionSystem {
  id: string;
  predict(input: PlayerInput): SystemResult;
}
