// The NBA reference pipeline on the embedded default (DuckDB + files + in-process bus), with the sample
// source in the same process:
//   1. the full six-phase cascade for one date of 10 games, after a history backfill that is not timed;
//   2. a single-player incremental update end to end (injury flip → the player's published page), as a
//      share of that full cascade;
//   3. a 60-date backfill through analytics (stop_after), in dates per second.
// For each: wall time, the processors' own time (the durationMs of run:succeeded: processor code, its
// reads and its data write) and the engine's share — the wall time during which no processor run was
// in progress (decisions, skips, gates, stage levels, bus hops, log flushes). Runs overlap, so the sum
// of run durations can exceed the wall time; the share is measured on the union of run intervals.
import { performance } from 'node:perf_hooks';
import type { LogEntry } from '../engine/ports.js';
import { runCascade } from '../engine/runtime/cascade.js';
import { dateRange } from '../engine/core/dates.js';
import { gameDayClock } from '../processors/demo/clock.js';
import { historyDates } from '../processors/demo/dates.js';
import { gamesOn } from '../processors/sample-source/index.js';
import { processorsOf, startNbaEnv, type NbaEnv } from '../tests/processors/support.js';
import { ms, verdict, type Result } from './lib.js';
import { engineIo, measureFloor, recordIo, type EngineIo, type Floor } from './nba-floor.js';
import path from 'node:path';

const SEED = 42;
const DATE = '2025-11-22'; // 10 games
const HISTORY_DAYS = 14;
const BACKFILL_FROM = '2025-10-22';
const BACKFILL_DATES = 60;
/** The backfill stops starting dates past this bound (and says so). */
const BACKFILL_BOUND_MS = 6 * 60_000;

interface Profile {
  wallMs: number;
  runs: number;
  /** Sum of run durations. */
  runMs: number;
  /** Wall time during which at least one run was in progress. */
  busyMs: number;
  skips: number;
}

/** Runs and their overlap from a log: interval of each run = [succeeded.ts − durationMs, succeeded.ts]. */
function profile(log: LogEntry[], wallMs: number): Profile {
  const intervals = log
    .filter((e) => e.event === 'run:succeeded' || e.event === 'run:failed' || e.event === 'run:failed-terminal')
    .map((e) => [e.ts - (e.durationMs ?? 0), e.ts] as const)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let end = -Infinity;
  let start = -Infinity;
  for (const [s, e] of intervals) {
    if (s > end) {
      if (end > start) busy += end - start;
      start = s;
      end = e;
    } else end = Math.max(end, e);
  }
  if (end > start) busy += end - start;
  return {
    wallMs,
    runs: log.filter((e) => e.event === 'run:started').length,
    runMs: intervals.reduce((a, [s, e]) => a + (e - s), 0),
    busyMs: Math.min(busy, wallMs),
    skips: log.filter((e) => e.event.startsWith('skip:')).length,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const engineShare = (p: Profile) => Math.max(0, p.wallMs - p.busyMs) / p.wallMs;
const describe = (p: Profile) => `${p.runs} runs (+${p.skips} skips); run time Σ ${ms(p.runMs)}, in progress ${ms(p.busyMs)} of the wall time`;

async function timed(fn: () => Promise<LogEntry[]>): Promise<{ log: LogEntry[]; wallMs: number }> {
  const t = performance.now();
  const log = await fn();
  return { log, wallMs: performance.now() - t };
}

function failures(log: LogEntry[]): string[] {
  return log.filter((e) => e.event.startsWith('run:failed')).map((e) => `${e.processor} ${e.partition}: ${e.errorMessage}`);
}

/** Per processor on the path of an incremental update: run time, in completion order; and the slowest run. */
function pathOf(log: LogEntry[]): { text: string; slowest: { processor: string; ms: number } } {
  const runs = log.filter((e) => e.event === 'run:succeeded').map((e) => ({ processor: e.processor!, ms: Math.round(e.durationMs ?? 0) }));
  return { text: runs.map((r) => `${r.processor} ${r.ms}`).join(', '), slowest: runs.reduce((a, b) => (b.ms > a.ms ? b : a), { processor: '-', ms: 0 }) };
}

interface FloorReport {
  floor: Floor;
  engine: EngineIo;
}

async function cascadeAndFlip(): Promise<{ full: Profile; flip: Profile; toPageMs: number; player: string; flipPath: ReturnType<typeof pathOf>; games: number; io: FloorReport }> {
  const nba = await startNbaEnv({ seed: SEED, clock: gameDayClock(DATE) });
  try {
    const hist = await runCascade(nba.local, { dates: historyDates(DATE, HISTORY_DAYS), backfill: { mode: true, reason: 'bench history', stopAfter: 'analytics' } });
    if (failures(hist).length) throw new Error(`history failed: ${failures(hist).join('; ')}`);

    const rec = recordIo(nba.local.backends.warehouse);
    const full = await timed(() => runCascade(nba.local, { dates: [DATE] }));
    // What is still pending is part of the date's cost: flushed (and timed) before the recorder stops.
    const state = nba.local.backends.state as { flush?: () => Promise<void> };
    await state.flush?.();
    rec.stop();
    if (failures(full.log).length) throw new Error(`cascade failed: ${failures(full.log).join('; ')}`);
    const io = { engine: await engineIo(rec, nba.local.backends.warehouse), floor: await measureFloor(path.join(nba.dir, '.pipeline', 'local.duckdb'), nba.plan, rec.records) };
    const player = await flipTarget(nba);

    nba.source.control.flipInjury({ date: DATE, player_lookup: player, from: '14:00', status: 'Out' });
    const bucket = (nba.plan.assets.get('objects/api_predictions') as { bucket: string }).bucket;
    const page = `v1/players/${player}.json`;
    const before = (await nba.local.backends.objects.get(bucket, page))?.body.toString('utf8');
    const t0 = performance.now();
    let toPageMs = NaN;
    // The page is written by export_predictions: note when its run succeeded with the page changed.
    const watch = (e: LogEntry) => {
      if (e.event === 'run:succeeded' && e.processor === 'export_predictions' && Number.isNaN(toPageMs)) toPageMs = performance.now() - t0;
    };
    nba.local.engine.log.listeners.push(watch);
    const flip = await timed(() => runCascade(nba.local, { dates: [DATE], processors: ['scrape_nbac_injury_report'] }));
    nba.local.engine.log.listeners.splice(nba.local.engine.log.listeners.indexOf(watch), 1);
    const after = (await nba.local.backends.objects.get(bucket, page))?.body.toString('utf8');
    if (!after || after === before || !after.includes('"Out"')) throw new Error(`the flip did not reach ${page}`);
    return { full: profile(full.log, full.wallMs), flip: profile(flip.log, flip.wallMs), toPageMs, player, flipPath: pathOf(flip.log), games: gamesOn(SEED, DATE).length, io };
  } finally {
    await nba.cleanup();
  }
}

/** A player with a line and an OVER/UNDER call, first by name (deterministic). */
async function flipTarget(nba: NbaEnv): Promise<string> {
  const t = nba.plan.assets.get('nba_predictions.player_prop_predictions');
  if (t?.kind !== 'table') throw new Error('no predictions table');
  const rows = await nba.local.backends.warehouse.read(t, { partitions: [DATE] });
  const r = rows
    .filter((x) => x.system_id === 'ensemble' && x.current_points_line !== null && (x.recommendation === 'OVER' || x.recommendation === 'UNDER') && x.injury_status === 'Available')
    .sort((a, b) => String(a.player_lookup).localeCompare(String(b.player_lookup)))[0];
  if (!r) throw new Error(`no player to flip on ${DATE}`);
  return String(r.player_lookup);
}

async function backfill(): Promise<{ p: Profile; dates: number; stoppedEarly: boolean }> {
  const dates = dateRange(BACKFILL_FROM, '2099-12-31').slice(0, BACKFILL_DATES);
  const nba = await startNbaEnv({ seed: SEED });
  try {
    const log: LogEntry[] = [];
    const t0 = performance.now();
    let done = 0;
    // A date at a time, so the bound can stop it between dates (a backfill is resumable).
    for (const d of dates) {
      if (performance.now() - t0 > BACKFILL_BOUND_MS) break;
      log.push(...(await runCascade(nba.local, { dates: [d], processors: processorsOf(nba.plan, 'scrapers'), backfill: { mode: true, reason: 'bench', stopAfter: 'analytics' } })));
      done++;
    }
    const wallMs = performance.now() - t0;
    if (failures(log).length) throw new Error(`backfill failed: ${failures(log).join('; ')}`);
    return { p: profile(log, wallMs), dates: done, stoppedEarly: done < dates.length };
  } finally {
    await nba.cleanup();
  }
}

export async function nbaBench(): Promise<Result> {
  const { full, flip, toPageMs, player, flipPath, games, io } = await cascadeAndFlip();
  const bf = await backfill();
  const flipShare = toPageMs / full.wallMs;
  const { floor, engine } = io;
  const floorMs = floor.readMs + floor.writeMs;
  const engineMs = engine.readMs + engine.writeMs + engine.flushMs;
  // The processors' own code: run time less the time inside their reads and writes.
  const codeMs = Math.max(0, full.runMs - engine.readMsInCascade - engine.writeMs);
  return {
    name: 'NBA reference pipeline on the embedded default (issue 5)',
    rows: [
      ['full cascade, one date', `${DATE}: ${games} games, scrapers → publishing, after ${HISTORY_DAYS} days of history (not timed)`, '-'],
      ['full cascade: wall time', ms(full.wallMs), '-'],
      ['full cascade: runs', describe(full), '-'],
      ['full cascade: engine share (no run in progress) / wall', pct(engineShare(full)), '-'],
      ['one date: table I/O the cascade made', `${floor.reads} reads (${floor.rowsRead} rows at replay), ${floor.writes} writes (${floor.rowsWritten} rows)`, '-'],
      ['one date: engine table I/O (reads one at a time + writes at the warehouse port + write-behind flushes)', `${ms(engine.readMs)} + ${ms(engine.writeMs)} + ${ms(engine.flushMs)} (${engine.flushes} flushes, state included) = ${ms(engineMs)}; the reads took Σ ${ms(engine.readMsInCascade)} inside the cascade, beside the runs in progress`, '-'],
      ['one date: floor, raw DuckDB (a SELECT per read, an appender write + COMMIT per write)', `${ms(floor.readMs)} + ${ms(floor.writeMs)} = ${ms(floorMs)}`, '-'],
      ['one date: engine table I/O / floor', `${(engineMs / floorMs).toFixed(2)}×`, verdict(engineMs <= 1.3 * floorMs, '≤ 1.3×')],
      ['one date: wall / (floor + processor code, serial)', `${ms(full.wallMs)} / (${ms(floorMs)} + ${ms(codeMs)}) = ${(full.wallMs / (floorMs + codeMs)).toFixed(2)}×`, '-'],
      ['incremental: injury flip → published page', `${player} Out at 14:00, injury report re-scraped: ${describe(flip)}`, '-'],
      ['incremental: flip → v1/players/{p}.json written', ms(toPageMs), '-'],
      ['incremental: to the page, as a share of the full cascade', pct(flipShare), verdict(flipShare <= 0.05, '≤ 5%')],
      ['incremental: until quiescent (every follow-up settled)', ms(flip.wallMs), '-'],
      ['incremental: engine share / wall', pct(engineShare(flip)), '-'],
      [`backfill: ${bf.dates} dates through analytics (stop_after)`, `${ms(bf.p.wallMs)}; ${describe(bf.p)}`, '-'],
      ['backfill: dates per second', (bf.dates / (bf.p.wallMs / 1000)).toFixed(2), '-'],
      ['backfill: engine share / wall', pct(engineShare(bf.p)), '-'],
    ],
    notes: [
      'The floor replays the cascade\'s own reads and writes on the same DuckDB file after it (reads see the date\'s final rows); the engine\'s figure includes its flushes, which also persist the state documents. Processor code is run time less the time inside warehouse calls; runs overlap, so the serial sum can exceed the wall time.',
      'The sample source runs in the same Node process (2 cores), so scraping costs CPU here that a real deployment spends waiting on the network.',
      'Run time (durationMs of run:succeeded) covers the processor code, its reads, the DuckDB upsert of its rows and the completion transaction; the engine share is the wall time with no run in progress: deciding, skipping, gates, stage levels, bus hops.',
      `Incremental path (run ms, in completion order): ${flipPath.text}.`,
      `The slowest run of the incremental update is ${flipPath.slowest.processor} (${flipPath.slowest.ms} ms, ${pct(flipPath.slowest.ms / toPageMs)} of the time to the page). Publishing is scoped to the changed player and unchanged files are not rewritten; what remains is ~16 runs in sequence along the gate, the three stage levels, the fan-out and publishing, each paying its window reads and a DuckDB upsert (~20 ms), so the update stays a fixed ~0.5 s while a one-date cascade is ~4 s on this machine. Next: cheaper local upserts (fewer statements per write) and phase-4 processors that read only the scoped players' history.`,
      `The backfill stops after phase 3 (a full six-phase cascade per date is about ${ms(full.wallMs)}); it runs a date at a time and is bounded to ${BACKFILL_BOUND_MS / 60_000} minutes${bf.stoppedEarly ? ' — the bound was reached' : ''}.`,
    ],
  };
}
