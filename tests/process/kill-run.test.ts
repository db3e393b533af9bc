// Real processes that really die: `pipeline run` as a child process, killed with SIGKILL at many points
// spread over a three-date cascade, then `pipeline reconcile` and `pipeline run` as new processes. The
// outputs must equal an uninterrupted run's (no duplicate rows), nothing may be left open, and the
// repair must not wait for a lease to expire: the children's leases live an hour, so only knowing that
// the killed runner is gone can release them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planFromText } from '../../engine/spec/index.js';
import { mapLimit } from '../../engine/runtime/engine.js';
import { BIN, snapshotOf, traceLines, writeWaveProject } from './wave-project.js';

const DATES = ['2025-03-01', '2025-03-02', '2025-03-03'];
const POINTS = 12;

interface Project {
  dir: string;
  spec: string;
  trace: string;
  state: string;
}

function project(): Project {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-kill-'));
  return { dir, spec: writeWaveProject(dir), trace: path.join(dir, 'trace.log'), state: path.join(dir, '.pipeline') };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function start(p: Project, args: string[]) {
  const child = spawn(process.execPath, [BIN, '-f', p.spec, ...args], {
    cwd: p.dir,
    env: { ...process.env, TRACE_FILE: p.trace, PIPELINE_LEASE_TTL: '1h', METADATA_SERVER_DETECTION: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
  return { child, done };
}

const cli = (p: Project, args: string[]) => start(p, args).done;
const runArgs = ['run', '--date', DATES[0]!, '--to', DATES[2]!];

/** A small seeded generator: the delay after each kill point is reproducible. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('kill -9 of a local `pipeline run`', () => {
  it(`at ${POINTS} points over the cascade: reconcile repairs at once, and outputs equal an uninterrupted run`, async (t) => {
    const plan = planFromText(readFileSync(writeWaveProject(mkdtempSync(path.join(os.tmpdir(), 'pipeline-plan-'))), 'utf8'), 'pipeline.yaml', os.tmpdir(), { checkModules: false }).plan!;
    const base = project();
    const cleanup = [base.dir];
    try {
      const clean = await cli(base, runArgs);
      assert.equal(clean.code, 0, clean.err);
      const lines = traceLines(base.trace).length;
      assert.ok(lines >= 40, `the uninterrupted cascade traced ${lines} steps`);
      const expected = await snapshotOf(plan, base.state, DATES);
      assert.deepEqual(expected.open, { leases: 0, pending: 0, outbox: 0, messages: 0 });

      const random = rng(7);
      const points = Array.from({ length: POINTS }, (_, i) => ({ at: Math.max(1, Math.round((lines * (i + 0.5)) / POINTS)), delayMs: Math.floor(random() * 25) }));
      const results = await mapLimit(points, 2, async ({ at, delayMs }) => {
        const p = project();
        cleanup.push(p.dir);
        const run = start(p, runArgs);
        // Kill when the cascade reaches its at-th traced step, plus a small delay.
        for (;;) {
          if (traceLines(p.trace).length >= at) break;
          const early = await Promise.race([run.done, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2))]);
          if (early) break;
        }
        await new Promise((r) => setTimeout(r, delayMs));
        run.child.kill('SIGKILL');
        const killed = await run.done;
        const reached = traceLines(p.trace).length;
        const repair = await cli(p, ['reconcile', '--date', DATES.join(',')]);
        const again = await cli(p, runArgs);
        return { at, delayMs, killed, reached, repair, again, snapshot: await snapshotOf(plan, p.state, DATES) };
      });

      for (const r of results) t.diagnostic(`kill at step ${r.at}/${lines} (+${r.delayMs} ms, ${r.reached} done): ${r.repair.out.trim().split('\n').pop()}`);
      for (const r of results) {
        const where = `killed at step ${r.at} (+${r.delayMs} ms; ${r.reached} steps done)`;
        assert.equal(r.killed.signal, 'SIGKILL', `${where}: the run was killed, not finished (${r.killed.code})`);
        assert.equal(r.repair.code, 0, `${where}: reconcile left work unfinished:\n${r.repair.err}`);
        assert.equal(r.again.code, 0, `${where}: the run after the repair failed:\n${r.again.err}`);
        assert.deepEqual(r.snapshot.tables, expected.tables, `${where}: outputs differ from the uninterrupted run`);
        assert.deepEqual(r.snapshot.open, { leases: 0, pending: 0, outbox: 0, messages: 0 }, `${where}: state left open`);
      }
      const mid = results.filter((r) => r.reached < lines);
      assert.ok(mid.length >= 10, `at least 10 kills landed mid-cascade (${mid.length})`);
      const repaired = results.filter((r) => /leases reclaimed [1-9]/.test(r.repair.out) || /messages recovered [1-9]/.test(r.repair.out));
      assert.ok(repaired.length >= 5, `reconcile repaired leases or messages after most kills (${repaired.length}): ${results.map((r) => r.repair.out.trim()).join(' | ')}`);
    } finally {
      for (const d of cleanup) rmSync(d, { recursive: true, force: true });
    }
  });
});
