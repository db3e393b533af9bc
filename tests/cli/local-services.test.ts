// The sample data source as a command, and commands that find it with no environment set: a spec's
// `local.services` are taken from the environment, from a live record left by `pipeline source start`
// (or the demo), or started for the command; a dead record is cleaned up; a broken service is one line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli } from '../../engine/cli/main.js';
import { bufferIO } from '../../engine/cli/io.js';
import { recordPath, writeServiceRecord } from '../../engine/devkit/services.js';
import { tinySpec } from '../runtime/harness.js';
import { writeTinyProject } from '../support/tiny-project.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const API = (f: string) => pathToFileURL(path.join(ROOT, f)).href;

/** The tiny project, with its first processor fetching its events from a local service `items`. */
function projectWithService(): { dir: string; spec: string; state: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-services-'));
  const spec = writeTinyProject(dir);
  writeFileSync(path.join(dir, 'p', 'items.ts'), [
    `import { createServer } from 'node:http';`,
    `import { defineLocalService } from '${API('engine/devkit/local-service.ts')}';`,
    `export default defineLocalService({ async start({ port }) {`,
    `  const server = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify([{ item: 'x', value: 7 }, { item: 'y', value: 8 }])); });`,
    `  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));`,
    `  const a = server.address() as { port: number };`,
    `  return { url: 'http://127.0.0.1:' + a.port, close: () => new Promise<void>((r) => server.close(() => r())) };`,
    `} });`,
  ].join('\n'));
  writeFileSync(path.join(dir, 'p', 'load_events.ts'), [
    `import { defineUntypedProcessor } from '${API('engine/runtime/processor.ts')}';`,
    `export default defineUntypedProcessor('load_events', { async run(ctx: any) {`,
    `  const url = ctx.env('ITEMS_URL'); if (!url) throw new Error('ITEMS_URL is not set');`,
    `  ctx.write(await ctx.fetchJson(url + '/items'));`,
    `} });`,
  ].join('\n'));
  const text = readFileSync(spec, 'utf8').replace(/module: none\.ts/g, 'module: p/none.ts');
  writeFileSync(spec, tinySpec({ local: { services: { items: { module: 'p/items.ts', env: 'ITEMS_URL' } } } }, text));
  return { dir, spec, state: path.join(dir, '.pipeline') };
}

async function cli(spec: string, args: string[], env: Record<string, string> = {}) {
  const io = bufferIO(path.dirname(spec), env);
  const code = await runCli(['-f', spec, ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('local services', () => {
  it('are started for a command that runs processors when nothing provides their URL, and stopped after', async () => {
    const p = projectWithService();
    try {
      const r = await cli(p.spec, ['run', '--date', '2025-01-01'], { PIPELINE_DIR: p.state });
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /items: started at http:\/\/127\.0\.0\.1:\d+ for this command \(ITEMS_URL\)/);
      assert.match(r.out, /ingest\s+1\s+1\s+0/);
      assert.equal(existsSync(recordPath(p.state, 'items')), false, 'a service started for one command is not recorded for others');
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  });

  it('are not started when their variable is set', async () => {
    const p = projectWithService();
    try {
      const r = await cli(p.spec, ['run', '--date', '2025-01-01'], { PIPELINE_DIR: p.state, ITEMS_URL: 'http://127.0.0.1:9' });
      assert.equal(r.code, 1);
      assert.doesNotMatch(r.err, /items: (started|using)/);
      assert.match(r.err, /load_events/);
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  });

  it('are found running when `pipeline source start` left one, and its record goes when it stops', async () => {
    const p = projectWithService();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/pipeline.js'), '-f', p.spec, 'source', 'start'], {
      env: { ...process.env, PIPELINE_DIR: p.state }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed in 30s: ${out}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^items: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const rec = JSON.parse(readFileSync(recordPath(p.state, 'items'), 'utf8'));
      assert.deepEqual([rec.url, rec.pid], [url, child.pid]);
      const r = await cli(p.spec, ['run', '--date', '2025-01-02'], { PIPELINE_DIR: p.state });
      assert.equal(r.code, 0, r.err);
      assert.ok(r.err.includes(`items: using ${url} (pid ${child.pid}) for ITEMS_URL`), r.err);
      const again = await cli(p.spec, ['source', 'start'], { PIPELINE_DIR: p.state });
      assert.equal(again.code, 1);
      assert.ok(again.err.includes(`items already runs at ${url}`), again.err);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(existsSync(recordPath(p.state, 'items')), false, 'the record is removed on SIGTERM');
      rmSync(p.dir, { recursive: true, force: true });
    }
  });

  it('ignore and remove a record whose process is gone', async () => {
    const p = projectWithService();
    try {
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      mkdirSync(p.state, { recursive: true });
      writeServiceRecord(p.state, 'items', 'http://127.0.0.1:9', Number(gone.stdout));
      const r = await cli(p.spec, ['run', '--date', '2025-01-01'], { PIPELINE_DIR: p.state });
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /items: started at/);
      assert.equal(existsSync(recordPath(p.state, 'items')), false);
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  });

  it('that cannot start fail the command in one line, without a stack', async () => {
    const p = projectWithService();
    try {
      writeFileSync(p.spec, readFileSync(p.spec, 'utf8').replace('module: p/items.ts', 'module: p/missing.ts'));
      const r = await cli(p.spec, ['run', '--date', '2025-01-01'], { PIPELINE_DIR: p.state });
      assert.equal(r.code, 1);
      assert.match(r.err, /^pipeline: local service items: module p\/missing\.ts does not exist \(local\.services\.items\.module in /m);
      assert.doesNotMatch(r.err, /\n\s+at /);
      const bad = await cli(p.spec, ['source', 'start', 'itemz'], { PIPELINE_DIR: p.state });
      assert.equal(bad.code, 2);
      assert.match(bad.err, /unknown local service "itemz" \(did you mean items\?\)/);
    } finally {
      rmSync(p.dir, { recursive: true, force: true });
    }
  });
});

describe('the NBA pipeline with no environment', () => {
  it('runs its scrapers against the sample source it starts itself', async () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'pipeline-nba-noenv-'));
    try {
      const io = bufferIO(ROOT, { PIPELINE_DIR: state });
      const code = await runCli(['run', '--date', '2025-11-15', '--processors', 'scrape_nbac_schedule'], io);
      const err = io.stderr.join('\n');
      assert.equal(code, 0, err);
      assert.match(err, /sample_source: started at http:\/\/127\.0\.0\.1:\d+ for this command \(SOURCE_BASE_URL\)/);
      assert.doesNotMatch(err, /MissingConfigError/);
      assert.match(io.stdout.join('\n'), /scrapers\s+1\s+1\s+0/);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
