// SIGTERM to a real `pipeline serve` child process with a processor still running (Cloud Run's scale-in):
// pushes get 503 while it drains, and it exits 0 on its own. A run that cannot finish within the drain
// bound is interrupted — its lease released, its record `interrupted` (not `running`), the log flushed —
// and the next process finishes it without waiting for any expiry. A run that finishes within the bound
// completes normally. The processor here ignores its abort signal: the shutdown must not depend on it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { openLocalBackends } from '../../engine/backends/local/index.js';
import { toWire } from '../../engine/core/messages.js';
import type { Lease } from '../../engine/core/types.js';
import { ids } from '../../engine/runtime/keys.js';
import type { RunRecord } from '../../engine/runtime/records.js';
import { DAY, tinyPlan } from '../runtime/harness.js';
import { writeTinyProject } from '../support/tiny-project.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'pipeline.js');

// `totals` says it started, then waits for the test's release file, deaf to ctx.signal.
const GATED_TOTALS = `const fs = await import('node:fs');
  const gate = ctx.env('GATE_DIR');
  fs.writeFileSync(gate + '/started-' + ctx.executionId, '');
  while (!fs.existsSync(gate + '/release')) await new Promise((r) => setTimeout(r, 20));
  const rows = await ctx.read('raw.events', { scope: ctx.scope });
  ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));`;

interface Project {
  dir: string;
  spec: string;
  state: string;
  gate: string;
}

function project(): Project {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-shutdown-'));
  const gate = path.join(dir, 'gate');
  const spec = writeTinyProject(dir, { totals: GATED_TOTALS });
  mkdirSync(gate);
  return { dir, spec, state: path.join(dir, '.pipeline'), gate };
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, tries = 1500): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** `pipeline serve` on the local backend as a child process. */
async function serve(p: Project, drainMs: number) {
  const child = spawn(process.execPath, [BIN, '-f', p.spec, 'serve', '--port', '0', '--host', '127.0.0.1', '--drain-ms', String(drainMs)], {
    env: { ...process.env, PIPELINE_DIR: p.state, GATE_DIR: p.gate, METADATA_SERVER_DETECTION: 'none' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let rest = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const port = await until(`the "serving" line (stderr: ${stderr})`, () => {
    for (const l of lines) {
      const m = /serving on port (\d+)/.exec(l);
      if (m) return Number(m[1]);
    }
    return child.exitCode === null ? undefined : Promise.reject(new Error(`serve exited ${child.exitCode}: ${stderr}`));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    child, lines, base, exited,
    stderr: () => stderr,
    async exitCode(): Promise<number | null | 'still running'> {
      return Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 30_000).unref())]);
    },
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
  };
}

const wire = (correlationId: string) =>
  toWire(tinyPlan(), { type: 'run_requested', processor: 'load_events', partition: DAY, scope: null, reason: 'manual', source: 'test', correlationId, parents: [], backfill: null, emittedAt: Date.now() }).data;

async function push(base: string, correlationId: string) {
  const body = JSON.stringify({ message: { data: Buffer.from(JSON.stringify(wire(correlationId))).toString('base64'), messageId: correlationId }, subscription: 's' });
  const r = await request(`${base}/events/tiny-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: r.statusCode, body: await r.body.text() };
}

/** Waits for the gated `totals` to start; returns its execution id. */
function started(p: Project): Promise<string> {
  return until('totals to start', () => {
    if (!existsSync(p.gate)) return undefined;
    const f = readdirSync(p.gate).find((n) => n.startsWith('started-'));
    return f?.slice('started-'.length);
  });
}

/** SIGTERM, then what a push and /healthz answer while it drains. */
async function terminateAndProbe(s: Awaited<ReturnType<typeof serve>>) {
  s.child.kill('SIGTERM');
  const health = await until('/healthz to say draining', async () => {
    const r = await request(`${s.base}/healthz`);
    const b = (await r.body.json()) as { status: string };
    return b.status === 'draining' ? { status: r.statusCode, body: b } : undefined;
  });
  const pushed = await push(s.base, 'during-drain');
  return { health, pushed };
}

/** Serve, push the cascade, wait for the gated run, SIGTERM: /healthz and a push answer 503 while it drains. */
async function terminatedWhileRunning(p: Project, drainMs: number, correlationId: string) {
  const s = await serve(p, drainMs);
  try {
    assert.equal((await push(s.base, correlationId)).status, 204);
    const executionId = await started(p);
    const { health, pushed } = await terminateAndProbe(s);
    assert.equal(health.status, 503);
    assert.equal(pushed.status, 503, `a push while draining: ${pushed.body}`);
    assert.match(pushed.body, /shutting down/);
    return { s, executionId };
  } catch (e) {
    s.kill();
    throw e;
  }
}

async function stateOf(p: Project, executionId: string) {
  const b = await openLocalBackends({ dir: p.state });
  try {
    return {
      lease: await b.state.get<Lease>('leases', ids.lease('totals', DAY)),
      run: await b.state.get<RunRecord>('runs', executionId),
      log: (await b.warehouse.queryLog({ executionId })).map((e) => e.event),
      runs: (await b.state.query<RunRecord>('runs', {})).filter((r) => r.processor === 'totals').map((r) => r.status).sort(),
      messages: (await b.state.query('messages', {})).length,
    };
  } finally {
    await b.close();
  }
}

describe('SIGTERM to `pipeline serve` with a processor running', () => {
  it('past the drain bound: 503 while draining, exit 0, lease released, run interrupted, log flushed; the next process finishes it', async () => {
    const p = project();
    const { s: first, executionId } = await terminatedWhileRunning(p, 2000, 'c1');
    try {

      assert.equal(await first.exitCode(), 0, `exit code; stderr: ${first.stderr()}\n${first.lines.slice(-15).join("\n")}`);
      const out = first.lines.join('\n');
      assert.doesNotMatch(out + first.stderr(), /already been terminated|internal error/);
      const stopped = first.lines.map((l) => JSON.parse(l) as { message: string; interrupted?: number }).find((l) => l.message === 'stopped');
      assert.equal(stopped?.interrupted, 1, 'one run interrupted');

      const s = await stateOf(p, executionId);
      assert.equal(s.lease, undefined, 'the lease is released');
      assert.equal(s.run?.status, 'interrupted');
      assert.equal(s.run?.errorType, 'Interrupted');
      assert.ok(s.log.includes('run:started') && s.log.includes('run:interrupted'), `the buffered log reached the warehouse: ${s.log.join(', ')}`);
      assert.ok(s.messages > 0, 'the refused and the re-requested deliveries stay recorded for the next process');

      // The next process adopts them and finishes the cascade: nothing waits for a lease to expire.
      writeFileSync(path.join(p.gate, 'release'), '');
      const second = await serve(p, 2000);
      try {
        await until('the cascade to finish', async () => {
          const r = await request(`${second.base}/status?date=${DAY}`);
          const states = ((await r.body.json()) as { processors: Array<{ state: string }> }).processors.map((x) => x.state);
          return states.every((x) => x === 'succeeded') ? states : undefined;
        });
        second.child.kill('SIGTERM');
        assert.equal(await second.exitCode(), 0, second.stderr());
      } finally {
        second.kill();
      }
      const after = await stateOf(p, executionId);
      assert.deepEqual(after.runs, ['interrupted', 'succeeded'], 'totals ran once more, once');
    } finally {
      first.kill();
      rmSync(p.dir, { recursive: true, force: true });
    }
  });

  it('within the drain bound: 503 while draining, the run completes normally, exit 0', async () => {
    const p = project();
    const { s, executionId } = await terminatedWhileRunning(p, 60_000, 'c2');
    try {
      writeFileSync(path.join(p.gate, 'release'), '');
      assert.equal(await s.exitCode(), 0, `exit code; stderr: ${s.stderr()}`);
      const stopped = s.lines.map((l) => JSON.parse(l) as { message: string; drained?: boolean; interrupted?: number }).find((l) => l.message === 'stopped');
      assert.deepEqual([stopped?.drained, stopped?.interrupted], [true, 0]);

      const st = await stateOf(p, executionId);
      assert.equal(st.lease, undefined);
      assert.equal(st.run?.status, 'succeeded');
      assert.ok(st.log.includes('run:succeeded'), `the log was flushed: ${st.log.join(', ')}`);
    } finally {
      s.kill();
      rmSync(p.dir, { recursive: true, force: true });
    }
  });
});
