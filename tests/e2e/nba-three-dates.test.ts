// The NBA reference pipeline end to end (issue 5, "Done when"): the sample source and the real engine
// with every processor, ten days of history backfilled through analytics, then scrapers and the full
// six-phase cascade for three consecutive dates with 7+ games. Each phase's tables have the right rows,
// unique keys and values in range; everything phase 6 published validates against its schema; and
// running the same dates again changes nothing and publishes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LogEntry, Row, WireMessage } from '../../engine/ports.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { pickDemoDates } from '../../processors/demo/dates.js';
import { gamesOn } from '../../processors/sample-source/index.js';
import { spyPublished, tableRows, type NbaEnv } from '../processors/support.js';
import { allVersions, everythingPublished, failuresOf, SEED, startE2eEnv, tableUpdates, type Published } from './support.js';

const DATES = pickDemoDates(SEED); // three consecutive dates with 7+ games
const LAST = DATES[DATES.length - 1]!;
const HISTORY_DAYS = 10;
const RECOMMENDATIONS = ['OVER', 'UNDER', 'PASS', 'NO_LINE'];

let nba: NbaEnv;
let log: LogEntry[] = [];
const tables = new Map<string, Map<string, Row[]>>(); // table → date → rows
let published: { objects: Published[]; documents: Published[] };

const rowsOf = (table: string, date: string) => tables.get(table)!.get(date)!;
const num = (v: unknown) => v as number;
const inRange = (v: unknown, lo: number, hi: number, what: string) => assert.ok(typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi, `${what}: ${String(v)} not in ${lo}..${hi}`);
const optInRange = (v: unknown, lo: number, hi: number, what: string) => v === null || inRange(v, lo, hi, what);
const keysUnique = (rows: Row[], key: string[]) => new Set(rows.map((r) => key.map((k) => String(r[k])).join('|'))).size === rows.length;
const setOf = (rows: Row[], col: string) => new Set(rows.map((r) => String(r[col])));

const games = (date: string) => gamesOn(SEED, date);
/** The reference system's first 25 features, in order (REFERENCE-SYSTEM.md, phase 4). */
const FIRST_25 = [
  'points_avg_last_5', 'points_avg_last_10', 'points_avg_season', 'points_std_last_10', 'games_in_last_7_days', 'fatigue_score',
  'shot_zone_mismatch_score', 'pace_score', 'usage_spike_score', 'rest_advantage', 'injury_risk', 'recent_trend', 'minutes_change',
  'opponent_def_rating', 'opponent_pace', 'home_away', 'back_to_back', 'playoff_game', 'pct_paint', 'pct_mid_range', 'pct_three',
  'pct_free_throw', 'team_pace', 'team_off_rating', 'team_win_pct',
];

describe(`NBA end to end: ${DATES.join(', ')} after ${HISTORY_DAYS} days of history`, () => {
  before(async () => {
    const env = await startE2eEnv({ today: LAST, firstDate: DATES[0]!, historyDays: HISTORY_DAYS });
    nba = env.nba;
    assert.deepEqual(failuresOf(env.history), [], 'the history backfill ran cleanly');
    log = await runCascade(nba.local, { dates: DATES });
    for (const [ref, a] of nba.plan.assets) {
      if (a.kind !== 'table') continue;
      const byDate = new Map<string, Row[]>();
      for (const d of DATES) byDate.set(d, await tableRows(nba, ref, d));
      tables.set(ref, byDate);
    }
    published = await everythingPublished(nba);
  });

  after(async () => {
    await nba?.cleanup();
  });

  it('ran every phase for every date, with no failed run', () => {
    assert.deepEqual(failuresOf(log), []);
    for (const d of DATES) {
      const ok = new Set(log.filter((e) => e.event === 'run:succeeded' && e.partition === d).map((e) => e.processor));
      const missing = [...nba.plan.processors.keys()].filter((p) => !ok.has(p));
      assert.deepEqual(missing, [], `every processor succeeded for ${d}`);
      assert.ok(log.some((e) => e.event === 'gate:fired' && e.partition === d), `the phase 3 → 4 gate fired for ${d}`);
    }
  });

  it('phases 1–2: one raw row per game and team, a gamebook line per rostered player, play-by-play, injuries and props', () => {
    for (const d of DATES) {
      const n = games(d).length;
      assert.ok(n >= 7, `${d} has ${n} games`);
      const schedule = rowsOf('nba_raw.nbac_schedule', d);
      assert.equal(schedule.length, n, `schedule rows on ${d}`);
      const gameIds = setOf(schedule, 'game_id');
      const teams = new Set(schedule.flatMap((g) => [String(g.home_team_abbr), String(g.away_team_abbr)]));
      assert.equal(teams.size, 2 * n, 'no team plays twice on a date');
      assert.equal(rowsOf('nba_raw.nbac_scoreboard_v2', d).length, n);
      assert.equal(rowsOf('nba_raw.nbac_team_boxscore', d).length, 2 * n);
      const gamebook = rowsOf('nba_raw.nbac_gamebook_player_stats', d);
      assert.ok(keysUnique(gamebook, ['game_id', 'player_lookup']));
      assert.ok(gamebook.length >= 26 * n && gamebook.length <= 34 * n, `gamebook rows ${gamebook.length} for ${n} games`);
      for (const r of gamebook) {
        assert.ok(gameIds.has(String(r.game_id)) && teams.has(String(r.team_abbr)), `${r.player_lookup} in a scheduled game`);
        if (r.player_status === 'active') inRange(r.points, 0, 70, `gamebook points of ${r.player_lookup}`);
      }
      assert.deepEqual(setOf(rowsOf('nba_raw.nbac_player_boxscores', d), 'game_id'), gameIds);
      for (const t of ['nba_raw.nbac_play_by_play', 'nba_raw.bigdataball_play_by_play']) {
        const rows = rowsOf(t, d);
        assert.ok(rows.length >= 200 * n, `${t}: ${rows.length} rows for ${n} games`);
        assert.deepEqual(setOf(rows, 'game_id'), gameIds, `${t} covers every game`);
      }
      const injuries = rowsOf('nba_raw.nbac_injury_report', d);
      assert.ok(injuries.length > 0);
      for (const r of injuries) assert.match(String(r.status), /^(Out|Doubtful|Questionable|Probable|Available)$/);
      for (const t of ['nba_raw.odds_api_player_points_props', 'nba_raw.bettingpros_player_points_props']) {
        const rows = rowsOf(t, d);
        assert.ok(rows.length > 0, `${t} on ${d}`);
        for (const r of rows) assert.equal(num(r.points_line) % 1, 0.5, `${t} lines are x.5`);
      }
    }
  });

  it('phase 3: a summary per gamebook player and per team, points 0–70, minutes 0–48, consistent with the team totals', () => {
    for (const d of DATES) {
      const n = games(d).length;
      const gamebook = rowsOf('nba_raw.nbac_gamebook_player_stats', d);
      const pgs = rowsOf('nba_analytics.player_game_summary', d);
      assert.ok(keysUnique(pgs, ['game_id', 'player_lookup']));
      assert.deepEqual(setOf(pgs, 'player_lookup'), setOf(gamebook, 'player_lookup'), 'one summary per gamebook player');
      for (const r of pgs) {
        const who = `${r.player_lookup} ${d}`;
        assert.equal(r.game_date, d);
        inRange(r.points, 0, 70, `points of ${who}`);
        assert.ok(Number.isInteger(r.points));
        inRange(r.minutes, 0, 48, `minutes of ${who}`);
        if (!r.played) assert.deepEqual([r.minutes, r.points], [0, 0], `${who} did not play`);
        assert.ok(num(r.fgm) <= num(r.fga) && num(r.ftm) <= num(r.fta), `made ≤ attempted for ${who}`);
        if (r.played && r.paint_fga !== null && r.mid_fga !== null) assert.equal(num(r.paint_fga) + num(r.mid_fga) + num(r.three_fga), r.fga, `zones add up to FGA for ${who}`);
        optInRange(r.usage_rate, 0, 100, `usage of ${who}`);
        optInRange(r.true_shooting_pct, 0, 1.5, `TS% of ${who}`);
        if (r.points_line !== null) assert.equal((num(r.points_line) * 2) % 1, 0, `the consensus line of ${who} is a median of x.5 lines`);
      }
      const offense = rowsOf('nba_analytics.team_offense_game_summary', d);
      const defense = rowsOf('nba_analytics.team_defense_game_summary', d);
      assert.equal(offense.length, 2 * n);
      assert.equal(defense.length, 2 * n);
      assert.ok(keysUnique(offense, ['game_id', 'team_abbr']) && keysUnique(defense, ['game_id', 'defending_team_abbr']));
      for (const o of offense) {
        const mine = pgs.filter((p) => p.game_id === o.game_id && p.team_abbr === o.team_abbr);
        assert.equal(mine.reduce((a, p) => a + num(p.points), 0), o.points, `player points add up to ${o.team_abbr}'s`);
        inRange(o.pace, 60, 140, `pace of ${o.team_abbr}`);
        inRange(o.offensive_rating, 60, 160, `offensive rating of ${o.team_abbr}`);
        const opp = defense.find((x) => x.game_id === o.game_id && x.opponent_team_abbr === o.team_abbr)!;
        assert.equal(opp.points_allowed, o.points, `${opp.defending_team_abbr} allowed what ${o.team_abbr} scored`);
      }
      for (const x of defense) for (const z of ['paint', 'mid', 'three']) optInRange(x[`${z}_fg_pct_allowed`], 0, 1, `${z} FG% allowed by ${x.defending_team_abbr}`);
      const upPlayers = rowsOf('nba_analytics.upcoming_player_game_context', d);
      assert.deepEqual(setOf(upPlayers, 'player_lookup'), setOf(gamebook, 'player_lookup'), "tonight's players are the rostered players of tonight's teams");
      for (const r of upPlayers) {
        if (r.days_rest !== null) inRange(r.days_rest, 1, 30, `days rest of ${r.player_lookup}`);
        assert.equal(r.back_to_back, r.days_rest === 1, `back-to-back of ${r.player_lookup}`);
        assert.match(String(r.injury_status), /^(Out|Doubtful|Questionable|Probable|Available)$/);
      }
      const upTeams = rowsOf('nba_analytics.upcoming_team_game_context', d);
      assert.equal(upTeams.length, 2 * n);
      for (const t of upTeams) assert.equal(t.players_out, upPlayers.filter((p) => p.team_abbr === t.team_abbr && p.injury_status === 'Out').length, `${t.team_abbr} players out`);
    }
  });

  it('phase 4: rolling features per player and team, scores in their ranges, a feature vector of 25+ named features', () => {
    for (const d of DATES) {
      const players = setOf(rowsOf('nba_analytics.upcoming_player_game_context', d), 'player_lookup');
      for (const t of ['nba_precompute.player_shot_zone_analysis', 'nba_precompute.player_daily_cache', 'nba_precompute.player_composite_factors', 'nba_predictions.ml_feature_store_v2']) {
        const rows = rowsOf(t, d);
        assert.ok(keysUnique(rows, ['player_lookup']), `${t} keys`);
        assert.deepEqual(setOf(rows, 'player_lookup'), players, `${t} has every player of ${d}`);
      }
      assert.equal(rowsOf('nba_precompute.team_defense_zone_analysis', d).length, 2 * games(d).length);
      for (const r of rowsOf('nba_precompute.team_defense_zone_analysis', d)) for (const z of ['paint', 'mid', 'three']) optInRange(r[`${z}_vs_league`], -0.5, 0.5, `${z} vs league of ${r.team_abbr}`);
      for (const r of rowsOf('nba_precompute.player_shot_zone_analysis', d)) {
        const shares = [r.pct_paint, r.pct_mid_range, r.pct_three];
        for (const s of shares) optInRange(s, 0, 1, `zone share of ${r.player_lookup}`);
        if (shares.every((s) => typeof s === 'number') && shares.some((s) => num(s) > 0)) assert.ok(Math.abs(shares.reduce((a, s) => a + num(s), 0) - 1) < 0.02, `zone shares of ${r.player_lookup} add up to 1`);
      }
      for (const r of rowsOf('nba_precompute.player_daily_cache', d)) {
        for (const k of ['points_avg_last_5', 'points_avg_last_10', 'points_avg_season']) optInRange(r[k], 0, 70, `${k} of ${r.player_lookup}`);
        optInRange(r.minutes_avg_last_10, 0, 48, `minutes of ${r.player_lookup}`);
        optInRange(r.games_in_last_7_days, 0, 7, `games in 7 days of ${r.player_lookup}`);
      }
      for (const r of rowsOf('nba_precompute.player_composite_factors', d)) {
        optInRange(r.fatigue_score, 0, 100, `fatigue of ${r.player_lookup}`);
        optInRange(r.shot_zone_mismatch_score, -10, 10, `mismatch of ${r.player_lookup}`);
        optInRange(r.pace_score, -3, 3, `pace score of ${r.player_lookup}`);
        optInRange(r.usage_spike_score, -3, 3, `usage spike of ${r.player_lookup}`);
      }
      for (const r of rowsOf('nba_predictions.ml_feature_store_v2', d)) {
        const names = r.feature_names as string[];
        const values = r.features as Array<number | null>;
        assert.ok(num(r.feature_count) >= 25, `${r.feature_count} features for ${r.player_lookup}`);
        assert.equal(names.length, r.feature_count);
        assert.equal(values.length, r.feature_count);
        assert.deepEqual(names.slice(0, 25), FIRST_25, 'the first 25 features, by name and order');
        for (const v of values) assert.ok(v === null || Number.isFinite(v), `feature values of ${r.player_lookup} are numbers or null`);
        inRange(r.completeness, 0, 1, `completeness of ${r.player_lookup}`);
      }
    }
  });

  it('phase 5: every player with features gets 4+ systems, points 0–70, confidence 0–100, a recommendation that follows its rule; grading and performance agree', () => {
    for (const d of DATES) {
      const features = setOf(rowsOf('nba_predictions.ml_feature_store_v2', d), 'player_lookup');
      const preds = rowsOf('nba_predictions.player_prop_predictions', d);
      assert.ok(keysUnique(preds, ['system_id', 'player_lookup']));
      assert.deepEqual(setOf(preds, 'player_lookup'), features, 'a prediction for every player in the feature store');
      const systems = setOf(preds, 'system_id');
      assert.ok(systems.size >= 4 && systems.has('ensemble'), `systems: ${[...systems].join(', ')}`);
      for (const p of features) assert.equal(preds.filter((r) => r.player_lookup === p).length, systems.size, `${p} has every system`);
      for (const r of preds) {
        const who = `${r.system_id}/${r.player_lookup} ${d}`;
        inRange(r.predicted_points, 0, 70, `points of ${who}`);
        inRange(r.confidence, 0, 100, `confidence of ${who}`);
        assert.ok(RECOMMENDATIONS.includes(String(r.recommendation)), `recommendation of ${who}: ${r.recommendation}`);
        if (r.current_points_line === null) assert.equal(r.recommendation, 'NO_LINE', who);
        else {
          assert.notEqual(r.recommendation, 'NO_LINE', who);
          assert.ok(Math.abs(num(r.line_margin) - (num(r.predicted_points) - num(r.current_points_line))) <= 0.051, `edge of ${who}`);
          if (r.recommendation === 'OVER') assert.ok(num(r.line_margin) > 2, `${who} OVER with edge ${r.line_margin}`);
          if (r.recommendation === 'UNDER') assert.ok(num(r.line_margin) < -2, `${who} UNDER with edge ${r.line_margin}`);
          if (r.recommendation === 'OVER' || r.recommendation === 'UNDER') assert.ok(num(r.confidence) > 45 && r.injury_status !== 'Out', who);
        }
        if (r.recommendation === 'OVER' || r.recommendation === 'UNDER') assert.equal(r.recommendation_reason, null);
        else assert.ok(r.recommendation_reason, `${who} says why it is ${r.recommendation}`);
      }
      const recs = new Set(preds.filter((r) => r.system_id === 'ensemble').map((r) => r.recommendation));
      for (const rec of ['OVER', 'UNDER', 'PASS', 'NO_LINE']) assert.ok(recs.has(rec), `some ensemble ${rec} on ${d}`);

      const pgs = new Map(rowsOf('nba_analytics.player_game_summary', d).map((r) => [String(r.player_lookup), r] as const));
      const graded = rowsOf('nba_predictions.prediction_accuracy', d);
      assert.equal(graded.length, preds.length, 'every prediction graded');
      for (const g of graded) {
        const actual = pgs.get(String(g.player_lookup));
        const who = `${g.system_id}/${g.player_lookup} ${d}`;
        if (g.is_voided) {
          assert.equal(g.void_reason, 'DNP');
          assert.ok(!actual?.played, `${who} voided: did not play`);
          assert.equal(g.actual_points, null);
        } else {
          assert.equal(g.actual_points, actual!.points, `actual points of ${who}`);
          assert.ok(Math.abs(num(g.absolute_error) - Math.abs(num(g.predicted_points) - num(g.actual_points))) <= 0.011, `error of ${who}`);
          if (g.recommendation === 'PASS' || g.recommendation === 'NO_LINE') assert.equal(g.prediction_correct, null, who);
        }
      }
      const perf = rowsOf('nba_predictions.system_daily_performance', d);
      assert.deepEqual(setOf(perf, 'system_id'), systems);
      for (const p of perf) {
        const mine = graded.filter((g) => g.system_id === p.system_id);
        assert.equal(p.predictions, mine.length);
        assert.equal(num(p.graded) + num(p.voided), p.predictions);
        assert.equal(p.correct, mine.filter((g) => g.prediction_correct === true).length);
        optInRange(p.win_rate, 0, 1, `win rate of ${p.system_id}`);
        assert.ok(num(p.running_predictions) >= num(p.predictions));
      }
    }
  });

  it('phase 6: every published object and document validates against its schema, and covers every date and player', () => {
    const { objects, documents } = published;
    const invalid = [...objects, ...documents].filter((p) => p.errors.length).map((p) => `${p.path}: ${p.errors.join('; ')}`);
    assert.deepEqual(invalid, []);
    const paths = new Set(objects.map((o) => o.path));
    for (const d of DATES) for (const k of ['predictions', 'best-bets', 'results']) assert.ok(paths.has(`v1/${k}/${d}.json`), `v1/${k}/${d}.json`);
    for (const d of DATES) {
      const file = objects.find((o) => o.path === `v1/predictions/${d}.json`)!.body;
      const ensemble = rowsOf('nba_predictions.player_prop_predictions', d).filter((r) => r.system_id === 'ensemble');
      assert.equal(file.game_date, d);
      assert.equal(file.totals.players, ensemble.length);
      assert.equal(file.games.length, games(d).length);
      const entries = file.games.flatMap((g: { predictions: Array<{ player_lookup: string; prediction: { points: number; recommendation: string } }> }) => g.predictions);
      assert.equal(entries.length, ensemble.length, `every ensemble prediction of ${d} is published`);
      for (const e of entries) {
        const row = ensemble.find((r) => r.player_lookup === e.player_lookup)!;
        assert.equal(e.prediction.recommendation, row.recommendation);
        assert.ok(Math.abs(e.prediction.points - num(row.predicted_points)) <= 0.051);
      }
      const results = objects.find((o) => o.path === `v1/results/${d}.json`)!.body;
      assert.equal(results.results.length, ensemble.length);
      assert.ok(documents.some((x) => x.path === `predictions/daily/${d}`), `predictions/daily/${d}`);
      for (const g of rowsOf('nba_raw.nbac_schedule', d)) assert.ok(documents.some((x) => x.path === `games/${g.game_id}`), `games/${g.game_id}`);
    }
    // The latest pointers belong to today's (the last) date.
    const tonight = objects.find((o) => o.path === 'v1/tonight/all-players.json')!.body;
    assert.equal(tonight.game_date, LAST);
    const lastPlayers = setOf(rowsOf('nba_predictions.player_prop_predictions', LAST), 'player_lookup');
    assert.equal(tonight.players.length, lastPlayers.size);
    const pages = objects.filter((o) => o.kind === 'player');
    assert.deepEqual(new Set(pages.map((p) => p.body.player_lookup)), lastPlayers, 'a page per player of tonight');
    for (const p of pages) assert.equal(p.body.game_date, LAST);
    assert.equal(documents.filter((x) => x.kind === 'doc-player').length, lastPlayers.size);
  });

  it('running the same dates again changes nothing and publishes nothing', async () => {
    const before = await allVersions(nba);
    const bytes = new Map(published.objects.map((o) => [o.path, JSON.stringify(o.body)] as const));
    const { result: again, published: messages } = await spyPublished(nba, () => runCascade(nba.local, { dates: DATES }));
    assert.deepEqual(failuresOf(again), []);
    assert.deepEqual(tableUpdates(messages as Array<{ message: WireMessage }>), [], 'no asset_updated message');
    const succeeded = again.filter((e) => e.event === 'run:succeeded');
    assert.ok(succeeded.length > 0, 'the scrapers ran again (sources run whenever asked)');
    const versioned = succeeded.filter((e) => (e.reasons ?? []).some((r) => / v\d+/.test(r)));
    assert.deepEqual(versioned.map((e) => `${e.processor} ${e.partition}: ${e.reasons?.join('; ')}`), [], 'no run:succeeded with a new version');
    for (const e of succeeded) assert.deepEqual(e.reasons, ['content unchanged: no new version, no event']);
    assert.deepEqual(new Set(again.filter((e) => e.event === 'run:started').map((e) => e.phase)), new Set(['scrapers']), 'nothing past the scrapers ran');
    assert.deepEqual(await allVersions(nba), before, 'no version changed');
    const now = await everythingPublished(nba);
    assert.deepEqual(new Map(now.objects.map((o) => [o.path, JSON.stringify(o.body)] as const)), bytes, 'published objects are byte-for-byte the same');
  });
});
