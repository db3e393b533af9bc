// The reference spec (pipeline.yaml at the repository root): it checks clean, and the Plan built from it
// has the phases, gate, stage, order, default triggers and hashes the engine relies on. Also: the JSON
// Schema of the language compiles and documents every property.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { hasErrors, renderDiagnostics } from '../../engine/spec/diagnostics.js';
import { loadPlan, planFromText, type Plan } from '../../engine/spec/index.js';
import { PIPELINE_SCHEMA } from '../../engine/spec/schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILE = path.join(ROOT, 'pipeline.yaml');
const TEXT = readFileSync(FILE, 'utf8');
const RAW = parse(TEXT) as { processors: Record<string, { triggers?: string[] }> };

function load(text = TEXT): Plan {
  const r = planFromText(text, 'pipeline.yaml', ROOT, { checkModules: false });
  assert.equal(hasErrors(r.diagnostics), false, renderDiagnostics(r.diagnostics, { sources: { 'pipeline.yaml': text } }));
  assert.ok(r.plan);
  return r.plan;
}

describe('reference pipeline.yaml', () => {
  const plan = load();

  it('validates with zero errors and zero warnings (modules not checked)', () => {
    const r = loadPlan(FILE, { displayName: 'pipeline.yaml', checkModules: false });
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`), []);
    assert.ok(r.plan);
  });

  it('has the six phases in order, with their topics', () => {
    assert.deepEqual(
      plan.phases.map((p) => [p.number, p.name, p.topic]),
      [
        [1, 'scrapers', 'nba-phase1-scrapers-complete'],
        [2, 'raw', 'nba-phase2-raw-complete'],
        [3, 'analytics', 'nba-phase3-analytics-complete'],
        [4, 'precompute', 'nba-phase4-precompute-complete'],
        [5, 'predictions', 'nba-phase5-predictions-complete'],
        [6, 'publishing', 'nba-phase6-export-complete'],
      ],
    );
    for (const p of plan.phases) assert.equal(plan.phaseByTopic.get(p.topic), p.name);
    assert.deepEqual(plan.phaseByName.get('scrapers')?.accepts, ['unified', 'legacy', 'gcs']);
    assert.deepEqual(plan.phaseByName.get('raw')?.accepts, ['unified']);
  });

  it('has the gate phase3_complete with its five members, critical subset and target', () => {
    const gate = plan.gates.get('phase3_complete');
    assert.ok(gate);
    assert.deepEqual([...gate.members].sort(), [
      'player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context',
    ]);
    assert.deepEqual([...gate.critical].sort(), ['player_game_summary', 'upcoming_player_game_context']);
    for (const c of gate.critical) assert.ok(gate.members.includes(c));
    assert.deepEqual(gate.fires, [{ kind: 'stage', name: 'precompute' }]);
    assert.deepEqual(gate.deadline, { afterMs: 2 * 3_600_000, minFraction: 0.6 });
    for (const m of gate.members) assert.deepEqual(plan.gatesOf.get(m), ['phase3_complete']);
  });

  it('has the stage precompute with three levels', () => {
    const stage = plan.stages.get('precompute');
    assert.ok(stage);
    assert.deepEqual(stage.levels, [
      ['team_defense_zone_analysis', 'player_shot_zone_analysis'],
      ['player_daily_cache', 'player_composite_factors'],
      ['ml_feature_store_v2'],
    ]);
    stage.levels.forEach((lvl, i) => {
      for (const m of lvl) assert.deepEqual(plan.processors.get(m)?.stage, { name: 'precompute', level: i + 1 });
    });
  });

  it('orders every writer before its readers', () => {
    assert.equal(plan.order.length, plan.processors.size);
    assert.equal(new Set(plan.order).size, plan.order.length);
    const rank = new Map(plan.order.map((n, i) => [n, i] as const));
    for (const p of plan.processors.values()) {
      for (const r of p.reads) {
        const w = plan.writerOf.get(r.asset);
        if (!w || w === p.name) continue;
        assert.ok(rank.get(w)! < rank.get(p.name)!, `${w} (writes ${r.asset}) must come before ${p.name}`);
      }
    }
  });

  it('applies the default trigger rules', () => {
    const stageMembers = plan.stages.get('precompute')!.levels.flat();
    for (const name of stageMembers) {
      assert.equal(RAW.processors[name]!.triggers, undefined, `${name} has no explicit triggers in the reference`);
      assert.deepEqual(plan.processors.get(name)!.triggers, [], `${name} is in a stage: levels fire it, its reads do not`);
    }
    let windowReads = 0;
    for (const p of plan.processors.values()) {
      if (RAW.processors[p.name]!.triggers) {
        assert.deepEqual([...p.triggers].sort(), [...RAW.processors[p.name]!.triggers!].sort(), `explicit triggers of ${p.name}`);
        continue;
      }
      for (const r of p.reads) {
        if (r.window) {
          windowReads++;
          assert.equal(r.trigger, false, `${p.name}: the window read of ${r.asset} does not trigger by default`);
        } else if (!p.stage) assert.equal(r.trigger, true, `${p.name}: the same-partition read of ${r.asset} triggers by default`);
      }
    }
    assert.ok(windowReads > 0);
    const byGamebook = plan.triggeredBy.get('nba_raw.nbac_gamebook_player_stats') ?? [];
    for (const p of ['team_offense_game_summary', 'team_defense_game_summary', 'player_game_summary']) assert.ok(byGamebook.includes(p), `${p} is triggered by the gamebook`);
    assert.ok(!(plan.triggeredBy.get('nba_analytics.player_game_summary') ?? []).includes('player_daily_cache'), 'a window read in a stage does not trigger');
  });

  it('has a spec hash that is stable across loads and changes with one processor', () => {
    const again = load();
    assert.equal(again.specHash, plan.specHash);
    for (const p of plan.processors.values()) assert.equal(again.processors.get(p.name)!.specHash, p.specHash);

    const edited = TEXT.replace(/(player_points_predictions:\n(?: {4}.*\n)*? {4}timeout: )10m/, '$19m');
    assert.notEqual(edited, TEXT, 'the edit applies');
    const changed = load(edited);
    assert.notEqual(changed.specHash, plan.specHash);
    assert.equal(changed.processors.get('player_points_predictions')!.timeoutMs, 9 * 60_000);
    for (const p of plan.processors.values()) {
      const h = changed.processors.get(p.name)!.specHash;
      if (p.name === 'player_points_predictions') assert.notEqual(h, p.specHash);
      else assert.equal(h, p.specHash, `${p.name}'s spec hash must not change`);
    }
  });
});

describe('the JSON Schema of the language', () => {
  it('compiles with ajv (draft 2020-12, strict)', () => {
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(PIPELINE_SCHEMA);
    assert.equal(validate(parse(TEXT)), true, JSON.stringify(validate.errors?.slice(0, 3)));
  });

  it('has a description on every property', () => {
    const missing: string[] = [];
    let properties = 0;
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`));
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.properties && typeof o.properties === 'object') {
        for (const [k, v] of Object.entries(o.properties as Record<string, unknown>)) {
          properties++;
          const d = (v as { description?: unknown }).description;
          if (typeof d !== 'string' || d.trim().length < 3) missing.push(`${at}.properties.${k}`);
        }
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
    };
    walk(PIPELINE_SCHEMA, '#');
    assert.ok(properties > 100, `walked ${properties} properties`);
    assert.deepEqual(missing, []);
  });
});
