// Incremental updates on the NBA reference pipeline, end to end. One game date with 7+ games runs the
// full cascade after ten days of history — without BigDataBall, and with one game's nba.com
// play-by-play missing (it 404s once) — then three late changes arrive, each run from its scrapers:
//   (b) a corrected box score reaches grading and the published results (run first: the injury flip
//       re-simulates the flipped player's game, which a later gamebook re-scrape would also pick up);
//   (a) an injury flip (a player with a line → Out at 14:00, the injury report re-scraped) recomputes
//       only that player downstream and changes his published prediction;
//   (c) BigDataBall arrives late: the play-by-play of the game nba.com lacked reruns phase 3 and what
//       depends on it, once each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StageEpoch } from '../../engine/core/types.js';
import { waveGraph } from '../../engine/core/waves.js';
import type { LogEntry, Row } from '../../engine/ports.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { pickDemoDates } from '../../processors/demo/dates.js';
import { publishedErrors } from '../../processors/publishing/validate.js';
import { processorsOf, tableRows, type NbaEnv } from '../processors/support.js';
import { apiBucket, failuresOf, parseScope, publishedJson, SEED, startE2eEnv, startsByProcessor } from './support.js';

const [D] = pickDemoDates(SEED, { days: 1 }) as [string];
const HISTORY_DAYS = 10;
const BDB_SCRAPER = 'scrape_bdb_play_by_play';

let nba: NbaEnv;
let first: LogEntry[] = [];
/** The game whose nba.com play-by-play never arrived. */
let gameWithoutPbp: string;

const rows = (table: string) => tableRows(nba, table, D);
const ensembleOf = async () => (await rows('nba_predictions.player_prop_predictions')).filter((r) => r.system_id === 'ensemble');
const byPlayer = (rs: Row[]) => new Map(rs.map((r) => [`${r.system_id ?? ''}|${r.player_lookup}`, r] as const));
const playerLevel = (name: string) => nba.plan.processors.get(name)!.scopes.length > 0;

async function playerPages(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of await nba.local.backends.objects.list(apiBucket(nba), 'v1/players/')) out.set(p, (await nba.local.backends.objects.get(apiBucket(nba), p))!.body.toString('utf8'));
  return out;
}

type Entry = { player_lookup: string; injury_status: string | null; prediction: { recommendation: string; reason: string | null; points: number } };
const entriesOf = (file: Record<string, any>): Entry[] => file.games.flatMap((g: { predictions: Entry[] }) => g.predictions);

describe(`NBA incremental updates on ${D}`, () => {
  before(async () => {
    const env = await startE2eEnv({ today: D, firstDate: D, historyDays: HISTORY_DAYS });
    nba = env.nba;
    assert.deepEqual(failuresOf(env.history), []);
    nba.source.control.failNext({ path: '/nba-com/play-by-play', count: 1, status: 404 });
    first = await runCascade(nba.local, { dates: [D], processors: processorsOf(nba.plan, 'scrapers').filter((s) => s !== BDB_SCRAPER) });
    const schedule = await rows('nba_raw.nbac_schedule');
    const withPbp = new Set((await rows('nba_raw.nbac_play_by_play')).map((r) => String(r.game_id)));
    const lacking = schedule.map((g) => String(g.game_id)).filter((g) => !withPbp.has(g));
    assert.equal(lacking.length, 1, 'one game has no nba.com play-by-play');
    gameWithoutPbp = lacking[0]!;
  });

  after(async () => {
    await nba?.cleanup();
  });

  it('the first run published predictions without BigDataBall', async () => {
    assert.deepEqual(failuresOf(first), []);
    assert.equal((await rows('nba_raw.bigdataball_play_by_play')).length, 0);
    assert.ok((await ensembleOf()).length >= 100);
    assert.ok(await publishedJson(nba, `v1/predictions/${D}.json`));
  });

  it('(b) a corrected box score reaches the box scores, grading and the published results — not the pre-game predictions', async () => {
    const pgs = await rows('nba_analytics.player_game_summary');
    const ensemble = await ensembleOf();
    const target = ensemble
      .map((e) => pgs.find((p) => p.player_lookup === e.player_lookup)!)
      .filter((p) => p.played && Number(p.points) >= 5 && p.game_id !== gameWithoutPbp)
      .sort((a, b) => String(a.player_lookup).localeCompare(String(b.player_lookup)))[0]!;
    const player = String(target.player_lookup);
    const corrected = Number(target.points) + 3;
    const resultsBefore = (await publishedJson(nba, `v1/results/${D}.json`))!;
    const predictionsBefore = await rows('nba_predictions.player_prop_predictions');
    const offenseBefore = await rows('nba_analytics.team_offense_game_summary');

    nba.source.control.correctBoxScore({ date: D, game_id: String(target.game_id), player_lookup: player, points: corrected });
    const log = await runCascade(nba.local, { dates: [D], processors: ['scrape_nbac_gamebook', 'scrape_nbac_player_boxscore', 'scrape_nbac_team_boxscore'] });
    assert.deepEqual(failuresOf(log), []);
    await assertStageFinished(log);

    const gamebook = (await rows('nba_raw.nbac_gamebook_player_stats')).find((r) => r.player_lookup === player)!;
    assert.equal(gamebook.points, corrected, 'the gamebook has the corrected points');
    assert.equal((await rows('nba_analytics.player_game_summary')).find((r) => r.player_lookup === player)!.points, corrected);
    // The team totals of both sides: his team scored 3 more, the opponent allowed 3 more (the opponent's
    // defense row depends on his team's box score: team summaries are scoped by game, not by team).
    const teamBefore = offenseBefore.find((o) => o.game_id === target.game_id && o.team_abbr === target.team_abbr)!;
    const offense = (await rows('nba_analytics.team_offense_game_summary')).find((o) => o.game_id === target.game_id && o.team_abbr === target.team_abbr)!;
    const defense = (await rows('nba_analytics.team_defense_game_summary')).find((x) => x.game_id === target.game_id && x.opponent_team_abbr === target.team_abbr)!;
    assert.equal(offense.points, Number(teamBefore.points) + 3);
    assert.equal(defense.points_allowed, offense.points, `${defense.defending_team_abbr} allowed the corrected points`);
    const graded = (await rows('nba_predictions.prediction_accuracy')).filter((r) => r.player_lookup === player);
    assert.ok(graded.length >= 4);
    for (const g of graded) {
      assert.equal(g.actual_points, corrected, `${g.system_id} graded against the corrected points`);
      assert.ok(Math.abs(Number(g.absolute_error) - Math.abs(Number(g.predicted_points) - corrected)) <= 0.011);
    }
    // The predictions were made before the game: a box score correction regrades them, it does not change them.
    assert.deepEqual(await rows('nba_predictions.player_prop_predictions'), predictionsBefore);

    const results = (await publishedJson(nba, `v1/results/${D}.json`))!;
    assert.deepEqual(publishedErrors('results', results), []);
    const actualOf = (file: Record<string, any>, p: string) => file.results.find((r: { player_lookup: string }) => r.player_lookup === p)?.actual;
    assert.equal(actualOf(resultsBefore, player), corrected - 3);
    assert.equal(actualOf(results, player), corrected, "the published results show the player's corrected points");
    const changed = results.results.filter((r: { player_lookup: string; actual: number | null }) => r.actual !== actualOf(resultsBefore, r.player_lookup)).map((r: { player_lookup: string }) => r.player_lookup);
    assert.deepEqual(changed, [player], "no other player's actual points changed");
  });

  it("(a) an injury flip recomputes only that player downstream and changes his published prediction", async () => {
    const contexts = await rows('nba_analytics.upcoming_player_game_context');
    const target = (await ensembleOf())
      .filter((r) => r.current_points_line !== null && (r.recommendation === 'OVER' || r.recommendation === 'UNDER') && r.injury_status === 'Available' && r.game_id !== gameWithoutPbp)
      .sort((a, b) => String(a.player_lookup).localeCompare(String(b.player_lookup)))[0]!;
    const player = String(target.player_lookup);
    const team = String(target.team_abbr);
    const game = String(target.game_id);
    const predictionsBefore = byPlayer(await rows('nba_predictions.player_prop_predictions'));
    const pagesBefore = await playerPages();
    const fileBefore = (await publishedJson(nba, `v1/predictions/${D}.json`))!;
    assert.ok(pagesBefore.has(`v1/players/${player}.json`), 'his page was published (today is the test date)');
    assert.equal(contexts.find((c) => c.player_lookup === player)!.injury_status, 'Available');

    nba.source.control.flipInjury({ date: D, player_lookup: player, from: '14:00', status: 'Out', reason: 'Injury/Illness - Left Ankle; Sprain' });
    const log = await runCascade(nba.local, { dates: [D], processors: ['scrape_nbac_injury_report'] });
    assert.deepEqual(failuresOf(log), []);
    await assertStageFinished(log);

    const changedOf = (e: LogEntry) => (e.changedEntities ?? {}) as Record<string, string[]>;
    const raw = log.find((e) => e.event === 'run:succeeded' && e.processor === 'nbac_injury_report_processor')!;
    assert.ok(changedOf(raw).player?.includes(player), 'the injury report changed for the player');
    const mine: Record<string, string> = { player, team, game };
    const started = log.filter((e) => e.event === 'run:started' && phaseOf(e) >= 3);
    assert.ok(started.length > 0);
    for (const e of started) {
      const s = parseScope(e.scope);
      if (playerLevel(e.processor!)) assert.ok(s, `${e.processor} (player-level) did not run for the whole date`);
      // Phase 3 reads the new report snapshot, which lists every injured player again: its runs cover
      // the players (teams) of that snapshot. From phase 4 on, only the flipped player (his team) is run.
      if (phaseOf(e) >= 4 && s) assert.deepEqual([s.ids, s.more], [[mine[s.kind]], 0], `${e.processor} ran for ${e.scope}, expected ${s.kind}:${mine[s.kind]}`);
    }
    // Whatever ran changed only his rows (his team's and game's, for team-level tables).
    for (const e of log.filter((x) => x.event === 'run:succeeded' && phaseOf(x) >= 3 && playerLevel(x.processor!))) {
      for (const [kind, ids] of Object.entries(changedOf(e))) assert.deepEqual(ids, [mine[kind]], `${e.processor} changed ${kind}s ${ids.join(', ')}`);
    }
    for (const e of log.filter((x) => x.event.startsWith('skip:'))) assert.ok(e.event === 'skip:duplicate' || e.event === 'skip:redelivered', `${e.processor}: ${e.event} ${e.reasons?.join('; ')}`);
    // Glitch-free: each affected processor ran once, and only after everything upstream of it had settled.
    const runsOf = new Map<string, number>();
    for (const e of log.filter((x) => x.event === 'run:started')) runsOf.set(e.processor!, (runsOf.get(e.processor!) ?? 0) + 1);
    assert.deepEqual([...runsOf].filter(([, n]) => n > 1), [], 'no processor ran twice for one update');
    const upstream = waveGraph(nba.plan).upstream;
    const at = (event: string, p: string) => log.findIndex((x) => x.event === event && x.processor === p);
    for (const p of runsOf.keys())
      for (const u of upstream.get(p)!) if (runsOf.has(u)) assert.ok(at('run:succeeded', u) < at('run:started', p), `${p} started before ${u} (upstream) finished`);

    assert.equal((await rows('nba_analytics.upcoming_player_game_context')).find((c) => c.player_lookup === player)!.injury_status, 'Out');
    const predictions = await rows('nba_predictions.player_prop_predictions');
    for (const r of predictions) {
      const before = predictionsBefore.get(`${r.system_id}|${r.player_lookup}`);
      if (r.player_lookup === player) assert.deepEqual([r.recommendation, r.recommendation_reason, r.injury_status], ['PASS', 'player_out', 'Out'], `${r.system_id} for ${player}`);
      else assert.deepEqual(r, before, `${r.system_id}/${r.player_lookup} unchanged`);
    }

    const page = (await publishedJson(nba, `v1/players/${player}.json`))!;
    assert.deepEqual(publishedErrors('player', page), []);
    const pageBefore = JSON.parse(pagesBefore.get(`v1/players/${player}.json`)!) as Record<string, any>;
    assert.deepEqual([pageBefore.injury_status, pageBefore.prediction.recommendation], ['Available', target.recommendation]);
    assert.deepEqual([page.injury_status, page.prediction.recommendation, page.prediction.reason], ['Out', 'PASS', 'player_out'], 'his published page changed');
    const pages = await playerPages();
    for (const [p, body] of pages) if (p !== `v1/players/${player}.json`) assert.equal(body, pagesBefore.get(p), `${p} untouched`);

    const file = (await publishedJson(nba, `v1/predictions/${D}.json`))!;
    assert.deepEqual(publishedErrors('predictions', file), []);
    const before = new Map(entriesOf(fileBefore).map((e) => [e.player_lookup, e] as const));
    for (const e of entriesOf(file)) {
      if (e.player_lookup === player) assert.deepEqual([e.injury_status, e.prediction.recommendation], ['Out', 'PASS'], 'his entry in the predictions file changed');
      else assert.deepEqual(e, before.get(e.player_lookup), `${e.player_lookup}'s entry unchanged`);
    }
  });

  it('(c) late BigDataBall play-by-play reruns phase 3 and what depends on it exactly once', async () => {
    const playersOfGame = (await rows('nba_analytics.player_game_summary')).filter((r) => r.game_id === gameWithoutPbp && r.played);
    assert.ok(playersOfGame.length > 0);
    for (const r of playersOfGame) assert.equal(r.paint_fga, null, `${r.player_lookup}: no zones without play-by-play`);

    const log = await runCascade(nba.local, { dates: [D], processors: [BDB_SCRAPER] });
    assert.deepEqual(failuresOf(log), []);
    await assertStageFinished(log);
    const starts = startsByProcessor(log, D);
    for (const [p, n] of starts) assert.equal(n, 1, `${p} ran ${n} times`);
    for (const p of [BDB_SCRAPER, 'bigdataball_pbp_processor', 'team_defense_game_summary', 'player_game_summary', 'prediction_grading'])
      assert.equal(starts.get(p), 1, `${p} ran once`);
    // The phase 3 → 4 gate refires for the changed players; phase 4 reads only earlier dates of the
    // player summary, so whatever of it ran was scoped to that game's players and teams and changed nothing.
    const game = (await rows('nba_analytics.player_game_summary')).filter((r) => r.game_id === gameWithoutPbp);
    const ofGame: Record<string, Set<string>> = { player: new Set(game.map((r) => String(r.player_lookup))), team: new Set(game.map((r) => String(r.team_abbr))), game: new Set([gameWithoutPbp]) };
    for (const e of log.filter((x) => x.event === 'run:started' && phaseOf(x) === 4)) {
      const s = parseScope(e.scope);
      assert.ok(s && s.ids.every((id) => ofGame[s.kind]!.has(id)), `${e.processor} ran for ${e.scope}, within game ${gameWithoutPbp}`);
    }
    for (const e of log.filter((x) => x.event === 'run:succeeded' && phaseOf(x) >= 4)) assert.deepEqual(e.reasons, ['content unchanged: no new version, no event'], `${e.processor} changed nothing`);
    assert.deepEqual(log.filter((e) => e.event === 'run:started' && phaseOf(e) === 6).map((e) => e.processor), [], 'nothing to republish: grading is unchanged (zones do not change points)');

    const after = (await rows('nba_analytics.player_game_summary')).filter((r) => r.game_id === gameWithoutPbp && r.played);
    for (const r of after) {
      assert.match(String(r.data_sources), /bdb_pbp/, `${r.player_lookup} draws on BigDataBall`);
      assert.equal(Number(r.paint_fga) + Number(r.mid_fga) + Number(r.three_fga), r.fga, `${r.player_lookup}: zones from BigDataBall add up to FGA`);
    }
    // Running the same scraper again changes nothing and runs nothing downstream.
    const again = await runCascade(nba.local, { dates: [D], processors: [BDB_SCRAPER] });
    assert.deepEqual([...startsByProcessor(again, D).keys()], [BDB_SCRAPER]);
  });
});

/** The precompute stage went through all its levels for the epoch the update opened (no level left unrequested). */
async function assertStageFinished(log: LogEntry[]) {
  const epoch = await nba.local.backends.state.get<StageEpoch>('stage_epochs', `precompute|${D}`);
  const levels = nba.plan.stages.get('precompute')!.levels.length;
  assert.equal(epoch?.level, levels, `stage precompute epoch ${epoch?.epoch} stopped at level ${epoch?.level}`);
  assert.ok(log.some((e) => e.event === 'stage:done' && (e.detail as { epoch?: number }).epoch === epoch!.epoch), `stage:done for epoch ${epoch!.epoch}`);
}

function phaseOf(e: LogEntry): number {
  return nba.plan.processors.get(e.processor!)!.phaseNumber;
}
