// Logs and progress (issue 12, item 4), as a script or a CI log meets them: the real binary, stdout a
// pipe. `--verbose` prints each processor log line with its fields as the run goes on; `--json` prints
// one document on stdout — runs, the failure with its file:line, skips with their reasons — and the
// exit code stays 1 when a processor failed; a piped backfill prints a progress line per date, and
// one every few seconds while a date runs long.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bufferIO } from '../../engine/cli/io.js';
import { runCli } from '../../engine/cli/main.js';
import type { CascadeSummary } from '../../engine/cli/render/cascade-summary.js';
import { startProgress } from '../../engine/cli/render/progress.js';
import { writeTinyProject } from '../support/tiny-project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'pipeline.js');
const BAD_DAY = '2025-01-02';

/**
 * The tiny project, where `load_events` logs a line with fields (and prints to the console, as
 * processors do), and `totals` logs a warning, then dereferences null on BAD_DAY (p/totals.ts:2).
 */
function project(): { dir: string; spec: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-logs-'));
  const spec = writeTinyProject(dir, {
    load_events: `ctx.log.info('loaded events', { day: ctx.partition, rows: 2 }); console.log('hello from load_events'); ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]);`,
    totals: `ctx.log.warn('totalling'); if (ctx.partition === '${BAD_DAY}') (null as any).boom; const rows = await ctx.read('raw.events', { scope: ctx.scope }); ctx.write(rows.map((r: any) => ({ item: r.item, total: r.value * 10 })));`,
  });
  return { dir, spec };
}

/** The binary as a script runs it: stdout and stderr are pipes, not terminals. */
async function bin(p: { dir: string; spec: string }, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, PIPELINE_DIR: path.join(p.dir, '.pipeline'), NO_COLOR: '1' };
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, '-f', p.spec, ...args], { cwd: p.dir, env, timeout: 120_000 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout: string; stderr: string };
    if (typeof x.code !== 'number') throw e;
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

const AT = /^p\/totals\.ts:2:\d+$/;

describe('--verbose', () => {
  it('prints each processor log line with its fields on stderr, before the failure it led to', async () => {
    const r = await bin(project(), ['run', '--date', BAD_DAY, '--fail-fast', '--verbose']);
    assert.equal(r.code, 1, r.err);
    const lines = r.err.split('\n');
    const loaded = lines.indexOf(`[load_events ${BAD_DAY}] INFO loaded events {"day":"${BAD_DAY}","rows":2}`);
    const warned = lines.indexOf(`[totals ${BAD_DAY}] WARN totalling`);
    const failed = lines.findIndex((l) => l.startsWith(`[totals ${BAD_DAY}] failed for good after 1 attempt(s): TypeError:`));
    assert.ok(loaded >= 0 && warned > loaded && failed > warned, r.err);
    assert.doesNotMatch(r.out, /\] (INFO|WARN) /, 'log lines are on stderr, like the failure lines');
  });

  it('is quiet without the flag', async () => {
    const r = await bin(project(), ['run', '--date', '2025-01-01']);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /\] (INFO|WARN) /);
  });
});

describe('--json', () => {
  it('prints one document on stdout with the runs, the failure and where it threw; exit 1', async () => {
    const r = await bin(project(), ['run', '--date', '2025-01-01', '--to', BAD_DAY, '--fail-fast', '--json', '--verbose']);
    assert.equal(r.code, 1, r.err);
    const doc = JSON.parse(r.out) as CascadeSummary; // the whole of stdout: nothing else is there
    assert.equal(doc.version, 1);
    assert.equal(doc.command, 'run');
    assert.equal(doc.exitCode, 1);
    assert.deepEqual(doc.dates, { from: '2025-01-01', to: BAD_DAY, total: 2, done: 2 });

    assert.equal(doc.failures.length, 1, r.out);
    const f = doc.failures[0]!;
    assert.equal(f.kind, 'failed');
    assert.equal(`${f.processor} ${f.partition}`, `totals ${BAD_DAY}`);
    assert.equal(f.error?.type, 'TypeError');
    assert.equal(f.error?.message, "Cannot read properties of null (reading 'boom')");
    assert.match(f.error?.at ?? '', AT);
    assert.equal(f.retry, `pipeline run --date ${BAD_DAY} --processors totals --force`);

    const run = (processor: string, partition: string) => doc.runs.find((x) => x.processor === processor && x.partition === partition);
    assert.equal(run('load_events', '2025-01-01')?.outcome, 'succeeded');
    assert.equal(run('load_events', '2025-01-01')?.rows, 2);
    assert.equal(run('summary', '2025-01-01')?.outcome, 'succeeded');
    assert.equal(run('totals', BAD_DAY)?.outcome, 'failed');
    assert.equal(run('totals', BAD_DAY)?.executionId, f.executionId);
    assert.equal(run('summary', BAD_DAY), undefined, 'nothing ran past the failure');
    assert.ok(doc.runs.every((x) => x.executionId && typeof x.durationMs === 'number'), r.out);
    assert.deepEqual({ started: doc.counts.started, succeeded: doc.counts.succeeded, failed: doc.counts.failed }, { started: 5, succeeded: 4, failed: 1 });

    assert.match(r.err, /\[load_events 2025-01-01\] INFO loaded events/, 'with --verbose, log lines go to stderr');
    assert.match(r.err, /hello from load_events/, 'a processor\'s console.log is moved to stderr');
    assert.match(r.err, /\[totals 2025-01-02\] failed for good/, 'failed attempts still show as they happen');
    assert.doesNotMatch(r.err, /^phase +runs/m, 'no text summary');
  });

  it('names skips with their reasons and a failure left by an earlier command, in process', async () => {
    const p = project();
    const cli = async (args: string[]) => {
      const io = bufferIO(p.dir, { PIPELINE_DIR: path.join(p.dir, '.pipeline') });
      const code = await runCli(['-f', p.spec, ...args], io);
      return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
    };
    assert.equal((await cli(['run', '--date', '2025-01-01', '--to', BAD_DAY, '--fail-fast'])).code, 1);

    const clean = await cli(['run', '--date', '2025-01-01', '--processors', 'totals', '--json']);
    assert.equal(clean.code, 0, clean.err);
    const ok = JSON.parse(clean.out) as CascadeSummary;
    assert.equal(ok.exitCode, 0);
    assert.deepEqual(ok.skips.map((s) => [s.processor, s.decision]), [['totals', 'skip:duplicate']]);
    assert.match(ok.skips[0]!.reasons[0]!, /^inputs unchanged since execution /);
    assert.deepEqual(ok.skippedBy, { 'skip:duplicate': 1 });

    const again = await cli(['backfill', '--from', BAD_DAY, '--to', BAD_DAY, '--json']);
    assert.equal(again.code, 1, again.err);
    const doc = JSON.parse(again.out) as CascadeSummary;
    assert.equal(doc.command, 'backfill');
    assert.deepEqual(doc.failures.map((f) => [f.kind, f.processor, f.partition]), [['earlier', 'totals', BAD_DAY]]);
    assert.match(doc.failures[0]!.error?.at ?? '', AT, 'read from the earlier run\'s record');
    assert.equal(again.err.split('\n').filter((l) => l.startsWith('backfill ')).length, 0, 'no progress lines with --json');
  });

  it('refuses bad arguments in one line on stderr, stdout empty, exit 2', async () => {
    const p = project();
    const r = await bin(p, ['run', '--date', '2025-01-01', '--json', '--fail-fast', '--spec-retry']);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '');
    assert.equal(r.err, 'pipeline: --fail-fast and --spec-retry cannot be given together — expected --fail-fast (no retries) or --spec-retry (the spec\'s retry policy)\n');
    const io = bufferIO(p.dir, { PIPELINE_DIR: path.join(p.dir, '.pipeline') });
    assert.equal(await runCli(['-f', p.spec, 'backfill', '--from', '2025-01-02', '--to', '2025-01-01', '--json'], io), 2);
    assert.deepEqual(io.stdout, []);
    assert.deepEqual(io.stderr, ['pipeline: --to 2025-01-01 is before --from 2025-01-02 — expected --from YYYY-MM-DD --to YYYY-MM-DD with --to on or after --from']);
  });
});

describe('a piped backfill', () => {
  it('prints a progress line per date: dates done/total, runs, failures, elapsed', async () => {
    const r = await bin(project(), ['backfill', '--from', '2025-01-01', '--to', '2025-01-03', '--fail-fast']);
    assert.equal(r.code, 1, r.err);
    const lines = r.err.split('\n').filter((l) => l.startsWith('backfill '));
    assert.equal(lines.length, 3, r.err);
    const shape = /^backfill (\d)\/3 dates \| (\d+) run\(s\), (\d+) failed \| \d+\.\d+s elapsed \| (\S+) done$/;
    const parsed = lines.map((l) => shape.exec(l)?.slice(1));
    assert.deepEqual(parsed.map((m) => m && [m[0], m[2], m[3]]), [['1', '0', '2025-01-01'], ['2', '1', '2025-01-02'], ['3', '1', '2025-01-03']], r.err);
    assert.deepEqual(parsed.map((m) => Number(m![1])), [3, 5, 8], 'runs so far: three a clean date, two the failing one');
    assert.doesNotMatch(r.err, /\[[░█ ]+\]|ETA/, 'no redrawn bar when piped');
    assert.match(r.out, /^phase +runs/m, 'the summary is still on stdout');
  });

  // `script` (util-linux) gives the command a terminal; without it the bar cannot be seen from here.
  it('keeps the redrawn bar on a terminal', { skip: !existsSync('/usr/bin/script') && 'no /usr/bin/script to give the command a terminal' }, async () => {
    const p = project();
    const cmd = [process.execPath, BIN, '-f', p.spec, 'backfill', '--from', '2025-01-01', '--to', '2025-01-03'].map((a) => `'${a}'`).join(' ');
    const r = await promisify(execFile)('/usr/bin/script', ['-qec', cmd, '/dev/null'], { cwd: p.dir, env: { ...process.env, PIPELINE_DIR: path.join(p.dir, '.pipeline') }, timeout: 120_000 }).catch((e: { stdout: string }) => e);
    assert.match(r.stdout, /backfill \[=+\] 3\/3 dates \| ETA/);
    assert.doesNotMatch(r.stdout, /dates \| \d+ run\(s\)/, 'no progress lines on a terminal');
  });

  it('repeats the line while one date runs long', async () => {
    mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 });
    try {
      const io = bufferIO();
      const progress = await startProgress(io, { total: 1, style: 'lines', heartbeatMs: 5000 });
      progress.observe({ ts: 0, event: 'run:started' });
      mock.timers.tick(4000);
      assert.deepEqual(io.stderr, [], 'quiet before the interval');
      mock.timers.tick(1000);
      assert.deepEqual(io.stderr, ['backfill 0/1 dates | 1 run(s), 0 failed | 5.0s elapsed | running']);
      mock.timers.tick(2000);
      progress.dateDone('2025-01-01');
      mock.timers.tick(4999);
      assert.deepEqual(io.stderr.slice(1), ['backfill 1/1 dates | 1 run(s), 0 failed | 7.0s elapsed | 2025-01-01 done'], 'a date done restarts the interval');
      progress.stop();
      mock.timers.tick(60_000);
      assert.equal(io.stderr.length, 2, 'nothing once stopped');
    } finally {
      mock.timers.reset();
    }
  });
});
