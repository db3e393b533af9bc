// Did-you-mean for every closed set of the language: each case misspells one name of a valid spec and
// expects exactly one diagnostic, with the code of that rule and the hint naming the intended value.
// Also the matching rules themselves (case and separators, typos, a name part of the other).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../../engine/spec/diagnostics.js';
import { planFromText } from '../../engine/spec/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** gate-and-stage.yaml with a bucket, an object collection, a check and an alert sink added. */
const BASE = `${readFileSync(path.join(HERE, 'valid', 'gate-and-stage.yaml'), 'utf8')}
buckets:
  landing: { name: gated-landing }
objects:
  box_files: { bucket: landing, path: "box/{date}.json" }
checks:
  players_loaded:
    table: analytics.players
    kind: row_count
    fail_below: 1
    sinks: [oncall]
alerts:
  oncall: { type: log, min_severity: warn }
`;

function check(text: string) {
  return planFromText(text, 'pipeline.yaml', '.', { checkModules: false }).diagnostics;
}

/** Replaces the one occurrence of `from` (it must occur exactly once). */
function misspell(from: string, to: string): string {
  const at = BASE.indexOf(from);
  assert.ok(at >= 0 && BASE.indexOf(from, at + 1) < 0, `\`${from}\` must occur once in the base spec`);
  return BASE.slice(0, at) + to + BASE.slice(at + from.length);
}

describe('did you mean, for every closed set', () => {
  it('the base spec checks clean', () => {
    assert.deepEqual(check(BASE), []);
  });

  const cases: Array<{ set: string; from: string; to: string; code: string; meant: string }> = [
    { set: 'processors (gate member)', from: 'wait_for: [player_totals, team_totals]', to: 'wait_for: [player_totals, team_totls]', code: 'PIPE011', meant: 'team_totals' },
    { set: 'processors (stage level)', from: '- [player_vectors]', to: '- [player_vector]', code: 'PIPE011', meant: 'player_vectors' },
    { set: 'processors (schedule target)', from: 'target: player_vectors\n  vectors_stragglers', to: 'target: player_vectros\n  vectors_stragglers', code: 'PIPE013', meant: 'player_vectors' },
    { set: 'tables (read)', from: 'reads: { raw.box: }', to: 'reads: { raw.bx: }', code: 'PIPE010', meant: 'raw.box' },
    { set: 'tables (output)', from: 'writes: analytics.teams', to: 'writes: analytics.team', code: 'PIPE010', meant: 'analytics.teams' },
    { set: 'tables (checked)', from: 'table: analytics.players', to: 'table: analytics.player', code: 'PIPE024', meant: 'analytics.players' },
    { set: 'stages (gate fires NAME_stage)', from: 'fires: [features]', to: 'fires: [features_stage]', code: 'PIPE013', meant: 'features' },
    { set: 'gates (schedule target)', from: 'target: player_vectors\n    stragglers', to: 'target: analytics_dne\n    stragglers', code: 'PIPE013', meant: 'analytics_done' },
    { set: 'phases', from: 'phase: raw', to: 'phase: rwa', code: 'PIPE012', meant: 'raw' },
    { set: 'time zones (typo)', from: '  timezone: America/New_York\nentities', to: '  timezone: America/New_Yrok\nentities', code: 'PIPE036', meant: 'America/New_York' },
    { set: 'time zones (city only)', from: '    timezone: America/New_York\n    target', to: '    timezone: New_York\n    target', code: 'PIPE036', meant: 'America/New_York' },
    { set: 'time zones (lost letter)', from: '    timezone: America/New_York\n    target', to: '    timezone: Europe/Londn\n    target', code: 'PIPE036', meant: 'Europe/London' },
    { set: 'enum: alert severity (`warning`)', from: 'min_severity: warn', to: 'min_severity: warning', code: 'PIPE005', meant: 'warn' },
    { set: 'enum: column type', from: 'avg_points: { type: float64 }', to: 'avg_points: { type: flaot64 }', code: 'PIPE005', meant: 'float64' },
    { set: 'enum: check kind', from: 'kind: row_count', to: 'kind: rowcount', code: 'PIPE005', meant: 'row_count' },
    { set: 'enum: alert sink type', from: 'type: log', to: 'type: Log', code: 'PIPE005', meant: 'log' },
    { set: 'entity kinds (scope)', from: 'writes: analytics.players\n    scopes: [player]', to: 'writes: analytics.players\n    scopes: [playr]', code: 'PIPE027', meant: 'player' },
    { set: 'entity kinds (straggler retry)', from: 'stragglers: { entity: player', to: 'stragglers: { entity: plyer', code: 'PIPE027', meant: 'player' },
    { set: 'entity kinds (table mapping)', from: 'entities: { team: team_id }', to: 'entities: { teams: team_id }', code: 'PIPE027', meant: 'team' },
    { set: 'buckets', from: 'bucket: landing', to: 'bucket: landng', code: 'PIPE031', meant: 'landing' },
    { set: 'alert sinks', from: 'sinks: [oncall]', to: 'sinks: [on_call]', code: 'PIPE032', meant: 'oncall' },
    { set: 'columns (key)', from: 'key: [team_id]', to: 'key: [teamid]', code: 'PIPE025', meant: 'team_id' },
    { set: 'columns (entity mapping)', from: 'entities: { team: team_id }', to: 'entities: { team: team_di }', code: 'PIPE028', meant: 'team_id' },
    { set: 'columns (partition key)', from: '  key: game_date', to: '  key: gamedate', code: 'PIPE026', meant: 'game_date' },
    { set: 'gate members (critical)', from: 'critical: [player_totals]', to: 'critical: [player_total]', code: 'PIPE039', meant: 'player_totals' },
    { set: 'reads (trigger)', from: 'analytics.teams: { critical: false }', to: 'analytics.teams: { critical: false }\n    triggers: [features.frm]', code: 'PIPE016', meant: 'features.form' },
    { set: 'keys of a processor', from: 'writes: features.form', to: 'writes: features.form\n    timout: 5m', code: 'PIPE002', meant: 'timeout' },
    { set: 'top-level keys', from: 'schedules:', to: 'schedule:', code: 'PIPE002', meant: 'schedules' },
  ];

  for (const c of cases) {
    it(`${c.set}: \`${c.meant}\``, () => {
      const diags = check(misspell(c.from, c.to));
      assert.deepEqual(diags.map((d) => `${d.code} ${d.hint}`), [`${c.code} did you mean \`${c.meant}\`?`]);
    });
  }
});

describe('did you mean: how names are matched', () => {
  it('ignores case and separators', () => {
    assert.equal(didYouMean('Warn', ['info', 'warn', 'error']), 'warn');
    assert.equal(didYouMean('new-york', ['new_york', 'newark']), 'new_york');
  });

  it('takes the closest name within a few edits, swapped letters included', () => {
    assert.equal(didYouMean('America/New_Yrok', ['America/New_York', 'America/Denver', 'UTC']), 'America/New_York');
    assert.equal(didYouMean('player_summary', ['player_game_summary', 'team_summary']), 'player_game_summary');
  });

  it('falls back to a name that begins, or holds all the words of, the other', () => {
    assert.equal(didYouMean('warning', ['info', 'warn', 'error']), 'warn');
    assert.equal(didYouMean('precompute_stage', ['precompute', 'publishing', 'player_game_summary']), 'precompute');
    assert.equal(didYouMean('Phoenix', ['America/Phoenix', 'America/Denver']), 'America/Phoenix');
  });

  it('suggests nothing far off, for very short names, or the name itself', () => {
    assert.equal(didYouMean('zz', ['zzzz_stage', 'alpha']), undefined);
    assert.equal(didYouMean('schedule_backup', ['precompute', 'raw']), undefined);
    assert.equal(didYouMean('raw', ['raw']), undefined);
  });
});
