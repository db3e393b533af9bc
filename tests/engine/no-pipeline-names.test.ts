// The engine is generic: nothing in engine/ or codegen/ names the NBA pipeline's processors, tables,
// datasets, collections, gates, stages, schedules, checks or topics (they come from whichever spec is
// loaded), and no pipeline's generated code lives in engine/.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadPlan } from '../../engine/spec/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? files(rel) : e.isFile() ? [rel] : [];
  });
}

/** The NBA spec's own names: distinctive identifiers (with `_`, `.`, `/` or `-`), not plain words. */
function nbaNames(): string[] {
  const plan = loadPlan(path.join(ROOT, 'pipeline.yaml'), { checkModules: false }).plan!;
  const names = new Set<string>([...plan.processors.keys(), ...plan.gates.keys(), ...plan.stages.keys(), ...plan.schedules.keys(), ...plan.checks.keys(), ...plan.buckets.values()]);
  for (const a of plan.assets.values()) {
    names.add(a.ref);
    if (a.kind === 'table') names.add(a.dataset).add(a.name);
    else names.add(a.ref.split('/')[1]!);
  }
  for (const p of plan.phases) names.add(p.topic);
  names.add(plan.partition.key);
  return [...names].filter((n) => /[_./-]/.test(n));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('the engine and codegen', () => {
  it('name none of the NBA pipeline\'s processors, tables or other names', () => {
    const names = nbaNames();
    assert.ok(names.length > 80, `${names.length} names`);
    const pattern = new RegExp(`(?<![A-Za-z0-9_])(${names.map(escape).join('|')}|nba\\w*)(?![A-Za-z0-9_])`, 'i');
    const hits: string[] = [];
    for (const f of [...files('engine'), ...files('codegen')]) {
      readFileSync(path.join(ROOT, f), 'utf8').split('\n').forEach((line, i) => {
        const m = pattern.exec(line);
        if (m) hits.push(`${f}:${i + 1}: ${m[1]}`);
      });
    }
    assert.deepEqual(hits, []);
  });

  it('hold no generated code: each pipeline keeps its own beside its spec', () => {
    assert.equal(existsSync(path.join(ROOT, 'engine/generated')), false);
    const imports = files('engine').filter((f) => /from '[^']*generated\//.test(readFileSync(path.join(ROOT, f), 'utf8')));
    assert.deepEqual(imports, []);
  });
});
