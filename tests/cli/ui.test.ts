// `pipeline ui`: the status page over the local state a `pipeline run` left, on 127.0.0.1, printing
// its address; it shows what the run did, and stops on SIGTERM with exit 0.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../engine/cli/main.js';
import { bufferIO } from '../../engine/cli/io.js';
import { writeTinyProject } from '../support/tiny-project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('pipeline ui', () => {
  it('serves the page and the states of the local state on 127.0.0.1, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-ui-'));
    const spec = writeTinyProject(dir);
    const env = { PIPELINE_DIR: path.join(dir, '.pipeline') };
    const io = bufferIO(dir, env);
    assert.equal(await runCli(['-f', spec, 'run', '--date', '2025-01-01'], io), 0, io.stderr.join('\n'));

    const child = spawn(process.execPath, [path.join(ROOT, 'bin/pipeline.js'), '-f', spec, 'ui', '--port', '0', '--date', '2025-01-01'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed in 30s; stderr: ${stderr}`)), 30_000);
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /status page of tiny: (http:\/\/127\.0\.0\.1:\d+\/\?date=2025-01-01)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /\/ui\/app\.js/);
      const st = (await (await fetch(new URL('/status?date=2025-01-01', url))).json()) as { processors: Array<{ state: string }> };
      assert.deepEqual(st.processors.map((p) => p.state), ['succeeded', 'succeeded', 'succeeded']);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad port in one line, exit 2', async () => {
    const io = bufferIO(ROOT, {});
    assert.equal(await runCli(['ui', '--port', 'x'], io), 2);
    assert.match(io.stderr.join('\n'), /--port "x" is not a port/);
  });
});
