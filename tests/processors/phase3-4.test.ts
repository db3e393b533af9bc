// Phases 3–4 on the real engine: six early-season dates of sample-source data loaded into nba_raw by
// stand-in loaders, then the real analytics and precompute modules cascade through gate and stage
// levels. The story: tables have the right rows and keys, formulas agree with the raw inputs, values
// stay in range, phase 4 uses only history before its date and degrades early in the season, and a
// scoped run rewrites only its player's rows. Pure scoring functions are checked on their own at the end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dateRange } from '../../engine/core/dates.js';
import { toWire } from '../../engine/core/messages.js';
import type { Scope } from '../../engine/core/types.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { requestTopic } from '../../engine/runtime/outbox.js';
import type { LogEntry, Row } from '../../engine/ports.js';
import type { TablePlan } from '../../engine/spec/plan.js';
import { possessions, trueShooting, usageRate } from '../../processors/analytics/formulas.js';
import type { PlayerGameSummaryRow, TeamDefenseRow, TeamOffenseRow, UpcomingPlayerRow, UpcomingTeamRow } from '../../processors/analytics/tables.js';
import { fatigueScore, paceScore, shotZoneMismatch, usageSpikeScore } from '../../processors/precompute/composite-scores.js';
import { FEATURE_NAMES } from '../../processors/precompute/feature-vector.js';
import type { FeatureStoreRow, PlayerCompositeRow, PlayerDailyCacheRow, PlayerShotZoneRow, TeamDefenseZoneRow } from '../../processors/precompute/tables.js';
import { nbaEngine, type NbaEngine } from './nba-engine.js';
import { buildRawFixture, type RawFixture } from './nba-raw-fixture.js';

const DATES = dateRange('2025-10-21', '2025-10-26');
const FIRST = DATES[0]!;
const LAST = DATES[DATES.length - 1]!;
const BACKFILL = { mode: true as const, reason: 'test', stopAfter: 'precompute' };

let fixture: RawFixture;
let nba: NbaEngine;
let log: LogEntry[] = [];
const t: {
  offense: TeamOffenseRow[]; defense: TeamDefenseRow[]; players: PlayerGameSummaryRow[]; upPlayers: UpcomingPlayerRow[]; upTeams: UpcomingTeamRow[];
  zonesD: TeamDefenseZoneRow[]; zonesP: PlayerShotZoneRow[]; cache: PlayerDailyCacheRow[]; composite: PlayerCompositeRow[]; features: FeatureStoreRow[];
} = {} as never;

const raw = (table: string, date?: string) => (date ? fixture[table]?.[date] ?? [] : Object.values(fixture[table] ?? {}).flat()) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
const on = <R extends { game_date: string }>(rows: readonly R[], d: string) => rows.filter((r) => r.game_date === d);
const keysUnique = (rows: readonly Row[], key: string[]) => new Set(rows.map((r) => [r.game_date, ...key.map((k) => r[k])].join('|'))).size === rows.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const close = (a: number | null, b: number | null, eps = 0.011, msg?: string) => {
  assert.ok(a !== null && b !== null && Math.abs(a - b) <= eps, `${msg ?? ''} expected ${b}, got ${a}`);
};

async function loadTables() {
  t.offense = await nba.rows('nba_analytics.team_offense_game_summary', DATES);
  t.defense = await nba.rows('nba_analytics.team_defense_game_summary', DATES);
  t.players = await nba.rows('nba_analytics.player_game_summary', DATES);
  t.upPlayers = await nba.rows('nba_analytics.upcoming_player_game_context', DATES);
  t.upTeams = await nba.rows('nba_analytics.upcoming_team_game_context', DATES);
  t.zonesD = await nba.rows('nba_precompute.team_defense_zone_analysis', DATES);
  t.zonesP = await nba.rows('nba_precompute.player_shot_zone_analysis', DATES);
  t.cache = await nba.rows('nba_precompute.player_daily_cache', DATES);
  t.composite = await nba.rows('nba_precompute.player_composite_factors', DATES);
  t.features = await nba.rows('nba_predictions.ml_feature_store_v2', DATES);
}

/** A run request as the CLI makes it, published and run to quiescence. */
async function requestRun(processor: string, date: string, scope: Scope | null) {
  const r = nba.engine.request(processor, date, { scope, force: true, backfill: BACKFILL });
  await nba.backends.bus.publish(requestTopic(nba.plan), toWire(nba.plan, r));
  await nba.settle();
}

describe('phases 3–4 on the engine (sample source, 6 early-season dates)', () => {
  before(async () => {
    fixture = buildRawFixture(42, DATES);
    nba = await nbaEngine(() => fixture);
    log = await runCascade(nba, { dates: DATES, backfill: BACKFILL });
    await loadTables();
  });
  after(async () => {
    await nba?.cleanup();
  });

  test('every phase-3 and phase-4 run succeeded or waited for inputs; none failed', () => {
    const failed = log.filter((e) => e.event.startsWith('run:failed'));
    assert.deepEqual(failed.map((e) => `${e.processor} ${e.partition}: ${e.errorMessage}`), []);
    for (const p of ['team_offense_game_summary', 'team_defense_game_summary', 'player_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context']) {
      for (const d of DATES) assert.ok(log.some((e) => e.event === 'run:succeeded' && e.processor === p && e.partition === d), `${p} ran for ${d}`);
    }
    for (const p of ['team_defense_zone_analysis', 'player_shot_zone_analysis', 'player_daily_cache', 'player_composite_factors', 'ml_feature_store_v2']) {
      for (const d of DATES.slice(1)) assert.ok(log.some((e) => e.event === 'run:succeeded' && e.processor === p && e.partition === d), `${p} ran for ${d}`);
    }
  });

  test('team offense: one row per team box score; possessions, pace and rating from the formulas', () => {
    for (const d of DATES) assert.equal(on(t.offense, d).length, raw('nbac_team_boxscore', d).length, d);
    assert.ok(keysUnique(t.offense, ['game_id', 'team_abbr']));
    for (const b of raw('nbac_team_boxscore')) {
      const o = t.offense.find((r) => r.game_id === b.game_id && r.team_abbr === b.team_abbr)!;
      const poss = possessions({ fga: b.fga, oreb: b.offensive_rebounds, tov: b.turnovers, fta: b.fta });
      close(o.possessions, poss, 0.01);
      assert.equal(o.minutes, 240, 'no overtime in the sample: regulation team minutes');
      close(o.pace, (poss * 48) / (240 / 5), 0.01);
      close(o.offensive_rating, (100 * b.points) / poss, 0.01);
      assert.equal(o.won, b.points > raw('nbac_team_boxscore', b.game_date).find((x) => x.game_id === b.game_id && x.team_abbr !== b.team_abbr)!.points);
    }
    // Per-game estimates swing with the sample's uneven possessions; the league stays in the NBA's range.
    for (const o of t.offense) {
      assert.ok(o.pace! > 60 && o.pace! < 140, `pace ${o.pace}`);
      assert.ok(o.offensive_rating! > 60 && o.offensive_rating! < 160, `rating ${o.offensive_rating}`);
    }
    const pace = median(t.offense.map((o) => o.pace!));
    const ortg = median(t.offense.map((o) => o.offensive_rating!));
    assert.ok(pace >= 85 && pace <= 115, `median pace ${pace}`);
    assert.ok(ortg >= 80 && ortg <= 140, `median offensive rating ${ortg}`);
  });

  test("team defense mirrors the opponent's offense; FG% allowed by zone comes from the opponent's shots", () => {
    assert.equal(t.defense.length, t.offense.length);
    assert.ok(keysUnique(t.defense, ['game_id', 'defending_team_abbr']));
    for (const d of t.defense) {
      const opp = t.offense.find((o) => o.game_id === d.game_id && o.team_abbr === d.opponent_team_abbr)!;
      assert.equal(d.points_allowed, opp.points);
      close(d.defensive_rating, opp.offensive_rating, 0.02);
      close(d.pace, opp.pace, 0.01);
      for (const z of ['paint', 'mid', 'three'] as const) {
        const fga = d[`${z}_fga_allowed`]!;
        const fgm = d[`${z}_fgm_allowed`]!;
        assert.ok(fgm <= fga);
        if (fga > 0) close(d[`${z}_fg_pct_allowed`], fgm / fga, 0.0001);
      }
      // The zone attempts add up to the opponent's FGA (play-by-play has one event per attempt).
      const box = raw('nbac_team_boxscore', d.game_date).find((b) => b.game_id === d.game_id && b.team_abbr === d.opponent_team_abbr)!;
      assert.equal(d.paint_fga_allowed! + d.mid_fga_allowed! + d.three_fga_allowed!, box.fga, `${d.game_id} ${d.defending_team_abbr}`);
      assert.equal(d.three_fga_allowed, box.three_pa);
    }
  });

  test('player game summary: one row per gamebook line, DNPs not played, zones add up, usage and TS% in range', () => {
    for (const d of DATES) assert.equal(on(t.players, d).length, raw('nbac_gamebook_player_stats', d).length, d);
    assert.ok(keysUnique(t.players, ['game_id', 'player_lookup']));
    const gb = new Map(raw('nbac_gamebook_player_stats').map((g) => [`${g.game_id}|${g.player_lookup}`, g] as const));
    const team = new Map(t.offense.map((o) => [`${o.game_id}|${o.team_abbr}`, o] as const));
    const nbacGames = new Set(raw('nbac_play_by_play').map((r) => r.game_id));
    const bdbOnly = new Set(raw('bigdataball_play_by_play').map((r) => r.game_id).filter((g) => !nbacGames.has(g)));
    assert.ok(bdbOnly.size > 0, 'the fixture has games with BigDataBall play-by-play only');
    for (const p of t.players) {
      const g = gb.get(`${p.game_id}|${p.player_lookup}`)!;
      assert.equal(p.played, g.player_status === 'active' && g.minutes > 0, p.player_lookup);
      assert.ok(p.minutes! >= 0 && p.minutes! <= 48, `minutes ${p.minutes}`);
      if (!p.played) {
        assert.equal(p.points, 0);
        assert.equal(p.usage_rate, null);
        continue;
      }
      assert.equal(p.points, g.points);
      assert.equal(p.fga, g.fga);
      assert.equal(p.paint_fga! + p.mid_fga! + p.three_fga!, p.fga, `zones of ${p.player_lookup} in ${p.game_id}`);
      assert.equal(p.three_fga, g.three_pa);
      assert.equal(p.three_fgm, g.three_pm);
      assert.ok(p.data_sources!.includes(bdbOnly.has(p.game_id) ? 'bdb_pbp' : 'nbac_pbp'), p.data_sources!);
      const o = team.get(`${p.game_id}|${p.team_abbr}`)!;
      close(p.usage_rate, usageRate({ fga: g.fga, fta: g.fta, tov: g.turnovers, minutes: g.minutes }, { fga: o.fga!, fta: o.fta!, tov: o.turnovers!, minutes: 240 }), 0.01);
      assert.ok(p.usage_rate! >= 0 && p.usage_rate! < 100, `usage ${p.usage_rate}`);
      if (p.minutes! >= 10) assert.ok(p.usage_rate! <= 60, `usage ${p.usage_rate} for ${p.minutes} minutes`);
      if (p.fga! + p.fta! > 0) {
        close(p.true_shooting_pct, trueShooting(p.points!, p.fga!, p.fta!), 0.0001);
        assert.ok(p.true_shooting_pct! >= 0 && p.true_shooting_pct! <= 1.5, `TS% ${p.true_shooting_pct}`);
      } else assert.equal(p.true_shooting_pct, null);
    }
    const sources = new Set(t.players.map((p) => p.line_source));
    assert.deepEqual([...sources].sort(), ['bettingpros', 'odds_api', null].sort(), 'odds-api first, BettingPros as fallback');
  });

  test('prop lines: latest snapshot, median over books; opening from the earliest; movement between them', () => {
    const d = LAST;
    const rows = raw('odds_api_player_points_props', d);
    const withLine = on(t.upPlayers, d).filter((u) => u.line_source === 'odds_api').slice(0, 25);
    assert.ok(withLine.length > 10);
    for (const u of withLine) {
      const mine = rows.filter((r) => r.player_lookup === u.player_lookup);
      const books = [...new Set(mine.map((r) => r.bookmaker))];
      const medianOf = (first: boolean) => {
        const xs = books.map((b) => mine.filter((r) => r.bookmaker === b).sort((x, y) => (x.snapshot_time < y.snapshot_time ? -1 : 1)).at(first ? 0 : -1)!.points_line).sort((a, b) => a - b);
        return xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
      };
      assert.equal(u.current_points_line, medianOf(false), u.player_lookup);
      assert.equal(u.opening_points_line, medianOf(true), u.player_lookup);
      close(u.line_movement, u.current_points_line! - u.opening_points_line!, 0.001);
      const pgs = t.players.find((p) => p.game_date === d && p.player_lookup === u.player_lookup);
      if (pgs) assert.equal(pgs.points_line, u.current_points_line);
    }
    const fallback = on(t.upPlayers, d).filter((u) => u.line_source === 'bettingpros');
    assert.ok(fallback.length > 0, 'some players have BettingPros lines only');
    for (const u of fallback) {
      assert.ok(!rows.some((r) => r.player_lookup === u.player_lookup));
      const bp = raw('bettingpros_player_points_props', d).filter((r) => r.player_lookup === u.player_lookup).map((r) => r.points_line as number);
      assert.ok(u.current_points_line! >= Math.min(...bp) && u.current_points_line! <= Math.max(...bp), u.player_lookup);
    }
    const none = on(t.upPlayers, d).filter((u) => u.line_source === null);
    assert.ok(none.length > 0 && none.every((u) => u.current_points_line === null && u.line_movement === null));
  });

  test("upcoming player context: rostered players of today's teams, rest from the previous game played, latest injury status", () => {
    assert.ok(keysUnique(t.upPlayers, ['player_lookup']));
    for (const d of DATES) {
      const teams = new Set(raw('nbac_schedule', d).flatMap((g) => [g.home_team_abbr, g.away_team_abbr]));
      const rows = on(t.upPlayers, d);
      assert.ok(rows.every((r) => teams.has(r.team_abbr)), d);
      // Every player of today's gamebooks is in today's context (roster from today's gamebook).
      for (const g of raw('nbac_gamebook_player_stats', d)) assert.ok(rows.some((r) => r.player_lookup === g.player_lookup && r.team_abbr === g.team_abbr), `${g.player_lookup} on ${d}`);
      const reports = raw('nbac_injury_report', d);
      for (const r of rows) {
        const played = raw('nbac_gamebook_player_stats').filter((g) => g.player_lookup === r.player_lookup && g.game_date < d && g.player_status === 'active' && g.minutes > 0).map((g) => g.game_date as string).sort();
        const prev = played.at(-1);
        assert.equal(r.days_rest, prev ? Math.round((Date.parse(d) - Date.parse(prev)) / 86_400_000) : null, `${r.player_lookup} ${d}`);
        assert.equal(r.back_to_back, r.days_rest === 1);
        assert.equal(r.games_last_30_days, played.length);
        const latest = reports.filter((x) => x.player_lookup === r.player_lookup).sort((a, b) => (a.report_time < b.report_time ? -1 : 1)).at(-1);
        assert.equal(r.injury_status, latest?.status ?? 'Available');
      }
    }
    assert.ok(t.upPlayers.some((r) => r.back_to_back), 'some back-to-backs in six days');
  });

  test('upcoming team context: one row per team on the schedule; rest from the previous game; injury counts', () => {
    for (const d of DATES) {
      const sched = raw('nbac_schedule', d);
      const rows = on(t.upTeams, d);
      assert.equal(rows.length, sched.length * 2, d);
      for (const r of rows) {
        const g = sched.find((x) => x.game_id === r.game_id)!;
        assert.equal(r.opponent_team_abbr, r.is_home ? g.away_team_abbr : g.home_team_abbr);
        const prev = raw('nbac_team_boxscore').filter((b) => b.team_abbr === r.team_abbr && b.game_date < d).map((b) => b.game_date as string).sort().at(-1);
        assert.equal(r.days_rest, prev ? Math.round((Date.parse(d) - Date.parse(prev)) / 86_400_000) : null);
        const listed = on(t.upPlayers, d).filter((p) => p.team_abbr === r.team_abbr);
        assert.equal(r.players_out, listed.filter((p) => p.injury_status === 'Out').length, `${r.team_abbr} ${d}`);
      }
    }
  });

  test('phase 4 has one row per player (team) playing on the date, from the second date on', () => {
    assert.equal(on(t.features, FIRST).length, 0, 'the season opener has no history: the stage waits (critical windows need a partition)');
    for (const d of DATES.slice(1)) {
      const n = on(t.upPlayers, d).length;
      for (const [name, rows] of [['shot zones', t.zonesP], ['daily cache', t.cache], ['composite', t.composite], ['features', t.features]] as Array<[string, { game_date: string }[]]>) assert.equal(on(rows, d).length, n, `${name} ${d}`);
      assert.equal(on(t.zonesD, d).length, on(t.upTeams, d).length, `team zones ${d}`);
    }
    for (const rows of [t.zonesP, t.cache, t.composite, t.features] as Row[][]) assert.ok(keysUnique(rows, ['player_lookup']));
  });

  test('phase 4 uses only games strictly before its date', () => {
    const history = (player: string, d: string) => t.players.filter((p) => p.player_lookup === player && p.played && p.game_date < d).sort((a, b) => (a.game_date < b.game_date ? 1 : -1));
    const avg = (xs: PlayerGameSummaryRow[]) => (xs.length ? xs.reduce((a, p) => a + p.points!, 0) / xs.length : null);
    let checked = 0;
    for (const c of on(t.cache, LAST)) {
      const h = history(c.player_lookup, LAST);
      assert.equal(c.games_played_season, h.length);
      if (!h.length) {
        assert.equal(c.points_avg_last_5, null);
        continue;
      }
      close(c.points_avg_last_5, avg(h.slice(0, 5)), 0.0001, c.player_lookup);
      close(c.points_avg_last_10, avg(h.slice(0, 10)), 0.0001);
      close(c.points_avg_season, avg(h), 0.0001);
      close(c.minutes_in_last_7_days, h.reduce((a, p) => a + p.minutes!, 0), 0.01);
      const f = t.features.find((x) => x.player_lookup === c.player_lookup && x.game_date === LAST)!;
      const v = f.features as number[];
      close(v[0]!, c.points_avg_last_5, 0.0001);
      close(v[1]!, c.points_avg_last_10, 0.0001);
      close(v[2]!, c.points_avg_season, 0.0001);
      checked++;
    }
    assert.ok(checked > 50, `${checked} players checked`);
    // Team defense zones: the sample is the team's games before the date.
    for (const z of on(t.zonesD, LAST)) {
      const games = t.defense.filter((d) => d.defending_team_abbr === z.team_abbr && d.game_date < LAST);
      assert.equal(z.games_in_sample, Math.min(15, games.length), z.team_abbr);
      if (games.length) {
        const fga = games.reduce((a, g) => a + g.three_fga_allowed!, 0);
        close(z.three_fg_pct_allowed, games.reduce((a, g) => a + g.three_fgm_allowed!, 0) / fga, 0.0001);
      }
    }
  });

  test('composite factors and shot zones stay in their ranges', () => {
    for (const c of t.composite) {
      assert.ok(c.fatigue_score! >= 0 && c.fatigue_score! <= 100, `fatigue ${c.fatigue_score}`);
      assert.ok(c.shot_zone_mismatch_score! >= -10 && c.shot_zone_mismatch_score! <= 10);
      assert.ok(c.pace_score! >= -3 && c.pace_score! <= 3);
      assert.ok(c.usage_spike_score! >= -3 && c.usage_spike_score! <= 3);
    }
    const b2b = t.composite.filter((c) => t.upPlayers.find((u) => u.player_lookup === c.player_lookup && u.game_date === c.game_date)?.back_to_back);
    assert.ok(b2b.length > 0 && b2b.every((c) => c.fatigue_score! <= 80), 'back-to-backs cost at least 20 points of freshness');
    assert.ok(t.composite.some((c) => c.shot_zone_mismatch_score !== 0) && t.composite.some((c) => c.pace_score !== 0));
    for (const z of t.zonesP) {
      if (z.pct_paint === null) continue;
      close(z.pct_paint + z.pct_mid_range! + z.pct_three!, 1, 0.001);
      assert.ok(z.pct_free_throw! >= 0 && z.pct_free_throw! <= 1);
    }
    for (const c of t.cache.filter((c) => c.team_pace_last_10 !== null)) assert.ok(c.team_pace_last_10! > 60 && c.team_pace_last_10! < 140);
  });

  test('feature store: 33 named features, finite, completeness rises as history builds up', () => {
    const firstNames = ['points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10', 'games_in_last_7_days', 'fatigue_score', 'shot_zone_mismatch_score', 'pace_score', 'usage_spike_score', 'rest_advantage', 'injury_risk', 'recent_trend', 'minutes_change', 'opponent_def_rating', 'opponent_pace', 'home_away', 'back_to_back', 'playoff_game', 'pct_paint', 'pct_mid_range', 'pct_three', 'pct_free_throw', 'team_pace', 'team_off_rating', 'team_win_pct'];
    for (const f of t.features) {
      assert.equal(f.feature_version, 'v2');
      const names = f.feature_names as string[];
      const values = f.features as number[];
      assert.deepEqual(names, [...FEATURE_NAMES]);
      assert.deepEqual(names.slice(0, 25), firstNames);
      assert.ok(names.length >= 25);
      assert.equal(values.length, names.length);
      assert.equal(f.feature_count, names.length);
      assert.ok(values.every((v) => typeof v === 'number' && Number.isFinite(v)), `${f.player_lookup}: ${values}`);
      assert.ok(f.completeness! > 0 && f.completeness! <= 1);
      const u = t.upPlayers.find((x) => x.player_lookup === f.player_lookup && x.game_date === f.game_date)!;
      assert.equal(values[names.indexOf('has_vegas_line')], u.current_points_line === null ? 0 : 1);
      if (u.current_points_line !== null) assert.equal(values[names.indexOf('vegas_points_line')], u.current_points_line);
      assert.equal(values[names.indexOf('home_away')], u.is_home ? 1 : 0);
    }
    const mean = (d: string) => on(t.features, d).reduce((a, f) => a + f.completeness!, 0) / on(t.features, d).length;
    assert.ok(mean(DATES[1]!) < mean(LAST), `completeness ${mean(DATES[1]!)} on ${DATES[1]} vs ${mean(LAST)} on ${LAST}`);
    // Early season: trends need 4 games and no team has met its opponent yet, so even regulars have a few
    // imputed features; players without any game lean on priors for most of the vector.
    const gamesOf = (f: FeatureStoreRow) => t.cache.find((c) => c.player_lookup === f.player_lookup && c.game_date === f.game_date)?.games_played_season ?? 0;
    const regulars = on(t.features, LAST).filter((f) => gamesOf(f) >= 2 && (f.features as number[])[FEATURE_NAMES.indexOf('has_vegas_line')] === 1);
    const newcomers = on(t.features, LAST).filter((f) => gamesOf(f) === 0);
    assert.ok(regulars.length > 20 && newcomers.length > 0);
    assert.ok(regulars.every((f) => f.completeness! >= 0.75), 'players with games and a line are mostly complete');
    assert.ok(Math.max(...newcomers.map((f) => f.completeness!)) < Math.min(...regulars.map((f) => f.completeness!)), 'players without games are less complete');
  });

  test('a scoped run rewrites only its player: player_game_summary, then player_daily_cache', async () => {
    const pick = on(t.players, LAST).filter((p) => p.played && p.points! > 0);
    const [a, b] = [pick[0]!, pick[1]!];
    // Change both players' raw gamebook lines in place (no new version: only the forced run sees it).
    const gbTable = nba.plan.assets.get('nba_raw.nbac_gamebook_player_stats') as TablePlan;
    const gb = await nba.rows<Row>('nba_raw.nbac_gamebook_player_stats', [LAST]);
    const bumped = gb.filter((g) => g.player_lookup === a.player_lookup || g.player_lookup === b.player_lookup).map((g) => ({ ...g, points: (g.points as number) + 7 }));
    await nba.backends.warehouse.write(gbTable, { partition: LAST, rows: bumped, mode: 'upsert' });
    const before = await nba.rows<PlayerGameSummaryRow>('nba_analytics.player_game_summary', [LAST]);

    await requestRun('player_game_summary', LAST, { kind: 'player', ids: [a.player_lookup] });
    const afterRows = await nba.rows<PlayerGameSummaryRow>('nba_analytics.player_game_summary', [LAST]);
    assert.equal(afterRows.length, before.length);
    for (const r of afterRows) {
      const old = before.find((x) => x.player_lookup === r.player_lookup && x.game_id === r.game_id)!;
      if (r.player_lookup === a.player_lookup) assert.equal(r.points, old.points! + 7, 'the scoped player is rewritten');
      else assert.deepEqual(r, old, `${r.player_lookup} is untouched`);
    }

    // Phase 4: change both players' last game before LAST, then a scoped daily-cache run for A.
    const pgsTable = nba.plan.assets.get('nba_analytics.player_game_summary') as TablePlan;
    const history = await nba.rows<PlayerGameSummaryRow>('nba_analytics.player_game_summary', DATES.slice(0, -1));
    const latest = (p: string) => history.filter((h) => h.player_lookup === p && h.played).sort((x, y) => (x.game_date < y.game_date ? 1 : -1))[0];
    const targets = [a.player_lookup, b.player_lookup].map(latest).filter((x): x is PlayerGameSummaryRow => x !== undefined);
    assert.equal(targets.length, 2, 'both players have a game before the last date');
    for (const g of targets) await nba.backends.warehouse.write(pgsTable, { partition: g.game_date, rows: [{ ...g, points: g.points! + 10 }], mode: 'upsert' });
    const cacheBefore = await nba.rows<PlayerDailyCacheRow>('nba_precompute.player_daily_cache', [LAST]);
    await requestRun('player_daily_cache', LAST, { kind: 'player', ids: [a.player_lookup] });
    const cacheAfter = await nba.rows<PlayerDailyCacheRow>('nba_precompute.player_daily_cache', [LAST]);
    assert.equal(cacheAfter.length, cacheBefore.length);
    for (const r of cacheAfter) {
      const old = cacheBefore.find((x) => x.player_lookup === r.player_lookup)!;
      if (r.player_lookup === a.player_lookup) assert.ok(r.points_avg_season! > old.points_avg_season!, 'the scoped player sees his changed history');
      else assert.deepEqual(r, old, `${r.player_lookup} is untouched`);
    }
  });
});

describe('composite scores (pure)', () => {
  test('fatigue: rested is 100; back-to-backs, dense weeks and heavy minutes lower it, never below 0', () => {
    assert.equal(fatigueScore({ daysRest: 3, backToBack: false, gamesLast7: 2, minutesLast7: 60, minutesLast3Avg: 30 }), 100);
    assert.equal(fatigueScore({ daysRest: 1, backToBack: true, gamesLast7: 3, minutesLast7: 100, minutesLast3Avg: 34 }), 80);
    assert.equal(fatigueScore({ daysRest: 1, backToBack: true, gamesLast7: 5, minutesLast7: 200, minutesLast3Avg: 44 }), round2(100 - 20 - 16 - 28.5 - 16));
    assert.equal(fatigueScore({ daysRest: 1, backToBack: true, gamesLast7: 9, minutesLast7: 500, minutesLast3Avg: 48 }), 0);
    assert.equal(fatigueScore({ daysRest: null, backToBack: false, gamesLast7: 0, minutesLast7: 0, minutesLast3Avg: 0 }), 100);
  });
  test('shot-zone mismatch: positive where the opponent allows more in his zones, damped by a small sample, bounded', () => {
    const shares = { paint: 0.6, mid: 0.1, three: 0.3 };
    const weak = { paint: 0.05, mid: 0, three: 0.02 };
    const s = shotZoneMismatch(shares, weak, 15);
    assert.ok(s > 0 && s <= 10);
    assert.ok(shotZoneMismatch(shares, weak, 1) < s, 'one game counts less');
    assert.equal(shotZoneMismatch(shares, { paint: -1, mid: -1, three: -1 }, 15), -10);
    assert.equal(shotZoneMismatch(null, weak, 15), 0);
    assert.equal(shotZoneMismatch(shares, weak, 0), 0);
  });
  test('pace and usage spike: neutral without inputs, ±3 at most', () => {
    assert.equal(paceScore(104, 102, 100), 1.5);
    assert.equal(paceScore(130, 130, 100), 3);
    assert.equal(paceScore(null, 100, 100), 0);
    assert.equal(usageSpikeScore(25, 20, 10), 2.5);
    assert.equal(usageSpikeScore(10, 20, 10), -3);
    assert.equal(usageSpikeScore(25, 20, 2), 0, 'too few games this season');
  });
});

function round2(x: number) {
  return Math.round(x * 100) / 100;
}
