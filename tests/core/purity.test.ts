// engine/core stays pure (ARCHITECTURE.md §1.4, STYLE.md "A pure core, an effects shell"): no Node
// built-ins, no packages, nothing outside the core but the pure spec modules, no clock, environment,
// randomness or timers. A finding names the file and line, and where the code belongs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkPurity, formatFinding, maskSource } from './purity.js';

const CORE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../engine/core');
const findings = (source: string) => checkPurity('engine/core/x.ts', source).map((f) => `${f.line}: ${f.message}`);

describe('engine/core purity', () => {
  it('every file of engine/core is pure', () => {
    const files = readdirSync(CORE).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 9, `only ${files.length} files found in ${CORE}`);
    const all = files.flatMap((f) => checkPurity(`engine/core/${f}`, readFileSync(path.join(CORE, f), 'utf8')));
    assert.equal(all.length, 0, `engine/core must stay pure:\n${all.map(formatFinding).join('\n')}`);
  });

  it('would catch a violation at the end of any core file (the scan reads each file to its end)', () => {
    for (const f of readdirSync(CORE).filter((n) => n.endsWith('.ts'))) {
      const source = readFileSync(path.join(CORE, f), 'utf8');
      const found = checkPurity(f, `${source}\nexport const late = Date.now();\n`);
      assert.deepEqual(found.map((x) => x.message), ['reads the clock with Date.now()'], f);
      assert.equal(found[0]!.line, source.split('\n').length + 1, f);
    }
  });

  it('catches a Node built-in import, naming the file, the line and where the code belongs', () => {
    const [f, ...more] = checkPurity('engine/core/decide.ts', "// decide\nimport fs from 'node:fs';\n");
    assert.deepEqual(more, []);
    assert.equal(formatFinding(f!), "engine/core/decide.ts:2:1 imports the Node built-in 'node:fs'\n  hint: the core is pure — (plan, state, event, now) → decisions; do I/O in the runtime (engine/runtime) through the ports and pass the results in");
  });

  it('catches every kind of import of something the core may not use', () => {
    assert.deepEqual(findings([
      "import { readFileSync } from 'fs';",
      "import type { Bucket } from '@google-cloud/storage';",
      "export { parse } from 'yaml';",
      "import 'reflect-metadata';",
      "const m = await import('node:crypto');",
      "const n = require('path');",
      "import { buildPlan } from '../spec/build-plan.js';",
      "import { engine } from '../runtime/engine.js';",
      'const x = await import(name);',
    ].join('\n')), [
      "1: imports the Node built-in 'fs'",
      "2: imports the package '@google-cloud/storage'",
      "3: imports the package 'yaml'",
      "4: imports the package 'reflect-metadata'",
      "5: imports the Node built-in 'node:crypto'",
      "6: imports the Node built-in 'path'",
      "7: imports '../spec/build-plan.js', outside the pure core (allowed: ./*.js, ../spec/plan.js, ../spec/duration.js)",
      "8: imports '../runtime/engine.js', outside the pure core (allowed: ./*.js, ../spec/plan.js, ../spec/duration.js)",
      '9: imports a computed module name',
    ]);
  });

  it('allows the core\'s own files and the pure spec modules', () => {
    assert.deepEqual(findings([
      "import { hash128 } from './hash.js';",
      "import type { Plan, ProcessorPlan } from '../spec/plan.js';",
      "import { formatDuration } from '../spec/duration.js';",
      "export type { Scope } from './types.js';",
    ].join('\n')), []);
  });

  it('catches the clock, the environment, randomness and timers', () => {
    assert.deepEqual(findings([
      'const now = Date.now();',
      'const today = new Date();',
      'const text = Date();',
      'const region = process.env.REGION;',
      'const cwd = process.cwd();',
      'const id = Math.random();',
      'const uuid = crypto.randomUUID();',
      'setTimeout(retry, 1000);',
      'const t = performance.now();',
      'const s = `at ${Date.now()}`;',
    ].join('\n')), [
      '1: reads the clock with Date.now()',
      '2: reads the clock with new Date()',
      '3: reads the clock with Date()',
      '4: reads process.env',
      '5: touches the process object',
      '6: draws Math.random()',
      '7: draws crypto randomness',
      '8: schedules a timer',
      '9: reads the clock with performance.now',
      '10: reads the clock with Date.now()',
    ]);
  });

  it('does not count mentions in comments, strings and regexes, or dates built from a value', () => {
    assert.deepEqual(findings([
      '// The core may not import node:crypto or call Date.now().',
      '/* setTimeout belongs to the runtime */',
      "const reason = 'never use Date.now() or process.env here';",
      'const re = /import fs from \'node:fs\'/;',
      'const iso = new Date(ms).toISOString();',
      'const d = new Date(`${date}T00:00:00Z`);',
      'const half = total / 2 / count; const again = Date.UTC(2025, 0, 1);',
      'function f() { return /process.env/.test(s); }',
    ].join('\n')), []);
  });

  it('masks literals without moving anything', () => {
    const src = "const a = 'x//y'; // note\nconst b = `t ${c + '}'} u`;\n";
    const masked = maskSource(src);
    assert.equal(masked.length, src.length);
    assert.equal(masked, "const a = '    ';        \nconst b = `  ${c + ' '}  `;\n");
  });
});
