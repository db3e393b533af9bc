// While a local `pipeline serve` runs (a real child process holding the DuckDB state), the CLI's
// commands of the same state folder answer with one line naming the serve's pid and URL and exit 1 —
// never DuckDB's `Could not set lock on file` as an internal error; once it stopped, they work again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bufferIO } from '../../engine/cli/io.js';
import { runCli } from '../../engine/cli/main.js';
import { lockError, serveRecordPath } from '../../engine/cli/serve-record.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOP = path.join(ROOT, 'tests/fixtures/shop/pipeline.yaml');

describe('the CLI while a local serve runs', () => {
  let state: string;
  let child: ChildProcess;
  before(async () => {
    state = mkdtempSync(path.join(os.tmpdir(), 'pipeline-serve-lock-'));
    child = spawn(process.execPath, [path.join(ROOT, 'bin/pipeline.js'), '-f', SHOP, 'serve', '--host', '127.0.0.1', '--port', '0'], {
      cwd: ROOT, env: { ...process.env, PIPELINE_DIR: state }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Ready when its record is written (right after listening); bounded, and a child that exits fails it.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => void (out += b.toString()));
      child.stderr!.on('data', (b: Buffer) => void (out += b.toString()));
      const started = Date.now();
      const poll = setInterval(() => {
        if (existsSync(serveRecordPath(state))) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > 60_000) {
          clearInterval(poll);
          reject(new Error(`serve wrote no record within 60 s: ${out}`));
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(poll);
        reject(new Error(`serve exited with ${code}: ${out}`));
      });
    });
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(state, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    const io = bufferIO(ROOT, { PIPELINE_DIR: state });
    const code = await runCli(['-f', SHOP, ...args], io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  it('refuses reads and writes with one line naming the serve', async () => {
    for (const args of [['status', '--date', '2025-03-01'], ['run', '--date', '2025-03-01'], ['reconcile'], ['plan', '--table', 'shop.orders', '--date', '2025-03-01']]) {
      const r = await cli(...args);
      assert.equal(r.code, 1, `${args[0]}: ${r.err}`);
      assert.equal(r.err.split('\n').length, 1, r.err);
      assert.match(r.err, new RegExp(`held by \`pipeline serve\` \\(pid ${child.pid}, http://127\\.0\\.0\\.1:\\d+\\)`));
      assert.doesNotMatch(r.err, /lock on file|internal error/);
    }
  });

  it('plans from an empty state with --no-local-state, which needs no state', async () => {
    const r = await cli('plan', '--table', 'shop.orders', '--date', '2025-03-01', '--no-local-state');
    assert.equal(r.code, 0, r.err);
  });

  it('works again once the serve stopped (its record removed)', async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    assert.ok(!existsSync(serveRecordPath(state)));
    const r = await cli('status', '--date', '2025-03-01');
    assert.equal(r.code, 0, r.err);
  });

  it('words DuckDB\'s lock error of another process in one line with its pid', () => {
    const e = lockError(new Error('IO Error: Could not set lock on file "/x/local.duckdb": Conflicting lock is held in /usr/bin/node (PID 4242) by user root. See also https://duckdb.org/docs/connect/concurrency'), '/x');
    assert.equal(e?.message, 'the local state in /x is in use by another process (pid 4242): wait for it to finish or stop it, then run the command again');
    assert.equal(lockError(new Error('something else'), '/x'), undefined);
  });
});
