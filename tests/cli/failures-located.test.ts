// A bug in a processor, as a new user meets it (issue 12): the CLI reports each failed attempt as it
// happens, with where it threw in the processor's own `.ts` file; the local retry policy is short
// (or `--fail-fast`); the run exits non-zero; `explain` (text and JSON) and `dlq list` name the
// file:line too, and show what the run logged; a plain re-run of the failed partition says it failed
// for good earlier, how to run it again, and exits non-zero.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli } from '../../engine/cli/main.js';
import { bufferIO } from '../../engine/cli/io.js';
import type { LogEntry } from '../../engine/ports.js';
import { tinySpec } from '../runtime/harness.js';
import { writeTinyProject } from '../support/tiny-project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = pathToFileURL(path.join(ROOT, 'engine/runtime/processor.ts')).href;

/** The tiny project whose `totals` logs a line, then dereferences null on line 4 of p/totals.ts. */
function buggyProject(retry?: Record<string, unknown>): { spec: string; env: Record<string, string> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-buggy-'));
  const spec = writeTinyProject(dir);
  writeFileSync(path.join(dir, 'p', 'totals.ts'), [
    `import { defineUntypedProcessor } from '${API}';`,
    `export default defineUntypedProcessor('totals', { async run(ctx: any) {`,
    `  ctx.log.info('reading events', { day: ctx.partition });`,
    `  (null as any).boom;`,
    `} });`,
  ].join('\n'));
  if (retry) writeFileSync(spec, tinySpec({ defaults: { retry } }, readFileSync(spec, 'utf8')));
  return { spec, env: { PIPELINE_DIR: path.join(dir, '.pipeline') } };
}

async function cli(p: { spec: string; env: Record<string, string> }, args: string[]) {
  const io = bufferIO(path.dirname(p.spec), p.env);
  const code = await runCli(['-f', p.spec, ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const AT = /at p\/totals\.ts:4:\d+/;

describe('a throwing processor', () => {
  it('is reported with its file:line as it fails, in explain, explain --json and dlq list; the run exits 1', async () => {
    const p = buggyProject();
    const r = await cli(p, ['run', '--date', '2025-01-01', '--fail-fast']);
    assert.equal(r.code, 1, r.out);
    const live = r.err.split('\n').find((l) => l.startsWith('[totals 2025-01-01] failed for good after 1 attempt(s)'));
    assert.ok(live, r.err);
    assert.match(live, /TypeError: Cannot read properties of null \(reading 'boom'\) at p\/totals\.ts:4:\d+$/);
    assert.match(r.err, /failures:\n {2}2025-01-01 totals: TypeError: .* at p\/totals\.ts:4:\d+/);

    const ex = await cli(p, ['explain', 'totals', '--date', '2025-01-01']);
    assert.equal(ex.code, 0, ex.err);
    assert.match(ex.out, /run:failed-terminal/);
    assert.match(ex.out, /TypeError: Cannot read properties of null \(reading 'boom'\) at p\/totals\.ts:4:\d+/);
    assert.match(ex.out, /log info reading events \{"day":"2025-01-01"\}/, 'the log lines of the failed run');

    const json = JSON.parse((await cli(p, ['explain', 'totals', '--date', '2025-01-01', '--json'])).out) as LogEntry[];
    const failed = json.find((e) => e.event === 'run:failed-terminal')!;
    const detail = failed.detail as { error: { at: string; stack: string[] }; logs: Array<{ message: string }> };
    assert.match(detail.error.at, /^p\/totals\.ts:4:\d+$/);
    assert.ok(detail.error.stack.every((f) => !f.includes('engine/') && !f.includes('node_modules')), detail.error.stack.join('\n'));
    assert.deepEqual(detail.logs.map((l) => l.message), ['reading events']);

    const dlq = await cli(p, ['dlq', 'list']);
    assert.equal(dlq.code, 0, dlq.err);
    assert.match(dlq.out, /totals failed for good: TypeError: .* at p\/totals\.ts:4:\d+/);

    const st = JSON.parse((await cli(p, ['status', '--date', '2025-01-01', '--json'])).out) as { processors: Array<{ processor: string; lastRun?: { errorAt?: string } }> };
    assert.match(st.processors.find((x) => x.processor === 'totals')!.lastRun!.errorAt!, /^p\/totals\.ts:4:\d+$/, 'the run record keeps the location');
  });

  it('retries briefly by default on the CLI, not with the spec\'s minutes-long backoff', async () => {
    const p = buggyProject({ max_attempts: 5, initial_backoff: '10s', max_backoff: '10m' });
    const r = await cli(p, ['run', '--date', '2025-01-01']);
    assert.equal(r.code, 1);
    const lines = r.err.split('\n').filter((l) => l.startsWith('[totals 2025-01-01]'));
    assert.equal(lines.length, 3, r.err);
    assert.match(lines[0]!, /^\[totals 2025-01-01\] retry 2\/3 in 1s: TypeError: .* at p\/totals\.ts:4:\d+$/);
    assert.match(lines[1]!, /^\[totals 2025-01-01\] retry 3\/3 in 2s: /);
    assert.match(lines[2]!, /failed for good after 3 attempt\(s\): TypeError: .*/);
    assert.match(lines[2]!, AT);
  });

  it('left failed, makes a plain re-run say so, name the command that runs it again, and exit 1', async () => {
    const p = buggyProject();
    assert.equal((await cli(p, ['run', '--date', '2025-01-01', '--fail-fast'])).code, 1);
    const again = await cli(p, ['run', '--date', '2025-01-01']);
    assert.equal(again.code, 1, again.err);
    assert.match(again.err, /failed for good earlier \(1\):\n {2}2025-01-01 totals: failed for good: TypeError: .* at p\/totals\.ts:4:\d+/);
    assert.match(again.err, /`pipeline run --date 2025-01-01 --processors totals --force`/);
    assert.doesNotMatch(again.err, /failures:/, 'nothing failed in this run itself');
  });

  it('refuses --fail-fast with --spec-retry in one line, exit 2', async () => {
    const p = buggyProject();
    const r = await cli(p, ['run', '--date', '2025-01-01', '--fail-fast', '--spec-retry']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--fail-fast and --spec-retry cannot be given together/);
  });
});
