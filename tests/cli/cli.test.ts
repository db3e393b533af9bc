// The CLI as a data engineer uses it (issue 2 "Done when"): validate, graph, plan (the dry-run
// cascade from a gamebook update through phase 6 with the gate firing once; a missing critical input;
// a backfill stopping after analytics), and bad arguments (one line with the accepted form, exit 2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../engine/cli/main.js';
import { bufferIO } from '../../engine/cli/io.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STATE = 'tests/fixtures/plan-state/raw-loaded.json';

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = bufferIO(ROOT, { PIPELINE_DIR: path.join(os.tmpdir(), 'pipeline-cli-unused'), ...env });
  const code = await runCli(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const rowsOf = (out: string) => out.split('\n').filter((l) => /^\d+\s/.test(l));

describe('pipeline validate', () => {
  it('passes on the reference spec with module checks', async () => {
    const r = await cli(['validate']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /pipeline\.yaml is valid: \d+ processors/);
  });

  it('fails with located diagnostics and exit 1 for every invalid corpus case', async () => {
    const dir = path.join(ROOT, 'tests/spec/invalid');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 40);
    for (const f of files) {
      const r = await cli(['validate', '--no-modules', path.join('tests/spec/invalid', f)]);
      assert.equal(r.code, 1, `${f} should fail`);
      assert.match(r.err, new RegExp(`tests/spec/invalid/${f.replace('.', '\\.')}:\\d+:\\d+ error PIPE\\d{3} `), f);
      assert.doesNotMatch(r.err, /\n\s+at .*\(.*:\d+:\d+\)/, `${f}: no stack trace`);
    }
  });

  it('reports an unreadable file as a diagnostic, not a crash', async () => {
    const r = await cli(['validate', 'nope.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot read nope\.yaml: no such file/);
  });
});

describe('pipeline graph', () => {
  it('renders the whole DAG as mermaid', async () => {
    const r = await cli(['graph', '--format', 'mermaid']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^flowchart LR/);
    for (const name of ['scrape_nbac_gamebook', 'player_game_summary', 'ml_feature_store_v2', 'player_points_predictions', 'export_predictions']) assert.ok(r.out.includes(`"${name}"`), name);
    assert.match(r.out, /gate phase3_complete/);
    assert.match(r.out, /stage precompute/);
    for (let i = 1; i <= 6; i++) assert.match(r.out, new RegExp(`subgraph phase_\\w+\\["${i}\\. `));
  });

  it('renders dot and json, and one phase', async () => {
    assert.match((await cli(['graph', '--format', 'dot'])).out, /^digraph "nba-props"/);
    const j = JSON.parse((await cli(['graph', '--format', 'json', '--phase', '4'])).out) as { nodes: Array<{ kind: string; label: string; phase?: string }> };
    assert.deepEqual(j.nodes.filter((n) => n.kind === 'processor').map((n) => n.phase).filter((p, i, a) => a.indexOf(p) === i), ['precompute']);
  });
});

describe('pipeline plan (dry run)', () => {
  it('prints the cascade from a gamebook update through phase 6, in level order, with the gate firing exactly once', async () => {
    const r = await cli(['plan', '--table', 'nba_raw.nbac_gamebook_player_stats', '--date', '2025-11-15', '--state', STATE]);
    assert.equal(r.code, 0, r.err);
    const rows = rowsOf(r.out);
    const at = (who: string, what = 'run') => rows.findIndex((l) => l.includes(` ${who} `) && l.includes(` ${what} `));
    assert.equal(rows.filter((l) => / phase3_complete\s+fired /.test(l)).length, 1, 'gate fires once');
    for (const p of ['team_offense_game_summary', 'team_defense_game_summary', 'player_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context'])
      assert.ok(at(p) >= 0 && at(p) < at('phase3_complete', 'fired'), `${p} runs before the gate fires`);
    const level = (p: string) => at(p);
    assert.ok(Math.max(level('team_defense_zone_analysis'), level('player_shot_zone_analysis')) < Math.min(level('player_daily_cache'), level('player_composite_factors')), 'level 1 before level 2');
    assert.ok(Math.max(level('player_daily_cache'), level('player_composite_factors')) < level('ml_feature_store_v2'), 'level 2 before level 3');
    assert.ok(level('ml_feature_store_v2') < level('player_points_predictions'));
    assert.ok(at('export_predictions') > at('player_points_predictions'), 'publishing in phase 6');
    assert.match(r.out, /publishing\s+\d+\s+\d+/);
    assert.match(r.out, /nothing is executed or written/);
  });

  it('prints the skip and its reason when a critical raw table is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-plan-'));
    const state = path.join(dir, 'state.json');
    writeFileSync(state, JSON.stringify({ now: '2025-11-16T08:00:00Z', partitions: [{ asset: 'nba_raw.nbac_gamebook_player_stats', partition: '2025-11-15', rows: 300 }] }));
    try {
      const r = await cli(['plan', '--table', 'nba_raw.nbac_gamebook_player_stats', '--date', '2025-11-15', '--state', state]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /team_offense_game_summary\s+skip:not-ready\s+critical input nba_raw\.nbac_team_boxscore for 2025-11-15 has no data yet/);
      assert.doesNotMatch(r.out, /phase3_complete\s+fired/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with stop_after analytics runs nothing past phase 3', async () => {
    const r = await cli(['plan', '--table', 'nba_raw.nbac_gamebook_player_stats', '--date', '2025-11-15', '--state', STATE, '--stop-after', 'analytics']);
    assert.equal(r.code, 0, r.err);
    const runs = rowsOf(r.out).filter((l) => / run /.test(l));
    assert.ok(runs.length >= 5);
    assert.ok(runs.every((l) => / analytics /.test(l)), runs.join('\n'));
    assert.match(r.out, /phase3_complete\s+skip:stop-after/);
    assert.match(r.out, /precompute\s+0\s+0/);
  });

  it('prints JSON decisions for machines', async () => {
    const r = await cli(['plan', '--table', 'nba_raw.nbac_gamebook_player_stats', '--date', '2025-11-15', '--state', STATE, '--json']);
    const j = JSON.parse(r.out) as { decisions: Array<{ event: string }> };
    assert.ok(j.decisions.some((d) => d.event === 'gate:fired'));
  });

  it('accepts a legacy scraper message as the event', async () => {
    const event = JSON.stringify({ scraper_name: 'nbac_injury_report', execution_id: 'x1', status: 'success', gcs_path: 'gs://nba-scraped-data/nba-com/injury-report-data/2025-11-15/14/20251115T190000Z.json' });
    const r = await cli(['plan', '--event', event]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /objects\/nbac_injury_report\s+updated/);
    assert.match(r.out, /nbac_injury_report_processor/);
  });
});

describe('bad CLI arguments', () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', '--date', '2025-13-01'], /--date "2025-13-01" is not a date — expected --date YYYY-MM-DD/],
    [['run', '--date', '2025-11-15', '--to', '2025-11-01'], /is before --date/],
    [['explain', 'nosuch', '--date', '2025-11-15'], /unknown processor "nosuch"/],
    [['explain', 'player_game_sumary', '--date', '2025-11-15'], /did you mean player_game_summary/],
    [['graph', '--format', 'png'], /--format "png" is not allowed — expected --format mermaid\|dot\|json/],
    [['plan', '--date', '2025-11-15'], /give an event or a table update/],
    [['plan', '--table', 'nba_raw.nope', '--date', '2025-11-15'], /unknown table/],
    [['backfill', '--from', '2025-11-01', '--to', '2025-11-02', '--concurrency', '0'], /--concurrency "0" is not a whole number/],
    [['backfill', '--from', '2025-11-01', '--to', '2025-11-02', '--stop-after', 'nope'], /--stop-after "nope" is not a phase/],
    [['serve', '--backend', 'aws'], /--backend "aws" is not allowed/],
    [['schedule', 'run', 'nope', '--at', 'yesterday'], /--at "yesterday" is not a time/],
    [['nosuchcommand'], /unknown command|too many arguments/],
    [['run'], /required option '--date <date>' not specified/],
  ];
  for (const [args, re] of cases) {
    it(`pipeline ${args.join(' ')} → one line, exit 2`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2, `${r.out}\n${r.err}`);
      assert.match(r.err, re);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    });
  }
});
