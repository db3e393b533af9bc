// Hand-built, deterministic inputs for phases 5–6: eight teams of thirteen players (three featured
// players per team get features, context and a line), a season of games every other day, and two
// prediction dates — D1 (rested) and D2 (the second night of a back-to-back, today in the test clock).
// Special players exercise the rules: no line, Out, Questionable, incomplete features, a DNP and a push.
import { mean, round, stdev } from '../../processors/predictions/values.js';

export const D1 = '2025-11-14';
export const D2 = '2025-11-15';
export const TEAMS = ['BOS', 'NYK', 'LAL', 'GSW', 'MIA', 'DEN', 'PHX', 'DAL'] as const;
const BENCH = 10;
const FEATURED = 3;

/** History: every other day from 2025-10-19 to 2025-11-12, then D1 and D2. */
export const HISTORY_DATES = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2025, 9, 19 + 2 * i)).toISOString().slice(0, 10));
export const ALL_DATES = [...HISTORY_DATES, D1, D2];

export const featured = TEAMS.flatMap((t, ti) => Array.from({ length: FEATURED }, (_, i) => ({ player: `${t.toLowerCase()}-star-${i}`, team: t, ti, i, j: ti * FEATURED + i })));
const bench = TEAMS.flatMap((t, ti) => Array.from({ length: BENCH }, (_, i) => ({ player: `${t.toLowerCase()}-bench-${i}`, team: t, ti, i })));

/** Featured players by role (index j in `featured`). */
export const SPECIAL = {
  noLine: featured[3]!.player,
  out: featured[4]!.player,
  questionable: featured[5]!.player,
  dnpOnD2: featured[6]!.player,
  push: featured[8]!.player,
  incomplete: featured[9]!.player,
  reversedNames: featured[1]!.player,
  scoped: featured[12]!.player,
};

/** Round-robin pairings: round r → four [home, away] team index pairs. */
function pairings(r: number): Array<[number, number]> {
  const rest = [1, 2, 3, 4, 5, 6, 7];
  const rot = rest.map((_, i) => rest[(i + r) % 7]!);
  const ring = [0, ...rot];
  return Array.from({ length: 4 }, (_, k) => {
    const a = ring[k]!;
    const b = ring[7 - k]!;
    return (r + k) % 2 === 0 ? [a, b] : [b, a];
  });
}

export interface Game {
  date: string;
  gameId: string;
  home: string;
  away: string;
}

export function gamesOn(date: string): Game[] {
  const d = ALL_DATES.indexOf(date);
  return pairings(d).map(([h, a], k) => ({ date, gameId: `0022500${String(d).padStart(3, '0')}${k}`, home: TEAMS[h]!, away: TEAMS[a]! }));
}

function gameOf(team: string, date: string): { game: Game; isHome: boolean; opponent: string } {
  const game = gamesOn(date).find((g) => g.home === team || g.away === team)!;
  const isHome = game.home === team;
  return { game, isHome, opponent: isHome ? game.away : game.home };
}

const basePoints = (p: { ti: number; i: number }, star: boolean) => (star ? [27, 20, 14][p.i]! + (p.ti % 3) : 3 + (p.i % 5));

/** Points of a player on a date (deterministic wave around the player's base). */
export function pointsOf(player: string, date: string): number {
  const star = featured.find((f) => f.player === player);
  const b = star ?? bench.find((x) => x.player === player)!;
  const d = ALL_DATES.indexOf(date);
  const idx = star ? star.j : 24 + (b.ti * BENCH + b.i);
  const wave = ((idx * 7 + d * 5) % 9) - 4;
  return Math.max(0, basePoints(b, !!star) + wave);
}

export function summaryRows(date: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const p of [...featured.map((f) => ({ ...f, star: true })), ...bench.map((b) => ({ ...b, star: false }))]) {
    const { game, isHome, opponent } = gameOf(p.team, date);
    const dnp = date === D2 && p.player === SPECIAL.dnpOnD2;
    let points = dnp ? 0 : pointsOf(p.player, date);
    if (date === D2 && p.player === SPECIAL.push) points = lineOf(SPECIAL.push, D2)!;
    rows.push({
      game_id: game.gameId, player_lookup: p.player, team_abbr: p.team, opponent_team_abbr: opponent, is_home: isHome,
      played: !dnp, minutes: dnp ? 0 : p.star ? [34, 30, 26][p.i]! : 12, points,
      fga: Math.round(points / 1.2), fgm: Math.round(points / 2.4), paint_fga: 4, paint_fgm: 2, mid_fga: 2, mid_fgm: 1, three_fga: 4, three_fgm: 1, fta: 2, ftm: 2,
      usage_rate: p.star ? 25 : 15, true_shooting_pct: 0.57, data_sources: 'fixture',
    });
  }
  return rows;
}

/** Recent points from the history before `date`. */
export function recent(player: string, date: string) {
  const before = ALL_DATES.filter((d) => d < date).map((d) => pointsOf(player, d) as number);
  const l5 = before.slice(-5);
  const l10 = before.slice(-10);
  return { l5: mean(l5)!, l10: mean(l10)!, season: mean(before)!, std10: stdev(l10), games: before.length };
}

/** Tonight's line: around L10 with a per-player offset (OVER, UNDER, small edge, moderate); whole for the push player. */
export function lineOf(player: string, date: string): number | null {
  if (player === SPECIAL.noLine) return null;
  const f = featured.find((x) => x.player === player)!;
  const l10 = Math.round(recent(player, date).l10);
  if (player === SPECIAL.push) return l10 - 5;
  return l10 + [-5, 5, 0, -3][f.j % 4]! + 0.5;
}

export function contextRows(date: string): Record<string, unknown>[] {
  return featured.map((f) => {
    const { game, isHome, opponent } = gameOf(f.team, date);
    const line = lineOf(f.player, date);
    return {
      game_id: game.gameId, player_lookup: f.player, team_abbr: f.team, opponent_team_abbr: opponent, is_home: isHome,
      days_rest: date === D2 ? 1 : 2, back_to_back: date === D2, games_last_30_days: 12,
      current_points_line: line, opening_points_line: line === null ? null : line + 0.5, line_movement: line === null ? null : -0.5,
      line_source: line === null ? null : 'odds_api',
      injury_status: f.player === SPECIAL.out ? 'Out' : f.player === SPECIAL.questionable ? 'Questionable' : 'Available',
    };
  });
}

export function cacheRows(date: string): Record<string, unknown>[] {
  return featured.map((f) => {
    const r = recent(f.player, date);
    return {
      player_lookup: f.player, team_abbr: f.team, games_played_season: r.games, points_avg_last_5: r.l5, points_avg_last_10: r.l10, points_avg_season: r.season,
      points_std_last_10: r.std10, minutes_avg_last_10: [34, 30, 26][f.i]!, usage_rate_last_10: 25, ts_pct_last_10: 0.57, team_pace_last_10: 100,
      games_in_last_7_days: date === D2 ? 4 : 3, games_in_last_14_days: 7, minutes_in_last_7_days: 100,
    };
  });
}

export function zoneDefenseRows(date: string): Record<string, unknown>[] {
  const zone = (ti: number, base: number, step: number) => round(base + ((ti % 4) - 1.5) * step, 4);
  const rows = TEAMS.map((t, ti) => ({ team_abbr: t, paint: zone(ti, 0.56, 0.02), mid: zone(ti + 1, 0.41, 0.015), three: zone(ti + 2, 0.36, 0.01), ti }));
  const league = { paint: mean(rows.map((r) => r.paint))!, mid: mean(rows.map((r) => r.mid))!, three: mean(rows.map((r) => r.three))! };
  return rows.map((r) => ({
    team_abbr: r.team_abbr, games_in_sample: 10, paint_fg_pct_allowed: r.paint, mid_fg_pct_allowed: r.mid, three_fg_pct_allowed: r.three,
    paint_vs_league: round(r.paint - league.paint, 4), mid_vs_league: round(r.mid - league.mid, 4), three_vs_league: round(r.three - league.three, 4),
    defensive_rating: 108 + r.ti, pace: 99 + (r.ti % 3), game_date: date,
  }));
}

export const FEATURE_NAMES = [
  'points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10', 'games_in_last_7_days',
  'fatigue_score', 'shot_zone_mismatch_score', 'pace_score', 'usage_spike_score', 'rest_advantage', 'injury_risk', 'recent_trend', 'minutes_change',
  'opponent_def_rating', 'opponent_pace', 'home_away', 'back_to_back', 'playoff_game', 'pct_paint', 'pct_mid_range', 'pct_three', 'pct_free_throw',
  'team_pace', 'team_off_rating', 'team_win_pct', 'vegas_points_line', 'vegas_opening_line', 'vegas_line_move', 'has_vegas_line',
  'avg_points_vs_opponent', 'games_vs_opponent', 'minutes_avg_last_10', 'ppm_avg_last_10',
];

/** Feature values by name for a player and date (`tweak` adds to named features, for the scoped test). */
export function featureValues(player: string, date: string, tweak: Record<string, number> = {}): Record<string, number> {
  const f = featured.find((x) => x.player === player)!;
  const r = recent(player, date);
  const { isHome, opponent } = gameOf(f.team, date);
  const line = lineOf(player, date);
  const shares = [[0.5, 0.12, 0.26, 0.12], [0.3, 0.2, 0.4, 0.1], [0.42, 0.18, 0.3, 0.1]][f.j % 3]!;
  const v: Record<string, number> = {
    points_avg_last_5: round(r.l5, 2), points_avg_last_10: round(r.l10, 2), points_avg_season: round(r.season, 2), points_std_last_10: round(r.std10, 2),
    games_in_last_7_days: date === D2 ? 4 : 3, fatigue_score: date === D2 ? 58 : 82, shot_zone_mismatch_score: (f.j % 5) - 2, pace_score: (f.j % 3) - 1,
    usage_spike_score: f.j % 7 === 0 ? 1.5 : 0, rest_advantage: 0, injury_risk: 0, recent_trend: round(r.l5 - r.l10, 2), minutes_change: 0,
    opponent_def_rating: 108 + TEAMS.indexOf(opponent as (typeof TEAMS)[number]), opponent_pace: 100, home_away: isHome ? 1 : 0, back_to_back: date === D2 ? 1 : 0,
    playoff_game: 0, pct_paint: shares[0]!, pct_mid_range: shares[1]!, pct_three: shares[2]!, pct_free_throw: shares[3]!, team_pace: 100, team_off_rating: 114,
    team_win_pct: 0.5, vegas_points_line: line ?? 0, vegas_opening_line: line === null ? 0 : line + 0.5, vegas_line_move: line === null ? 0 : -0.5,
    has_vegas_line: line === null ? 0 : 1, avg_points_vs_opponent: round(r.season, 2), games_vs_opponent: 1, minutes_avg_last_10: [34, 30, 26][f.i]!,
    ppm_avg_last_10: round(r.l10 / [34, 30, 26][f.i]!, 3),
  };
  for (const [k, d] of Object.entries(tweak)) v[k] = round((v[k] ?? 0) + d, 2);
  return v;
}

/** ml_feature_store_v2 rows; one player's names come in reverse order (features must be read by name). */
export function featureRows(date: string, tweaks: Record<string, Record<string, number>> = {}): Record<string, unknown>[] {
  return featured.map((f) => {
    const { game, opponent } = gameOf(f.team, date);
    const values = featureValues(f.player, date, tweaks[f.player]);
    const names = f.player === SPECIAL.reversedNames ? [...FEATURE_NAMES].reverse() : FEATURE_NAMES;
    return {
      player_lookup: f.player, game_id: game.gameId, team_abbr: f.team, opponent_team_abbr: opponent, feature_version: 'v2_33features',
      feature_names: names, features: names.map((n) => values[n]!), feature_count: names.length, completeness: f.player === SPECIAL.incomplete ? 0.6 : 1,
    };
  });
}

/** Rows the precompute stand-ins need only for readiness (one per featured player). */
export function compositeRows(): Record<string, unknown>[] {
  return featured.map((f) => ({ player_lookup: f.player, fatigue_score: 80, shot_zone_mismatch_score: 0, pace_score: 0, usage_spike_score: 0 }));
}

export function shotZoneRows(): Record<string, unknown>[] {
  return featured.map((f) => ({ player_lookup: f.player, games_in_sample: 10, pct_paint: 0.4, pct_mid_range: 0.2, pct_three: 0.3, pct_free_throw: 0.1 }));
}
