// `pipeline new processor` and `pipeline new pipeline`, as a data engineer uses them: on a copy of the
// NBA pipeline, on a copy of the shop pipeline and on a pipeline of one's own, the scaffold leaves the
// spec valid with its comments and layout kept, the code typed (tsc), the generated files current
// (codegen --check) and the scaffolded tests passing — with no hand edit. Bad arguments get one line,
// exit 2 and a did-you-mean, and change nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bufferIO } from '../../engine/cli/io.js';
import { runCli } from '../../engine/cli/main.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = path.join(ROOT, 'node_modules/.bin/tsc');

async function cli(cwd: string, ...args: string[]) {
  const io = bufferIO(cwd, { PIPELINE_DIR: path.join(cwd, '.pipeline') });
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

function tsc(dir: string): void {
  const r = spawnSync(TSC, ['--noEmit', '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `tsc in ${dir}:\n${r.stdout}${r.stderr}`);
}

function nodeTest(...files: string[]): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...files], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `${files.join(' ')}:\n${r.stdout}${r.stderr}`);
}

/** The old text's lines, in order, are all in the new one: the scaffold only added lines. */
function onlyAdded(before: string, now: string): string[] {
  const a = before.split('\n');
  const b = now.split('\n');
  const added: string[] = [];
  let i = 0;
  for (const line of b) {
    if (i < a.length && line === a[i]) i++;
    else added.push(line);
  }
  assert.equal(i, a.length, `line ${i + 1} of the original spec is gone or changed: ${JSON.stringify(a[i])}`);
  return added;
}

/** A copy of the repository's NBA pipeline in a temp folder, the engine linked in as in the repo. */
function nbaCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-new-nba-'));
  for (const f of ['pipeline.yaml', 'processors', 'generated', 'contracts', 'infra', 'package.json']) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  for (const f of ['engine', 'codegen', 'node_modules', 'schema']) symlinkSync(path.join(ROOT, f), path.join(dir, f));
  cpSync(path.join(ROOT, 'tests/processors'), path.join(dir, 'tests/processors'), { recursive: true });
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: ['processors', 'generated', 'tests/processors'], exclude: [] }));
  return dir;
}

describe('pipeline new processor on a copy of the NBA pipeline', () => {
  let dir: string;
  let original: string;
  before(() => {
    dir = nbaCopy();
    original = readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a processor and its new table, keeping every comment and line of the spec', async () => {
    const r = await cli(dir, 'new', 'processor', 'team_scoring_leaders', '--phase', 'analytics', '--reads', 'nba_analytics.team_offense_game_summary,objects/nbac_schedule', '--writes', 'nba_analytics.team_scoring_leaders');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /added processor team_scoring_leaders to pipeline\.yaml \(phase analytics; .* a new table with starter columns\)/);
    assert.match(r.out, /wrote processors\/analytics\/team_scoring_leaders\.ts and tests\/processors\/team_scoring_leaders\.test\.ts/);
    assert.match(r.out, /codegen: pipeline\.yaml: \d+ files/);
    assert.match(r.out, /next:\n {2}1\. edit processors\/analytics\/team_scoring_leaders\.ts/);
    assert.match(r.out, /codegen — the typed reads and rows come from it \(tsc fails until it ran\)/);
    const now = readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8');
    const added = onlyAdded(original, now);
    assert.ok(added.includes('  team_scoring_leaders:') && added.includes('      team_scoring_leaders:'), added.join('\n'));
    assert.ok(added.includes('      nba_analytics.team_offense_game_summary: { critical: true }'), added.join('\n'));
    // Among the analytics processors, before the precompute section's comment.
    const lines = now.split('\n');
    const at = lines.indexOf('  team_scoring_leaders:');
    const precompute = lines.findIndex((l) => l.includes('phase 4: precompute'));
    const analytics = lines.findIndex((l) => l.includes('phase 3: analytics'));
    assert.ok(analytics < at && at < precompute, `inserted at line ${at + 1}, analytics at ${analytics + 1}, precompute at ${precompute + 1}`);
  });

  it('adds a scoped processor with an optional read and a trigger', async () => {
    const before = readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8');
    const r = await cli(dir, 'new', 'processor', 'player_counts', '--phase', '4', '--reads', 'nba_analytics.player_game_summary', '--optional', 'nba_raw.nbac_schedule', '--trigger', 'nba_analytics.player_game_summary', '--scope', 'player', '--writes', 'nba_precompute.player_counts');
    assert.equal(r.code, 0, r.err);
    const added = onlyAdded(before, readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8'));
    for (const l of ['    scopes: [player]', '      nba_raw.nbac_schedule: { critical: false }', '    triggers: [nba_analytics.player_game_summary]', '        key: [player_lookup]', '        entities: { player: player_lookup }'])
      assert.ok(added.includes(l), `${l} not in:\n${added.join('\n')}`);
  });

  it('leaves the pipeline valid, typed, generated and tested with no hand edit', async () => {
    const v = await cli(dir, 'validate');
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /valid: 37 processors/);
    const check = await cli(dir, 'codegen', '--check');
    assert.equal(check.code, 0, check.err);
    tsc(dir);
    nodeTest(path.join(dir, 'tests/processors/team_scoring_leaders.test.ts'), path.join(dir, 'tests/processors/player_counts.test.ts'));
    const plan = await cli(dir, 'plan', '--table', 'nba_analytics.team_offense_game_summary', '--date', '2025-11-15', '--no-local-state');
    assert.equal(plan.code, 0, plan.err);
    // Its input's update reaches it (it waits for its other critical input).
    assert.match(plan.out, /team_scoring_leaders\s+skip:not-ready\s+critical input objects\/nbac_schedule/);
  });

  it('answers bad arguments with one line, exit 2 and a did-you-mean, changing nothing', async () => {
    const before = readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8');
    const cases: Array<[string[], RegExp]> = [
      [['--phase', 'analytic', '--reads', 'nba_raw.nbac_schedule', '--writes', 'nba_analytics.x1'], /unknown phase "analytic" \(did you mean analytics\?\) — expected --phase 1\|scrapers/],
      [['--phase', 'analytics', '--reads', 'nba_raw.nbac_schedul', '--writes', 'nba_analytics.x1'], /unknown table or collection "nba_raw\.nbac_schedul" \(did you mean nba_raw\.nbac_schedule\?\)/],
      [['--phase', 'analytics', '--reads', 'nba_raw.nbac_schedule', '--writes', 'nba_analytic.x1'], /unknown dataset "nba_analytic" \(did you mean nba_analytics\?\)/],
      [['--phase', 'analytics', '--reads', 'nba_raw.nbac_schedule', '--writes', 'nba_analytics.player_game_summary'], /written by player_game_summary already/],
      [['--phase', 'analytics', '--reads', 'nba_raw.nbac_schedule', '--writes', 'nba_analytics.x1', '--scope', 'players'], /unknown entity "players" \(did you mean player\?\)/],
      [['--phase', 'analytics', '--reads', 'nba_raw.nbac_schedule', '--writes', 'nba_analytics.x1', '--trigger', 'nba_raw.nbac_schedules'], /not one of its reads: "nba_raw\.nbac_schedules" \(did you mean nba_raw\.nbac_schedule\?\)/],
      [['--phase', 'analytics', '--writes', 'nba_analytics.x1'], /--reads is required/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(dir, 'new', 'processor', 'x1', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(r.err.split('\n').length, 1, r.err);
    }
    const taken = await cli(dir, 'new', 'processor', 'player_game_summary', '--phase', 'analytics', '--reads', 'nba_raw.nbac_schedule', '--writes', 'nba_analytics.x1');
    assert.equal(taken.code, 2);
    assert.match(taken.err, /processor player_game_summary already exists/);
    assert.equal(readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8'), before);
    assert.ok(!existsSync(path.join(dir, 'processors/analytics/x1.ts')));
  });
});

describe('pipeline new processor on a copy of the shop pipeline', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-new-shop-'));
    cpSync(path.join(ROOT, 'tests/fixtures/shop'), dir, { recursive: true });
    // Outside the repository the engine is found as an installed package: node_modules/pipeline.
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(ROOT, path.join(dir, 'node_modules', 'pipeline'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module', dependencies: { pipeline: `file:${ROOT}` } }));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'), compilerOptions: { typeRoots: [path.join(ROOT, 'node_modules/@types')] },
      include: ['processors', 'generated', 'tests', 'sample-source.ts'], exclude: [],
    }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds a store-scoped report that validates, type-checks, stays generated and passes its test', async () => {
    const before = readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8');
    const r = await cli(dir, 'new', 'processor', 'store_refunds', '--phase', 'report', '--reads', 'shop.orders', '--scope', 'store', '--writes', 'shop_report.store_refunds');
    assert.equal(r.code, 0, r.err);
    const added = onlyAdded(before, readFileSync(path.join(dir, 'pipeline.yaml'), 'utf8'));
    assert.ok(added.includes('      store_refunds:') && added.includes('  store_refunds:'), added.join('\n'));
    assert.ok(existsSync(path.join(dir, 'tests/store_refunds.test.ts')));
    assert.equal((await cli(dir, 'validate')).code, 0);
    const check = await cli(dir, 'codegen', '--check');
    assert.equal(check.code, 0, check.err);
    tsc(dir);
    nodeTest(path.join(dir, 'tests/store_refunds.test.ts'));
  });
});

describe('pipeline new pipeline', () => {
  let tmp: string;
  let dir: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pipeline-new-own-'));
    dir = path.join(tmp, 'sensors');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('starts a pipeline of its own that validates, runs a date and is generated', async () => {
    const r = await cli(tmp, 'new', 'pipeline', 'sensors');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /created pipeline sensors in sensors/);
    const spec = path.join(dir, 'pipeline.yaml');
    const v = await cli(tmp, '-f', spec, 'validate');
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /valid: 2 processors/);
    const run = await cli(dir, 'run', '--date', '2025-01-15');
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /sample_readings: started at http:\/\/127\.0\.0\.1:\d+ for this command \(READINGS_BASE_URL\)/);
    assert.match(run.out, /load\s+1\s+1\s+0/);
    const status = await cli(dir, 'status', '--date', '2025-01-15');
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /load_readings\s+\S+\s+12 rows/);
    assert.equal((await cli(dir, 'codegen', '--check')).code, 0);
    tsc(dir);
    nodeTest(path.join(dir, 'tests/processors.test.ts'));
  });

  it('takes a scaffolded processor: still valid, typed, generated and tested', async () => {
    const r = await cli(dir, 'new', 'processor', 'daily_counts', '--phase', 'report', '--reads', 'sensors.readings', '--scope', 'sensor', '--writes', 'sensors.daily_counts');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /npx pipeline -f pipeline\.yaml codegen — the typed reads and rows come from it/);
    assert.equal((await cli(dir, 'validate')).code, 0);
    assert.equal((await cli(dir, 'codegen', '--check')).code, 0);
    tsc(dir);
    nodeTest(path.join(dir, 'tests/daily_counts.test.ts'));
    const run = await cli(dir, 'run', '--date', '2025-01-16');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /report\s+1\s+1\s+0/);
  });

  it('refuses a folder that is not empty, with one line and exit 2', async () => {
    const r = await cli(tmp, 'new', 'pipeline', 'sensors');
    assert.equal(r.code, 2);
    assert.match(r.err, /^pipeline: sensors exists and is not empty — expected pipeline new pipeline DIR with a new or empty folder$/);
  });
});
