// `npm run demo`: the NBA reference pipeline end to end on the embedded default. Starts the sample
// source on a free loopback port, backfills two weeks of history through analytics, runs scrapers and
// the full six-phase cascade for three consecutive game dates, prints per-phase summaries and the
// published files, then flips one player's injury status and shows the incremental update reaching
// the published files with only that player's game recomputed. Stops everything it started.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { loadPlan, renderDiagnostics } from '../engine/spec/index.js';
import { openLocalEngine, type LocalEngine } from '../engine/runtime/local.js';
import { runCascade } from '../engine/runtime/cascade.js';
import type { LogEntry, Row } from '../engine/ports.js';
import type { Plan, TablePlan } from '../engine/spec/plan.js';
import { startSampleSource, type SampleSource } from './sample-source/index.js';
import { historyDates, pickDemoDates } from './demo/dates.js';
import { phaseSummary } from './demo/report.js';
import { gameDayClock } from './demo/clock.js';

const SEED = 42;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = (s = '') => process.stdout.write(`${s}\n`);

async function main(): Promise<number> {
  const loaded = loadPlan(path.join(root, 'pipeline.yaml'), { displayName: 'pipeline.yaml', checkModules: true });
  if (!loaded.plan) {
    process.stderr.write(`${renderDiagnostics(loaded.diagnostics, { sources: { 'pipeline.yaml': loaded.text ?? '' } })}\n`);
    return 1;
  }
  const plan = loaded.plan;
  const dir = path.join(root, '.pipeline', 'demo');
  rmSync(dir, { recursive: true, force: true });
  let source: SampleSource | undefined;
  let local: LocalEngine | undefined;
  try {
    source = await startSampleSource({ seed: SEED, port: 0 });
    const env = { ...process.env, SOURCE_BASE_URL: source.url };
    const dates = pickDemoDates(SEED);
    local = await openLocalEngine({ plan, dir, env, clock: gameDayClock(dates[dates.length - 1]!) });
    out(`pipeline demo — ${plan.name} (spec ${plan.specHash}), sample source ${source.url} (seed ${SEED}), state in ${path.relative(root, dir)}`);

    const history = historyDates(dates[0]!, 14);
    out(`\n1. Backfill ${history[0]}..${history[history.length - 1]} through analytics (history for the rolling windows)`);
    const t0 = Date.now();
    const hist = await withProgress(history, 'backfill', (onDateDone) =>
      runCascade(local!, { dates: history, backfill: { mode: true, reason: 'demo history', stopAfter: 'analytics' }, onlyIfNotDone: true, onDateDone }),
    );
    out(phaseSummary(plan, hist));
    out(`  ${((Date.now() - t0) / 1000).toFixed(1)}s`);

    out(`\n2. Scrapers and the full cascade for ${dates.join(', ')}`);
    const t1 = Date.now();
    const daily = await withProgress(dates, 'cascade ', (onDateDone) => runCascade(local!, { dates, onDateDone }));
    out(phaseSummary(plan, daily));
    out(`  ${((Date.now() - t1) / 1000).toFixed(1)}s`);
    const failures = daily.filter((e) => e.event === 'run:failed-terminal');
    for (const f of failures) out(`  FAILED ${f.partition} ${f.processor}: ${f.errorType}: ${f.errorMessage}`);

    const published = await publishedFiles(local, plan);
    out(`\n3. Published (${published.length} objects in bucket ${bucketOf(plan)}, documents under ${path.relative(root, path.join(dir, 'documents'))}):`);
    for (const p of published.filter((x) => !x.includes('/players/')).slice(0, 20)) out(`  ${path.relative(root, path.join(dir, 'objects', bucketOf(plan), p))}`);
    const players = published.filter((x) => x.includes('/players/')).length;
    if (players) out(`  … and ${players} player pages under v1/players/`);

    const last = dates[dates.length - 1]!;
    const pick = await pickPlayer(local, plan, last);
    if (!pick) {
      out('\n4. No player with a prediction on the last date: skipping the injury flip.');
      return failures.length ? 1 : 0;
    }
    out(`\n4. Injury flip: ${pick.player} (${pick.team}) is ruled Out at 14:00 ET on ${last}; re-scraping the injury report`);
    const before = await readObject(local, plan, `v1/players/${pick.player}.json`);
    source.control.flipInjury({ date: last, player_lookup: pick.player, from: '14:00', status: 'Out', reason: 'Injury/Illness - Left Ankle; Sprain' });
    const t2 = Date.now();
    const inc = await runCascade(local, { dates: [last], processors: ['scrape_nbac_injury_report'] });
    const incMs = Date.now() - t2;
    const ran = inc.filter((e) => e.event === 'run:started' || e.event === 'fanout:started');
    out(`  ${ran.length} run(s) in ${(incMs / 1000).toFixed(1)}s:`);
    for (const e of ran) out(`    ${(e.phase ?? '').padEnd(12)} ${(e.processor ?? '').padEnd(32)} scope ${e.scope ?? '-'}`);
    const after = await readObject(local, plan, `v1/players/${pick.player}.json`);
    out(`  published v1/players/${pick.player}.json: ${summarizePlayer(before)}  →  ${summarizePlayer(after)}`);
    const skipped = inc.filter((e) => e.event === 'skip:duplicate').length;
    out(`  ${skipped} candidate(s) skipped as up to date; everything else was untouched.`);
    return failures.length ? 1 : 0;
  } finally {
    await local?.close();
    await source?.close();
    out('\nstopped the sample source and the engine.');
  }
}

async function withProgress(dates: string[], label: string, run: (onDateDone: () => void) => Promise<LogEntry[]>): Promise<LogEntry[]> {
  const bar = new SingleBar({ format: `  ${label} [{bar}] {value}/{total} dates | {duration_formatted} elapsed | ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 3000, stream: process.stderr, hideCursor: true });
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

async function publishedFiles(local: LocalEngine, plan: Plan): Promise<string[]> {
  return local.backends.objects.list(bucketOf(plan), 'v1/');
}

async function readObject(local: LocalEngine, plan: Plan, p: string): Promise<Record<string, unknown> | undefined> {
  const o = await local.backends.objects.get(bucketOf(plan), p);
  return o ? (JSON.parse(o.body.toString('utf8')) as Record<string, unknown>) : undefined;
}

async function pickPlayer(local: LocalEngine, plan: Plan, date: string): Promise<{ player: string; team: string } | undefined> {
  const t = plan.assets.get('nba_predictions.player_prop_predictions') as TablePlan | undefined;
  if (!t) return undefined;
  const rows: Row[] = await local.backends.warehouse.read(t, { partitions: [date] });
  const best = rows.filter((r) => r.system_id === 'ensemble' && typeof r.current_points_line === 'number').sort((a, b) => Number(b.predicted_points) - Number(a.predicted_points))[0];
  return best ? { player: String(best.player_lookup), team: String(best.team_abbr) } : undefined;
}

function summarizePlayer(doc: Record<string, unknown> | undefined): string {
  if (!doc) return '(none)';
  const text = JSON.stringify(doc);
  const rec = /"recommendation":"([A-Z_]+)"/.exec(text)?.[1];
  const pts = /"(?:predicted_points|points)":([0-9.]+)/.exec(text)?.[1];
  const inj = /"injury_status":"([^"]+)"/.exec(text)?.[1];
  return `${rec ?? '?'} ${pts ?? '?'} pts${inj ? ` (${inj})` : ''}`;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`demo failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
