// `npm run demo`: the NBA reference pipeline end to end on the embedded default. Starts the sample
// source on a free loopback port, backfills two weeks of history through analytics, runs scrapers and
// the full six-phase cascade for three consecutive game dates, prints per-phase summaries and the
// published files, then flips one player's injury status and shows the incremental update reaching
// the published files with only that player's game recomputed. Stops everything it started.
//
// The engine's clock starts at noon ET of the last date: the publishers move the "latest" pointers
// (v1/tonight/, v1/players/) only for today's date.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { loadPlan, renderDiagnostics } from '../engine/spec/index.js';
import { openLocalEngine, type LocalEngine } from '../engine/runtime/local.js';
import { removeServiceRecord, writeServiceRecord } from '../engine/devkit/services.js';
import { runCascade } from '../engine/runtime/cascade.js';
import type { LogEntry, Row } from '../engine/ports.js';
import type { Plan, TablePlan } from '../engine/spec/plan.js';
import { startSampleSource, type SampleSource } from './sample-source/index.js';
import { DEFAULT_SEED } from './sample-source/service.js';
import { gameDayClock } from './demo/clock.js';
import { historyDates, pickDemoDates } from './demo/dates.js';
import { failureLines, flipReach, incrementalRuns, phaseSummary, type PlayerPick, summarizePrediction, waveCheck } from './demo/report.js';

const SEED = DEFAULT_SEED;
/** The sample source's name under local.services in pipeline.yaml. */
const SERVICE = 'sample_source';
const HISTORY_DAYS = 14;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = (s = '') => process.stdout.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function main(): Promise<number> {
  const started = Date.now();
  const loaded = loadPlan(path.join(root, 'pipeline.yaml'), { displayName: 'pipeline.yaml', checkModules: true });
  if (!loaded.plan) {
    process.stderr.write(`${renderDiagnostics(loaded.diagnostics, { sources: { 'pipeline.yaml': loaded.text ?? '' } })}\n`);
    return 1;
  }
  const plan = loaded.plan;
  // The CLI's state folder: `pipeline status`, `explain` and `run` see what the demo did.
  // A fresh state, but the records of services left running (`npm run source`) are kept.
  const dir = path.resolve(process.env.PIPELINE_DIR ?? path.join(root, '.pipeline'));
  for (const entry of existsSync(dir) ? readdirSync(dir) : []) if (entry !== 'services') rmSync(path.join(dir, entry), { recursive: true, force: true });
  let source: SampleSource | undefined;
  let local: LocalEngine | undefined;
  let failed = 0;
  try {
    source = await startSampleSource({ seed: SEED, port: 0 });
    // While the demo runs, other commands find its source here (and start their own once it stopped).
    writeServiceRecord(dir, SERVICE, source.url);
    const env = { ...process.env, SOURCE_BASE_URL: source.url };
    const dates = pickDemoDates(SEED);
    const last = dates[dates.length - 1]!;
    local = await openLocalEngine({ plan, dir, env, clock: gameDayClock(last) });
    out(`pipeline demo — ${plan.name} (spec ${plan.specHash}), sample source ${source.url} (seed ${SEED}), state in ${path.relative(root, dir)}`);
    out(`the engine's clock reads 12:00 ET on ${last}: that date is "today" for the publishers`);

    const history = historyDates(dates[0]!, HISTORY_DAYS);
    out(`\n1. Backfill ${history[0]}..${history[history.length - 1]} through analytics (history for the rolling windows of phase 4)`);
    const t0 = Date.now();
    const hist = await withProgress(history, 'backfill', (onDateDone) =>
      runCascade(local!, { dates: history, backfill: { mode: true, reason: 'demo history', stopAfter: 'analytics' }, onlyIfNotDone: true, onDateDone }),
    );
    out(phaseSummary(plan, hist));
    out(`  ${history.length} dates in ${secs(Date.now() - t0)}`);
    failed += printFailures(hist);

    out(`\n2. Scrapers and the full six-phase cascade for ${dates.join(', ')}`);
    const t1 = Date.now();
    const daily = await withProgress(dates, 'cascade ', (onDateDone) => runCascade(local!, { dates, onDateDone }));
    const cascadeMs = Date.now() - t1;
    out(phaseSummary(plan, daily));
    out(`  ${dates.length} dates in ${secs(cascadeMs)}`);
    failed += printFailures(daily);

    const bucket = bucketOf(plan);
    const published = await local.backends.objects.list(bucket, 'v1/');
    const docs = (await Promise.all(['predictions/daily', 'games', 'players'].map((c) => local!.backends.documents.list(c)))).flat();
    out(`\n3. Published: ${published.length} objects in bucket ${bucket}, ${docs.length} documents`);
    const shown = (p: string) => path.relative(root, path.join(dir, 'objects', bucket, p));
    for (const p of published.filter((x) => !x.startsWith('v1/players/'))) out(`  ${shown(p)}`);
    const pages = published.filter((x) => x.startsWith('v1/players/'));
    if (pages.length) out(`  ${shown(pages[0]!)} … and ${pages.length - 1} more player pages (today's players)`);
    out(`  documents under ${path.relative(root, path.join(dir, 'documents'))}: ${['predictions/daily', 'games', 'players'].map((c) => `${docs.filter((d) => d.startsWith(`${c}/`)).length} in ${c}/`).join(', ')}`);

    const pick = await pickPlayer(local, plan, last);
    if (!pick) {
      out(`\n4. No player with a line and an OVER/UNDER call on ${last}: skipping the injury flip.`);
      return failed ? 1 : 0;
    }
    out(`\n4. Injury flip: ${pick.player} (${pick.team}, game ${pick.game}) is ruled Out at 14:00 ET on ${last}; re-scraping the injury report`);
    const pageBefore = await readObject(local, bucket, `v1/players/${pick.player}.json`);
    const fileBefore = await readObject(local, bucket, `v1/predictions/${last}.json`);
    source.control.flipInjury({ date: last, player_lookup: pick.player, from: '14:00', status: 'Out', reason: 'Injury/Illness - Left Ankle; Sprain' });
    const t2 = Date.now();
    const inc = await runCascade(local, { dates: [last], processors: ['scrape_nbac_injury_report'] });
    const incMs = Date.now() - t2;
    failed += printFailures(inc);
    const runs = inc.filter((e) => e.event === 'run:started');
    out(`  ${runs.length} runs in ${secs(incMs)} (the full cascade took about ${secs(cascadeMs / dates.length)} per date):`);
    for (const line of incrementalRuns(plan, inc)) out(`  ${line}`);
    const wave = waveCheck(plan, inc);
    out(`  ${wave.line}`);
    if (!wave.ok) failed++;
    const { changedPlayers, laterScopes } = flipReach(plan, inc);
    out('  The new report snapshot lists every injured player again, so phase 3 re-reads the players (teams) it lists;');
    out(`  rows changed for player(s): ${changedPlayers.join(', ') || 'none'}; scopes from phase 4 on: ${laterScopes.join(', ')}.`);
    const pageAfter = await readObject(local, bucket, `v1/players/${pick.player}.json`);
    out(`  v1/players/${pick.player}.json: ${summarizePrediction(pageBefore)}  →  ${summarizePrediction(pageAfter)}`);
    const fileAfter = await readObject(local, bucket, `v1/predictions/${last}.json`);
    const changedEntries = diffEntries(fileBefore, fileAfter);
    out(`  v1/predictions/${last}.json: entries changed: ${changedEntries.changed.join(', ') || 'none'}; ${changedEntries.same} other entries unchanged`);
    return failed ? 1 : 0;
  } finally {
    await local?.close();
    removeServiceRecord(dir, SERVICE);
    await source?.close();
    out(`\nstopped the sample source and the engine; demo wall time ${secs(Date.now() - started)}.`);
  }
}

function printFailures(log: LogEntry[]): number {
  const lines = failureLines(log);
  for (const l of lines) out(`  FAILED ${l}`);
  return lines.length;
}

async function withProgress(dates: string[], label: string, run: (onDateDone: () => void) => Promise<LogEntry[]>): Promise<LogEntry[]> {
  const bar = new SingleBar({ format: `  ${label} [{bar}] {value}/{total} dates | {duration_formatted} elapsed | ETA {eta_formatted}`, noTTYOutput: false, stream: process.stderr, hideCursor: true });
  bar.start(dates.length, 0);
  try {
    return await run(() => bar.increment());
  } finally {
    bar.stop();
  }
}

function bucketOf(plan: Plan): string {
  const a = plan.assets.get('objects/api_predictions');
  return a?.kind === 'objects' ? a.bucket : 'api';
}

async function readObject(local: LocalEngine, bucket: string, p: string): Promise<Record<string, unknown> | undefined> {
  const o = await local.backends.objects.get(bucket, p);
  return o ? (JSON.parse(o.body.toString('utf8')) as Record<string, unknown>) : undefined;
}

/** The highest-scoring player of the date with a line and an OVER/UNDER call (so the flip visibly changes it). */
async function pickPlayer(local: LocalEngine, plan: Plan, date: string): Promise<PlayerPick | undefined> {
  const t = plan.assets.get('nba_predictions.player_prop_predictions') as TablePlan | undefined;
  if (!t) return undefined;
  const rows: Row[] = await local.backends.warehouse.read(t, { partitions: [date] });
  const best = rows
    .filter((r) => r.system_id === 'ensemble' && typeof r.current_points_line === 'number' && (r.recommendation === 'OVER' || r.recommendation === 'UNDER') && r.injury_status !== 'Out')
    .sort((a, b) => Number(b.predicted_points) - Number(a.predicted_points) || String(a.player_lookup).localeCompare(String(b.player_lookup)))[0];
  return best ? { player: String(best.player_lookup), team: String(best.team_abbr), game: String(best.game_id) } : undefined;
}

type FileEntry = { player_lookup: string };

function diffEntries(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): { changed: string[]; same: number } {
  const entries = (f: Record<string, unknown> | undefined) =>
    new Map(((f?.games ?? []) as Array<{ predictions: FileEntry[] }>).flatMap((g) => g.predictions).map((e) => [e.player_lookup, JSON.stringify(e)] as const));
  const b = entries(before);
  const a = entries(after);
  const changed = [...a].filter(([p, e]) => b.get(p) !== e).map(([p]) => p);
  return { changed, same: a.size - changed.length };
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`demo failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
