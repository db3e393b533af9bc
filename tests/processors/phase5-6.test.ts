// Phases 5–6 through the real engine on DuckDB: the analytics and precompute tables the predictions
// read are loaded as external updates (as another system would report them), ml_feature_store_v2 is a
// processor override writing the fixture's features, and everything from player_points_predictions
// on runs the real modules of pipeline.yaml. Stories: predict two dates, grade them, summarize the
// systems, publish; re-run without changes; change one player's features.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planFromText } from '../../engine/spec/index.js';
import type { Plan, TablePlan } from '../../engine/spec/plan.js';
import { ModuleExecutor } from '../../engine/runtime/executor.js';
import { openLocalEngine, type LocalEngine } from '../../engine/runtime/local.js';
import { defineProcessor, NonRetryableError, type DefinedProcessor } from '../../engine/runtime/processor.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { checkRows } from '../../engine/runtime/rows.js';
import type { LogEntry, Row } from '../../engine/ports.js';
import type { PartitionVersion } from '../../engine/core/types.js';
import { predictionId } from '../../processors/predictions/recommendation.js';
import { round } from '../../processors/predictions/values.js';
import { publishedErrors, type PublishedKind } from '../../processors/publishing/validate.js';
import * as fx from './phase5-6.fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MINE = new Set(['player_points_predictions', 'prediction_grading', 'system_performance', 'export_predictions', 'export_results']);
const API_BUCKET = 'nba-props-platform-api';
const UNCHANGED = 'content unchanged: no new version, no event';

type Any = Record<string, any>;

interface Env extends LocalEngine {
  plan: Plan;
  dir: string;
  entries: LogEntry[];
  rows(ref: string, date: string): Promise<Any[]>;
  seed(ref: string, date: string, rows: Record<string, unknown>[]): Promise<void>;
  run(processor: string, date: string, opts?: { force?: boolean }): Promise<LogEntry[]>;
}

let tweaks: Record<string, Record<string, number>> = {};

async function openEnv(): Promise<Env> {
  const r = planFromText(readFileSync(path.join(ROOT, 'pipeline.yaml'), 'utf8'), 'pipeline.yaml', ROOT, { checkModules: false });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  const plan = r.plan;
  const overrides: Record<string, DefinedProcessor> = {};
  for (const p of plan.processors.values()) {
    if (MINE.has(p.name)) continue;
    overrides[p.name] = defineProcessor(p.name as Parameters<typeof defineProcessor>[0], {
      run() {
        throw new NonRetryableError(`${p.name} is not expected to run in the phase 5–6 test`);
      },
    });
  }
  overrides.ml_feature_store_v2 = defineProcessor('ml_feature_store_v2', { run(ctx) { ctx.write(fx.featureRows(ctx.partition, tweaks) as never[]); } });
  // The engine clock reads 09:00 ET on D2 (and moves with real time), so D2 is "today".
  const base = Date.parse(`${fx.D2}T14:00:00Z`);
  const start = Date.now();
  const clock = { now: () => base + (Date.now() - start), sleep: (ms: number) => new Promise<void>((res) => setTimeout(res, ms)) };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-p56-'));
  const local = await openLocalEngine({ plan, dir: path.join(dir, '.pipeline'), env: {}, clock, executor: new ModuleExecutor({}, overrides), bus: { initialBackoffMs: 5, maxBackoffMs: 20 } });
  const entries: LogEntry[] = [];
  local.engine.log.listeners.push((e) => void entries.push(e));
  let seq = 0;
  return {
    ...local, plan, dir, entries,
    async rows(ref, date) {
      return (await local.backends.warehouse.read(plan.assets.get(ref) as TablePlan, { partitions: [date] })) as Any[];
    },
    async seed(ref, date, rows) {
      const table = plan.assets.get(ref) as TablePlan;
      const checked = checkRows(table, plan.partition.key, date, rows as Row[]);
      await local.backends.warehouse.write(table, { partition: date, rows: checked, mode: table.mode });
      await local.engine.handleEvent({
        type: 'asset_updated', asset: ref, partition: date, changedEntities: null, rows: checked.length, status: 'success', backfill: null,
        emittedAt: local.engine.now(), origin: 'unified', correlationId: `seed-${++seq}`, parents: [],
      });
      await local.settle();
    },
    run: (processor, date, opts = {}) => runCascade(local, { dates: [date], processors: [processor], force: opts.force }),
  };
}

async function loadDate(env: Env, date: string) {
  await env.seed('nba_analytics.upcoming_player_game_context', date, fx.contextRows(date));
  await env.seed('nba_precompute.player_daily_cache', date, fx.cacheRows(date));
  await env.seed('nba_precompute.team_defense_zone_analysis', date, fx.zoneDefenseRows(date));
  await env.seed('nba_precompute.player_composite_factors', date, fx.compositeRows());
  await env.seed('nba_precompute.player_shot_zone_analysis', date, fx.shotZoneRows());
  await env.run('ml_feature_store_v2', date); // → predictions → export_predictions (grading waits for actuals)
  await env.seed('nba_analytics.player_game_summary', date, fx.summaryRows(date)); // → grading → performance → results
}

/** Every published object (path → bytes) and document (path → text). */
function published(env: Env): { objects: Map<string, string>; docs: Map<string, string> } {
  const walk = (root: string, strip: (p: string) => string): Map<string, string> => {
    const out = new Map<string, string>();
    const go = (d: string) => {
      let names: string[] = [];
      try {
        names = readdirSync(d);
      } catch {
        return;
      }
      for (const n of names.sort()) {
        const f = path.join(d, n);
        if (statSync(f).isDirectory()) go(f);
        else out.set(strip(path.relative(root, f).split(path.sep).join('/')), readFileSync(f, 'utf8'));
      }
    };
    go(root);
    return out;
  };
  return {
    objects: walk(path.join(env.backends.objects.root, 'objects', API_BUCKET), (p) => p),
    docs: walk(path.join(env.backends.documents.root, 'documents'), (p) => p.replace(/\.json$/, '')),
  };
}

function kindOfObject(p: string): PublishedKind {
  if (p.startsWith('v1/predictions/')) return 'predictions';
  if (p.startsWith('v1/best-bets/')) return 'best-bets';
  if (p.startsWith('v1/results/')) return 'results';
  if (p === 'v1/tonight/all-players.json') return 'tonight-all-players';
  if (p.startsWith('v1/players/')) return 'player';
  throw new Error(`unexpected object ${p}`);
}

function kindOfDoc(p: string): PublishedKind {
  if (p.startsWith('predictions/daily/')) return 'doc-predictions-daily';
  if (p.startsWith('games/')) return 'doc-game';
  if (p.startsWith('players/')) return 'doc-player';
  throw new Error(`unexpected document ${p}`);
}

const succeeded = (entries: LogEntry[], processor: string) => entries.filter((e) => e.event === 'run:succeeded' && e.processor === processor);
const changedKeys = (a: Map<string, string>, b: Map<string, string>) => [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();

describe('phases 5–6 on the engine', () => {
  let env: Env;
  const t0 = Date.now();

  before(async () => {
    env = await openEnv();
    for (const d of fx.HISTORY_DATES) await env.seed('nba_analytics.player_game_summary', d, fx.summaryRows(d));
    await loadDate(env, fx.D1);
    await loadDate(env, fx.D2);
    console.log(`# setup: ${fx.HISTORY_DATES.length + 2} dates, ${env.entries.filter((e) => e.event === 'run:succeeded').length} runs in ${Date.now() - t0} ms`);
  });

  after(async () => {
    await env?.close();
    // PIPELINE_KEEP_TEST_DIR=1 keeps the engine folder (published files, DuckDB) for inspection.
    if (env && !process.env.PIPELINE_KEEP_TEST_DIR) rmSync(env.dir, { recursive: true, force: true });
    else if (env) console.log(`# kept ${env.dir}`);
  });

  it('runs only the phase 5–6 modules, none failing', () => {
    const failed = env.entries.filter((e) => e.event.startsWith('run:failed'));
    assert.deepEqual(failed.map((e) => `${e.processor}: ${e.errorMessage}`), []);
    const ran = new Set(env.entries.filter((e) => e.event === 'run:started').map((e) => e.processor));
    assert.deepEqual([...ran].sort(), ['export_predictions', 'export_results', 'ml_feature_store_v2', 'player_points_predictions', 'prediction_grading', 'system_performance']);
  });

  it('predicts every featured player with four systems, deterministic ids, points ≥ 0 to 0.1', async () => {
    for (const date of [fx.D1, fx.D2]) {
      const rows = await env.rows('nba_predictions.player_prop_predictions', date);
      assert.equal(rows.length, fx.featured.length * 4);
      for (const f of fx.featured) {
        const mine = rows.filter((r) => r.player_lookup === f.player);
        assert.deepEqual(mine.map((r) => r.system_id).sort(), ['ensemble', 'moving_average', 'similarity', 'zone_matchup'], f.player);
      }
      for (const r of rows) {
        assert.equal(r.prediction_id, predictionId(r.system_id, date, r.player_lookup));
        assert.ok(r.predicted_points >= 0 && round(r.predicted_points, 1) === r.predicted_points, `${r.predicted_points}`);
        assert.ok(r.confidence >= 0 && r.confidence <= 100);
        assert.ok(r.team_abbr && r.opponent_team_abbr && r.game_id);
      }
      assert.equal(new Set(rows.map((r) => r.prediction_id)).size, rows.length);
    }
  });

  it('applies the recommendation rule: NO_LINE, PASS (out, data, confidence ≤ 45, |edge| ≤ 2), else OVER / UNDER', async () => {
    const rows = [...(await env.rows('nba_predictions.player_prop_predictions', fx.D1)), ...(await env.rows('nba_predictions.player_prop_predictions', fx.D2))];
    const seen = new Set<string>();
    for (const r of rows) {
      const tag = `${r.player_lookup}/${r.system_id}`;
      seen.add(`${r.recommendation}:${r.recommendation_reason}`);
      if (r.current_points_line === null) {
        assert.equal(r.recommendation, 'NO_LINE', tag);
        assert.equal(r.line_margin, null);
        continue;
      }
      assert.equal(r.line_margin, round(r.predicted_points - r.current_points_line, 1), tag);
      if (r.player_lookup === fx.SPECIAL.out) assert.deepEqual([r.recommendation, r.recommendation_reason], ['PASS', 'player_out'], tag);
      else if (r.player_lookup === fx.SPECIAL.incomplete) assert.deepEqual([r.recommendation, r.recommendation_reason], ['PASS', 'incomplete_features'], tag);
      else if (r.recommendation_reason === 'insufficient_data') assert.equal(r.recommendation, 'PASS');
      else if (r.confidence <= 45) assert.deepEqual([r.recommendation, r.recommendation_reason], ['PASS', 'low_confidence'], tag);
      else if (Math.abs(r.line_margin) <= 2) assert.deepEqual([r.recommendation, r.recommendation_reason], ['PASS', 'small_edge'], tag);
      else assert.deepEqual([r.recommendation, r.recommendation_reason], [r.line_margin > 0 ? 'OVER' : 'UNDER', null], tag);
    }
    for (const want of ['OVER:null', 'UNDER:null', 'PASS:small_edge', 'PASS:player_out', 'PASS:incomplete_features', 'NO_LINE:no_line']) assert.ok(seen.has(want), `no ${want} in ${[...seen]}`);
    const noLine = rows.filter((r) => r.player_lookup === fx.SPECIAL.noLine);
    assert.ok(noLine.length === 8 && noLine.every((r) => r.recommendation === 'NO_LINE' && r.line_source === null));
  });

  it('reads features by name, whatever their order', async () => {
    const rows = await env.rows('nba_predictions.player_prop_predictions', fx.D2);
    for (const player of [fx.SPECIAL.reversedNames, fx.featured[0]!.player]) {
      const ma = rows.find((r) => r.player_lookup === player && r.system_id === 'moving_average')!;
      const v = fx.featureValues(player, fx.D2);
      assert.equal(ma.factors.base, round(0.5 * v.points_avg_last_5! + 0.3 * v.points_avg_last_10! + 0.2 * v.points_avg_season!, 2), player);
      assert.equal(ma.factors.back_to_back, true);
      assert.equal(ma.factors.fatigue, -1); // fatigue_score 58 on D2
    }
  });

  it('grades against the actuals: correct / incorrect, NULL for PASS, NO_LINE and a push, DNP voided', async () => {
    const [preds, acc] = [await env.rows('nba_predictions.player_prop_predictions', fx.D2), await env.rows('nba_predictions.prediction_accuracy', fx.D2)];
    assert.equal(acc.length, preds.length);
    const actual = new Map(fx.summaryRows(fx.D2).map((r) => [r.player_lookup as string, r]));
    let decided = 0;
    for (const a of acc) {
      const p = preds.find((x) => x.player_lookup === a.player_lookup && x.system_id === a.system_id)!;
      const box = actual.get(a.player_lookup)!;
      assert.equal(a.predicted_points, p.predicted_points);
      assert.equal(a.points_line, p.current_points_line);
      if (a.player_lookup === fx.SPECIAL.dnpOnD2) {
        assert.deepEqual([a.is_voided, a.void_reason, a.actual_points, a.prediction_correct, a.absolute_error], [true, 'DNP', null, null, null]);
        continue;
      }
      assert.equal(a.is_voided, false);
      assert.equal(a.actual_points, box.points);
      assert.equal(a.signed_error, round(p.predicted_points - (box.points as number), 2));
      assert.equal(a.absolute_error, Math.abs(a.signed_error));
      assert.equal(a.within_3_points, a.absolute_error <= 3);
      assert.equal(a.within_5_points, a.absolute_error <= 5);
      const line = p.current_points_line;
      if (p.recommendation === 'OVER' || p.recommendation === 'UNDER') {
        if (box.points === line) assert.equal(a.prediction_correct, null, 'push');
        else {
          decided++;
          assert.equal(a.prediction_correct, p.recommendation === 'OVER' ? (box.points as number) > line : (box.points as number) < line);
        }
      } else assert.equal(a.prediction_correct, null);
    }
    assert.ok(decided > 10);
    const push = acc.filter((a) => a.player_lookup === fx.SPECIAL.push && (a.recommendation === 'OVER' || a.recommendation === 'UNDER'));
    assert.ok(push.length > 0 && push.every((a) => a.prediction_correct === null && a.actual_points === a.points_line), 'the push is never right or wrong');
  });

  it('summarizes each system for the date and over the window', async () => {
    const acc = [...(await env.rows('nba_predictions.prediction_accuracy', fx.D1)), ...(await env.rows('nba_predictions.prediction_accuracy', fx.D2))];
    const perf = await env.rows('nba_predictions.system_daily_performance', fx.D2);
    assert.deepEqual(perf.map((p) => p.system_id).sort(), ['ensemble', 'moving_average', 'similarity', 'zone_matchup']);
    const stats = (rows: Any[]) => {
      const graded = rows.filter((r) => !r.is_voided);
      const correct = rows.filter((r) => r.prediction_correct === true).length;
      const incorrect = rows.filter((r) => r.prediction_correct === false).length;
      return {
        predictions: rows.length, graded: graded.length, voided: rows.length - graded.length, correct, incorrect,
        win_rate: correct + incorrect ? round(correct / (correct + incorrect), 4) : null,
        mae: round(graded.reduce((s, r) => s + r.absolute_error, 0) / graded.length, 3),
        bias: round(graded.reduce((s, r) => s + r.signed_error, 0) / graded.length, 3),
      };
    };
    for (const p of perf) {
      const today = stats(acc.filter((a) => a.system_id === p.system_id && a.game_date === fx.D2));
      const run = stats(acc.filter((a) => a.system_id === p.system_id));
      assert.deepEqual({ predictions: p.predictions, graded: p.graded, voided: p.voided, correct: p.correct, incorrect: p.incorrect, win_rate: p.win_rate, mae: p.mae, bias: p.bias }, today, p.system_id);
      assert.deepEqual({ predictions: p.running_predictions, graded: p.running_graded, correct: p.running_correct, win_rate: p.running_win_rate, mae: p.running_mae, bias: p.running_bias },
        { predictions: run.predictions, graded: run.graded, correct: run.correct, win_rate: run.win_rate, mae: run.mae, bias: run.bias }, p.system_id);
      assert.equal(p.voided, 1); // the DNP
      assert.equal(p.running_predictions, 2 * fx.featured.length);
    }
  });

  it('publishes every file and document, each valid against its schema, with short cache lifetimes', () => {
    const { objects, docs } = published(env);
    const players = fx.featured.map((f) => f.player);
    const games = [...fx.gamesOn(fx.D1), ...fx.gamesOn(fx.D2)].map((g) => `games/${g.gameId}`);
    const wantObjects = [
      ...[fx.D1, fx.D2].flatMap((d) => [`v1/predictions/${d}.json`, `v1/best-bets/${d}.json`, `v1/results/${d}.json`]),
      'v1/tonight/all-players.json', ...players.map((p) => `v1/players/${p}.json`),
    ].sort();
    assert.deepEqual([...objects.keys()].sort(), wantObjects);
    assert.deepEqual([...docs.keys()].sort(), [`predictions/daily/${fx.D1}`, `predictions/daily/${fx.D2}`, ...games, ...players.map((p) => `players/${p}`)].sort());
    for (const [p, text] of objects) assert.deepEqual(publishedErrors(kindOfObject(p), JSON.parse(text)), [], p);
    for (const [p, text] of docs) assert.deepEqual(publishedErrors(kindOfDoc(p), JSON.parse(text)), [], p);
    for (const p of objects.keys()) {
      const meta = JSON.parse(readFileSync(path.join(env.backends.objects.root, 'object-meta', API_BUCKET, `${p}.json`), 'utf8'));
      assert.equal(meta.cacheControl, 'public, max-age=300', p);
      assert.equal(meta.contentType, 'application/json');
    }
    // The latest pointers belong to today (D2).
    assert.equal(JSON.parse(objects.get('v1/tonight/all-players.json')!).game_date, fx.D2);
    assert.equal(JSON.parse(docs.get(`players/${players[0]}`)!).game_date, fx.D2);
  });

  it("re-exporting an earlier date leaves today's latest pointers alone", async () => {
    const beforeFiles = published(env);
    const entries = await env.run('export_predictions', fx.D1, { force: true });
    assert.deepEqual(succeeded(entries, 'export_predictions')[0]!.reasons, [UNCHANGED]);
    const afterFiles = published(env);
    assert.deepEqual(changedKeys(beforeFiles.objects, afterFiles.objects), []);
    assert.deepEqual(changedKeys(beforeFiles.docs, afterFiles.docs), []);
  });

  it('shapes predictions, best bets and results from the rows', async () => {
    const { objects } = published(env);
    const preds = await env.rows('nba_predictions.player_prop_predictions', fx.D2);
    const file = JSON.parse(objects.get(`v1/predictions/${fx.D2}.json`)!);
    assert.equal(file.games.length, 4);
    assert.equal(file.totals.players, fx.featured.length);
    assert.equal(file.totals.predictions, preds.length);
    for (const g of file.games) {
      const game = fx.gamesOn(fx.D2).find((x) => x.gameId === g.game_id)!;
      assert.deepEqual([g.home_team, g.away_team], [game.home, game.away]);
      for (const p of g.predictions) {
        const ens = preds.find((r) => r.player_lookup === p.player_lookup && r.system_id === 'ensemble')!;
        assert.deepEqual(p.prediction, { points: ens.predicted_points, confidence: ens.confidence, recommendation: ens.recommendation, line: ens.current_points_line, edge: ens.line_margin, reason: ens.recommendation_reason });
        assert.equal(p.systems.length, 4);
      }
    }
    const bets = JSON.parse(objects.get(`v1/best-bets/${fx.D2}.json`)!);
    assert.ok(bets.picks.length > 0);
    bets.picks.forEach((b: Any, i: number) => {
      assert.equal(b.rank, i + 1);
      assert.ok(Math.abs(b.edge) > 2 && b.confidence > 45 && b.direction === (b.edge > 0 ? 'OVER' : 'UNDER'));
      assert.ok(b.reasons.length >= 2);
      if (i > 0) assert.ok(Math.abs(bets.picks[i - 1].edge) * bets.picks[i - 1].confidence >= Math.abs(b.edge) * b.confidence);
    });
    const results = JSON.parse(objects.get(`v1/results/${fx.D2}.json`)!);
    const perf = await env.rows('nba_predictions.system_daily_performance', fx.D2);
    const ens = perf.find((p) => p.system_id === 'ensemble')!;
    assert.deepEqual(results.summary, { total: ens.predictions, graded: ens.graded, voided: ens.voided, correct: ens.correct, incorrect: ens.incorrect, win_rate: ens.win_rate, mae: ens.mae, bias: ens.bias });
    assert.equal(results.results.length, fx.featured.length);
    assert.deepEqual(results.systems.map((s: Any) => s.system_id), ['moving_average', 'zone_matchup', 'similarity', 'ensemble']);
    assert.equal(results.systems[3].running.predictions, 2 * fx.featured.length);
  });

  it('re-running with identical inputs writes identical bytes and no new version', async () => {
    const beforeFiles = published(env);
    const entries: LogEntry[] = [];
    for (const p of ['player_points_predictions', 'prediction_grading', 'system_performance', 'export_predictions', 'export_results']) entries.push(...(await env.run(p, fx.D2, { force: true })));
    for (const p of ['player_points_predictions', 'prediction_grading', 'system_performance', 'export_predictions', 'export_results']) {
      const s = succeeded(entries, p);
      assert.equal(s.length, 1, p);
      assert.deepEqual(s[0]!.reasons, [UNCHANGED], p);
    }
    assert.equal(entries.filter((e) => e.event === 'run:started').length, 5, 'nothing downstream ran');
    const afterFiles = published(env);
    assert.deepEqual(changedKeys(beforeFiles.objects, afterFiles.objects), []);
    assert.deepEqual(changedKeys(beforeFiles.docs, afterFiles.docs), []);
  });

  it("a scoped run (one player) changes only that player's prediction and published entries", async () => {
    const P = fx.SPECIAL.scoped;
    const game = (await env.rows('nba_predictions.player_prop_predictions', fx.D2)).find((r) => r.player_lookup === P)!.game_id;
    const beforeRows = await env.rows('nba_predictions.player_prop_predictions', fx.D2);
    const beforeAcc = await env.rows('nba_predictions.prediction_accuracy', fx.D2);
    const beforeFiles = published(env);
    tweaks = { [P]: { points_avg_last_5: 6, points_avg_last_10: 4 } };
    const entries = await env.run('ml_feature_store_v2', fx.D2, { force: true });
    tweaks = {};

    const pred = succeeded(entries, 'player_points_predictions');
    assert.equal(pred.length, 1);
    assert.equal(pred[0]!.scope, `player:${P}`);
    assert.deepEqual(succeeded(entries, 'prediction_grading').map((e) => e.scope), [`player:${P}`]);
    assert.equal(succeeded(entries, 'export_predictions').length, 1);
    const version = await env.backends.state.get<PartitionVersion>('versions', `nba_predictions.player_prop_predictions|${fx.D2}`);
    assert.deepEqual(version?.changedEntities?.player, [P]);

    const afterRows = await env.rows('nba_predictions.player_prop_predictions', fx.D2);
    const key = (r: Any) => `${r.system_id}|${r.player_lookup}`;
    const by = (rows: Any[]) => new Map(rows.map((r) => [key(r), JSON.stringify(r)]));
    const [b, a] = [by(beforeRows), by(afterRows)];
    const changedRows = changedKeys(b, a);
    assert.ok(changedRows.length > 0 && changedRows.every((k) => k.endsWith(`|${P}`)), changedRows.join(','));
    assert.ok(afterRows.find((r) => r.player_lookup === P && r.system_id === 'moving_average')!.predicted_points > beforeRows.find((r) => r.player_lookup === P && r.system_id === 'moving_average')!.predicted_points);
    const accChanged = changedKeys(by(beforeAcc), by(await env.rows('nba_predictions.prediction_accuracy', fx.D2)));
    assert.ok(accChanged.every((k) => k.endsWith(`|${P}`)), accChanged.join(','));

    const afterFiles = published(env);
    const objChanged = changedKeys(beforeFiles.objects, afterFiles.objects);
    const allowed = new Set([`v1/predictions/${fx.D2}.json`, `v1/best-bets/${fx.D2}.json`, 'v1/tonight/all-players.json', `v1/players/${P}.json`, `v1/results/${fx.D2}.json`]);
    assert.ok(objChanged.includes(`v1/players/${P}.json`) && objChanged.includes(`v1/predictions/${fx.D2}.json`), objChanged.join(','));
    assert.deepEqual(objChanged.filter((p) => !allowed.has(p)), []);
    const docChanged = changedKeys(beforeFiles.docs, afterFiles.docs);
    assert.ok(docChanged.includes(`players/${P}`), docChanged.join(','));
    assert.deepEqual(docChanged.filter((p) => ![`predictions/daily/${fx.D2}`, `games/${game}`, `players/${P}`].includes(p)), []);
    for (const [p, text] of afterFiles.objects) assert.deepEqual(publishedErrors(kindOfObject(p), JSON.parse(text)), [], p);
  });
});
