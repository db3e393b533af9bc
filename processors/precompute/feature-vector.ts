// The named feature vector of ml_feature_store_v2 (feature_version 'v2'): the reference system's 25
// base features, then the market and matchup ones. Every feature is a finite number; one that has no
// data behind it (early season, no line, no shot data) gets a prior and counts as imputed, and
// completeness is the share of features that were not imputed.
import type { PlayerGameSummaryRow, TeamOffenseRow, UpcomingPlayerRow, UpcomingTeamRow } from '../analytics/tables.js';
import { clamp, mean, n0, ratio, round, sum } from '../shared/numbers.js';
import { offensiveRatingLast10, winPct } from './aggregates.js';
import { PRIORS } from './priors.js';
import type { PlayerCompositeRow, PlayerDailyCacheRow, PlayerShotZoneRow, TeamDefenseZoneRow } from './tables.js';

export const FEATURE_VERSION = 'v2';

export const FEATURE_NAMES = [
  'points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10', 'games_in_last_7_days',
  'fatigue_score', 'shot_zone_mismatch_score', 'pace_score', 'usage_spike_score',
  'rest_advantage', 'injury_risk', 'recent_trend', 'minutes_change',
  'opponent_def_rating', 'opponent_pace', 'home_away', 'back_to_back', 'playoff_game',
  'pct_paint', 'pct_mid_range', 'pct_three', 'pct_free_throw',
  'team_pace', 'team_off_rating', 'team_win_pct',
  'vegas_points_line', 'vegas_opening_line', 'vegas_line_move', 'has_vegas_line',
  'avg_points_vs_opponent', 'games_vs_opponent', 'minutes_avg_last_10', 'ppm_avg_last_10',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Injury status → risk: Available 0, Probable 1, Questionable 2, Doubtful and Out 3. */
export const INJURY_RISK: Record<string, number> = { Available: 0, Probable: 1, Questionable: 2, Doubtful: 3, Out: 3 };

/** Games needed before the recent trend and minutes change are measured. */
export const TREND_MIN_GAMES = 4;

export interface FeatureInputs {
  player: UpcomingPlayerRow;
  cache?: PlayerDailyCacheRow;
  composite?: PlayerCompositeRow;
  zones?: PlayerShotZoneRow;
  opponentDefense?: TeamDefenseZoneRow;
  opponentContext?: UpcomingTeamRow;
  /** His games played this season before the date, newest first. */
  seasonGames: readonly PlayerGameSummaryRow[];
  /** His games played in the whole window before the date (for the record against the opponent). */
  windowGames: readonly PlayerGameSummaryRow[];
  /** His team's games this season before the date, newest first. */
  teamGames: readonly TeamOffenseRow[];
  /** League values over the team window (pace, offensive rating), priors when the window is empty. */
  league: { pace: number; offensiveRating: number; defensiveRating: number };
}

export interface FeatureVector {
  names: FeatureName[];
  values: number[];
  imputed: FeatureName[];
  completeness: number;
}

/** Collects features in FEATURE_NAMES order, with their imputed flags. */
class Builder {
  private readonly values = new Map<FeatureName, { value: number; imputed: boolean }>();
  /** The value when present (finite), else the prior, flagged imputed. */
  set(name: FeatureName, value: number | null | undefined, prior: number): number {
    const ok = value !== null && value !== undefined && Number.isFinite(value);
    const v = ok ? value : prior;
    this.values.set(name, { value: round(v, 4), imputed: !ok });
    return v;
  }
  vector(): FeatureVector {
    const names = [...FEATURE_NAMES];
    const missing = names.filter((n) => !this.values.has(n));
    if (missing.length) throw new Error(`feature vector lacks ${missing.join(', ')}`);
    const imputed = names.filter((n) => this.values.get(n)!.imputed);
    return { names, values: names.map((n) => this.values.get(n)!.value), imputed, completeness: round((names.length - imputed.length) / names.length, 4) };
  }
}

const avgPoints = (gs: readonly PlayerGameSummaryRow[]) => mean(gs.map((g) => n0(g.points)));
const avgMinutes = (gs: readonly PlayerGameSummaryRow[]) => mean(gs.map((g) => n0(g.minutes)));

export function featureVector(inp: FeatureInputs): FeatureVector {
  const f = new Builder();
  const { player: p, cache: c, composite: k, zones: z, opponentDefense: od } = inp;
  const line = p.current_points_line;

  // Recent scoring: the market's line is the best prior for a player without games yet.
  const pointsPrior = line ?? PRIORS.points;
  const l10 = f.set('points_avg_last_10', c?.points_avg_last_10, pointsPrior);
  f.set('points_avg_last_5', c?.points_avg_last_5, l10);
  const season = f.set('points_avg_season', c?.points_avg_season, l10);
  f.set('points_std_last_10', c?.points_std_last_10, Math.max(1, 0.45 * l10));
  f.set('games_in_last_7_days', c?.games_in_last_7_days, 0);

  f.set('fatigue_score', k?.fatigue_score, 100);
  f.set('shot_zone_mismatch_score', k?.shot_zone_mismatch_score, 0);
  f.set('pace_score', k?.pace_score, 0);
  f.set('usage_spike_score', k?.usage_spike_score, 0);

  const oppRest = inp.opponentContext?.days_rest ?? null;
  f.set('rest_advantage', p.days_rest !== null && oppRest !== null ? clamp(p.days_rest - oppRest, -2, 2) : null, 0);
  f.set('injury_risk', INJURY_RISK[p.injury_status ?? 'Available'] ?? 0, 0);
  const g = inp.seasonGames;
  const trendReady = g.length >= TREND_MIN_GAMES;
  f.set('recent_trend', trendReady ? clamp((avgPoints(g.slice(0, 3))! - avgPoints(g.slice(3, 10))!) / 5, -2, 2) : null, 0);
  f.set('minutes_change', trendReady ? avgMinutes(g.slice(0, 3))! - avgMinutes(g.slice(0, 10))! : null, 0);

  const oppSample = od !== undefined && n0(od.games_in_sample) > 0;
  f.set('opponent_def_rating', oppSample ? od.defensive_rating : null, od?.defensive_rating ?? inp.league.defensiveRating);
  f.set('opponent_pace', oppSample ? od.pace : null, od?.pace ?? inp.league.pace);
  f.set('home_away', p.is_home ? 1 : 0, 0);
  f.set('back_to_back', p.back_to_back ? 1 : 0, 0);
  f.set('playoff_game', /^00[45]/.test(p.game_id ?? '') ? 1 : 0, 0);

  const zoneSample = z !== undefined && n0(z.games_in_sample) > 0;
  f.set('pct_paint', zoneSample ? z.pct_paint : null, PRIORS.pctPaint);
  f.set('pct_mid_range', zoneSample ? z.pct_mid_range : null, PRIORS.pctMid);
  f.set('pct_three', zoneSample ? z.pct_three : null, PRIORS.pctThree);
  f.set('pct_free_throw', zoneSample ? z.pct_free_throw : null, PRIORS.pctFreeThrow);

  f.set('team_pace', c?.team_pace_last_10, inp.league.pace);
  f.set('team_off_rating', offensiveRatingLast10(inp.teamGames), inp.league.offensiveRating);
  f.set('team_win_pct', winPct(inp.teamGames), PRIORS.winPct);

  const hasLine = line !== null && Number.isFinite(line);
  const current = f.set('vegas_points_line', line, l10);
  f.set('vegas_opening_line', p.opening_points_line, current);
  f.set('vegas_line_move', hasLine ? p.line_movement ?? 0 : null, 0);
  f.set('has_vegas_line', hasLine ? 1 : 0, 0);

  const vsOpp = inp.windowGames.filter((x) => x.opponent_team_abbr !== null && x.opponent_team_abbr === p.opponent_team_abbr);
  f.set('avg_points_vs_opponent', avgPoints(vsOpp), season);
  f.set('games_vs_opponent', vsOpp.length, 0);
  const last10 = g.slice(0, 10);
  f.set('minutes_avg_last_10', c?.minutes_avg_last_10 ?? avgMinutes(last10), PRIORS.minutes);
  f.set('ppm_avg_last_10', ratio(sum(last10.map((x) => n0(x.points))), sum(last10.map((x) => n0(x.minutes)))), PRIORS.pointsPerMinute);
  return f.vector();
}
