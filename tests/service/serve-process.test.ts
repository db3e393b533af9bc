// `pipeline serve` as a real process: answers /healthz, processes a pushed cascade on the embedded
// default, and on SIGTERM stops taking work, finishes, and exits 0.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { tinyPlan } from '../runtime/harness.js';
import { writeTinyProject } from '../support/tiny-project.js';
import { toWire } from '../../engine/core/messages.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
describe('pipeline serve (a real process)', () => {
  it('answers /healthz, processes a pushed cascade, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-serve-'));
    const specFile = writeTinyProject(dir);
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/pipeline.js'), '-f', specFile, 'serve', '--port', '0', '--host', '127.0.0.1', '--drain-ms', '5000'], {
      env: { ...process.env, PIPELINE_DIR: path.join(dir, '.pipeline') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "serving" line in 30s; stderr: ${stderr}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          for (const l of d.toString().split('\n').filter(Boolean)) {
            lines.push(l);
            const m = /serving on port (\d+)/.exec(l);
            if (m) {
              clearTimeout(timer);
              resolve(Number(m[1]));
            }
          }
        });
      });
      for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `structured log line: ${l}`);
      assert.ok(lines.some((l) => JSON.parse(l).severity === 'INFO'));
      const base = `http://127.0.0.1:${port}`;
      const health = await request(`${base}/healthz`);
      const hb = (await health.body.json()) as { status: string; backend: string; specHash: string };
      assert.equal(health.statusCode, 200);
      assert.deepEqual([hb.status, hb.backend], ['ok', 'local']);

      const plan = tinyPlan();
      const data = toWire(plan, { type: 'run_requested', processor: 'load_events', partition: '2025-05-01', scope: null, reason: 'manual', source: 'test', correlationId: 'serve-test', parents: [], backfill: null, emittedAt: Date.now() }).data;
      const push = await request(`${base}/events/tiny-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: 'p1' }, subscription: 's' }) });
      const pushed = await push.body.text();
      assert.equal(push.statusCode, 204, pushed);
      let states: string[] = [];
      for (let i = 0; i < 100; i++) {
        const s = await request(`${base}/status?date=2025-05-01`);
        states = ((await s.body.json()) as { processors: Array<{ state: string }> }).processors.map((p) => p.state);
        if (states.every((x) => x === 'succeeded')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(states, ['succeeded', 'succeeded', 'succeeded']);

      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
      assert.equal(code, 0, `exit code; stderr: ${stderr}`);
      assert.ok(lines.some((l) => /"message":"stopped"/.test(l)), 'logged its stop');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
