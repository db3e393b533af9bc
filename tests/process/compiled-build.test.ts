// The compiled engine runs without tsx, as the image runs it: `npm run build` into a scratch folder,
// then plain `node` (no loader) validates the shipped spec with its compiled processors, loads a
// compiled processor through `pipeline/processor`, and serves /healthz on the local backend until
// SIGTERM; `bin/pipeline.js` beside a dist/ runs the compiled entry.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the checkout, so the compiled files find node_modules by walking up, as in the image.
const BUILD = path.join(ROOT, `.tmp-build-${process.pid}`);
const DIST = path.join(BUILD, 'dist');
const MAIN = path.join(DIST, 'engine', 'cli', 'main.js');

/** Plain node: no --import tsx, no NODE_OPTIONS. */
function nodeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _n, ...env } = process.env;
  return { ...env, METADATA_SERVER_DETECTION: 'none', ...extra };
}

const run = (args: string[], env = nodeEnv()) => spawnSync(process.execPath, args, { cwd: BUILD, env, encoding: 'utf8', timeout: 60_000 });

describe('the compiled engine (npm run build)', () => {
  before(() => {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--out', DIST], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(b.status, 0, `build failed: ${b.stdout}${b.stderr}`);
  });
  after(() => rmSync(BUILD, { recursive: true, force: true }));

  it('emits JavaScript only, beside the spec, the contracts and a package.json of its own', () => {
    for (const f of ['engine/cli/main.js', 'engine/runtime/processor.js', 'processors/analytics/player_game_summary.js', 'pipeline.yaml', 'contracts/run_requested.schema.json', 'processors/publishing/schemas/common.schema.json', 'package.json'])
      assert.ok(existsSync(path.join(DIST, f)), f);
    assert.ok(!existsSync(path.join(DIST, 'engine/cli/main.ts')));
  });

  it('validates the shipped spec with plain node, each processor module found as its compiled .js', () => {
    const r = run([MAIN, 'validate', path.join(DIST, 'pipeline.yaml')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is valid: \d+ processors/);
    assert.doesNotMatch(r.stderr, /PIPE043/, 'no module reported missing');
  });

  it('loads a compiled processor, whose `pipeline/processor` import resolves inside dist/', () => {
    const script = `
      const { loadPlan } = await import(${JSON.stringify(pathToFileURL(path.join(DIST, 'engine/spec/index.js')).href)});
      const { ModuleExecutor } = await import(${JSON.stringify(pathToFileURL(path.join(DIST, 'engine/runtime/executor.js')).href)});
      const plan = loadPlan(${JSON.stringify(path.join(DIST, 'pipeline.yaml'))}).plan;
      const def = await new ModuleExecutor({}).load(plan, 'player_game_summary');
      console.log(def.name, typeof def.run);`;
    const r = run(['--input-type=module', '-e', script]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'player_game_summary function');
  });

  it('serves /healthz on the local backend and exits 0 on SIGTERM', async () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'pipeline-compiled-'));
    const child = spawn(process.execPath, [MAIN, '-f', path.join(DIST, 'pipeline.yaml'), 'serve', '--backend', 'local', '--port', '0', '--host', '127.0.0.1'], {
      cwd: BUILD, env: nodeEnv({ PIPELINE_DIR: state }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "serving" line in 60 s; stderr: ${err}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /serving on port (\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        void exited.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const r = await request(`http://127.0.0.1:${port}/healthz`);
      const body = (await r.body.json()) as { status: string; backend: string; version: string; pipeline: string };
      assert.equal(r.statusCode, 200);
      assert.deepEqual([body.status, body.backend, body.pipeline, body.version], ['ok', 'local', 'nba-props', '0.1.0']);
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 30_000).unref())]);
      assert.equal(code, 0, err);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(state, { recursive: true, force: true });
    }
  });

  it('bin/pipeline.js runs the compiled entry when dist/ is beside it', () => {
    // A copy of the binary in the scratch root: its dist/ is the build; there are no sources to fall back on.
    mkdirSync(path.join(BUILD, 'bin'), { recursive: true });
    copyFileSync(path.join(ROOT, 'bin/pipeline.js'), path.join(BUILD, 'bin/pipeline.js'));
    const r = run([path.join(BUILD, 'bin/pipeline.js'), 'validate', path.join(DIST, 'pipeline.yaml')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is valid/);
  });

  it('bin/pipeline.js on the compiled engine loads a project processor written in TypeScript (tsx registered on first use)', () => {
    // bin/ beside dist/ (the test above copies it) runs the compiled engine without tsx at start; the
    // project's .ts processor makes it register tsx before the import.
    mkdirSync(path.join(BUILD, 'bin'), { recursive: true });
    copyFileSync(path.join(ROOT, 'bin/pipeline.js'), path.join(BUILD, 'bin/pipeline.js'));
    const project = path.join(BUILD, 'ts-project');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'pipeline.yaml'), [
      'version: 1', 'name: tsp', 'partition: { key: day }', 'datasets:', '  d:', '    tables:',
      '      greetings: { columns: { day: { type: date }, k: { type: string } }, key: [k] }',
      'phases:', '  one: { number: 1, topic: tsp-one }',
      'processors:', '  hello: { phase: one, module: hello.ts, writes: d.greetings }', '',
    ].join('\n'));
    writeFileSync(path.join(project, 'hello.ts'), [
      "import { defineUntypedProcessor } from '../dist/engine/runtime/processor.js';",
      "const greeting: string = 'hi';",
      "export default defineUntypedProcessor('hello', { run: (ctx) => ctx.write([{ k: greeting }]) });", '',
    ].join('\n'));
    const r = spawnSync(process.execPath, [path.join(BUILD, 'bin/pipeline.js'), 'run', '--date', '2025-01-01'], { cwd: project, env: nodeEnv(), encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^one +1 +1 +0 /m, 'the processor ran and succeeded');
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /Unknown file extension|cannot load/);
  });
});
