// Diagnostics: the renderer (file:line:col, numbered code frame, caret, hint), did-you-mean, the codes a
// spec text cannot produce (unreadable file, missing module), and robustness: whatever text is fed to
// planFromText, it returns located diagnostics and never throws.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  CATALOGUE, diagnostic, didYouMean, editDistance, renderDiagnostic, renderDiagnostics, sortDiagnostics, type Diagnostic,
} from '../../engine/spec/diagnostics.js';
import { loadPlan, planFromText } from '../../engine/spec/index.js';

const MINIMAL = `version: 1
name: mini
partition:
  key: game_date
datasets:
  raw:
    tables:
      games:
        columns:
          game_date: { type: date }
          game_id: { type: string }
        key: [game_id]
phases:
  raw: { number: 1, topic: mini-raw }
processors:
  load_games:
    phase: raw
    module: processors/load_games.ts
    writes: raw.games
`;

describe('rendering', () => {
  const source = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');

  it('prints file:line:col severity code message, a numbered frame with > and a caret, and the hint', () => {
    const d = diagnostic('PIPE012', { file: 'p.yaml', line: 10, col: 4 }, 'phase `x` does not exist', 'did you mean `raw`?');
    const out = renderDiagnostic(d, { sources: { 'p.yaml': source } });
    assert.equal(out, [
      'p.yaml:10:4 error PIPE012 phase `x` does not exist',
      '     8 | line 8',
      '     9 | line 9',
      '  > 10 | line 10',
      '       |    ^',
      '    11 | line 11',
      '  hint: did you mean `raw`?',
    ].join('\n'));
  });

  it('numbers the frame from line 1 at the top of a file and stops at its end', () => {
    const first = renderDiagnostic(diagnostic('PIPE002', { file: 'p.yaml', line: 1, col: 1 }, 'm', 'h'), { sources: { 'p.yaml': source } });
    assert.match(first, /^ {2}> 1 \| line 1$/m);
    assert.match(first, /^ {4}2 \| line 2$/m);
    assert.doesNotMatch(first, /\| line 3/);
    const last = renderDiagnostic(diagnostic('PIPE002', { file: 'p.yaml', line: 12, col: 2 }, 'm', 'h'), { sources: { 'p.yaml': source } });
    assert.match(last, /^ {4}10 \| line 10$/m);
    assert.match(last, /^ {2}> 12 \| line 12$/m);
    assert.match(last, /^ {7}\| {2}\^$/m);
  });

  it('renders warnings as warnings, sorts by position and counts errors and warnings', () => {
    const w = diagnostic('PIPE019', { file: 'p.yaml', line: 5, col: 3 }, 'nothing can trigger x', 'add triggers');
    const e = diagnostic('PIPE015', { file: 'p.yaml', line: 2, col: 1 }, 'reads y', 'write y');
    assert.equal(w.severity, 'warning');
    assert.deepEqual(sortDiagnostics([w, e]), [e, w]);
    const out = renderDiagnostics([w, e], { sources: { 'p.yaml': source } });
    assert.ok(out.indexOf('p.yaml:2:1 error PIPE015') < out.indexOf('p.yaml:5:3 warning PIPE019'));
    assert.match(out, /1 error, 1 warning$/);
    assert.equal(renderDiagnostics([]), '0 errors, 0 warnings');
  });

  it('colours severities only when asked', () => {
    const d = diagnostic('PIPE015', { file: 'p.yaml', line: 2, col: 1 }, 'm', 'h');
    assert.doesNotMatch(renderDiagnostic(d), /\u001b\[/);
    assert.match(renderDiagnostic(d, { color: true }), /\u001b\[31merror\u001b\[0m/);
  });

  it('renders a real spec problem with its frame and did-you-mean hint', () => {
    const text = MINIMAL.replace('phase: raw', 'phase: rwa');
    const r = planFromText(text, 'pipeline.yaml', '.', { checkModules: false });
    assert.equal(r.diagnostics.length, 1);
    const out = renderDiagnostics(r.diagnostics, { sources: { 'pipeline.yaml': text } });
    assert.match(out, /^pipeline\.yaml:17:12 error PIPE012 phase `rwa` does not exist$/m);
    assert.match(out, /^ {2}> 17 \| {5}phase: rwa$/m);
    assert.match(out, /^ {2}hint: did you mean `raw`\?$/m);
  });

  it('has one severity and title per code, codes numbered PIPE001..', () => {
    for (const [code, { severity, title }] of Object.entries(CATALOGUE)) {
      assert.match(code, /^PIPE\d{3}$/);
      assert.ok(severity === 'error' || severity === 'warning');
      assert.ok(title.length > 3);
    }
  });
});

describe('did you mean', () => {
  it('suggests the closest candidate within a few edits', () => {
    assert.equal(didYouMean('procesors', ['processors', 'phases', 'gates']), 'processors');
    assert.equal(didYouMean('raw.gmaes', ['raw.games', 'raw.teams']), 'raw.games');
    assert.equal(didYouMean('America/NewYork', ['America/New_York', 'UTC']), 'America/New_York');
  });

  it('suggests nothing when nothing is close, or there are no candidates', () => {
    assert.equal(didYouMean('zzzzzz', ['processors', 'phases']), undefined);
    assert.equal(didYouMean('x', []), undefined);
  });

  it('measures edit distance', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('abc', 'abc'), 0);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('is used for unknown keys, enum values and references', () => {
    const hints = (text: string) => planFromText(text, 'p.yaml', '.', { checkModules: false }).diagnostics.map((d) => d.hint);
    assert.deepEqual(hints(MINIMAL.replace('    writes: raw.games', '    writes: raw.games\n    timout: 5m')), ['did you mean `timeout`?']);
    assert.deepEqual(hints(MINIMAL.replace('{ type: string }', '{ type: strin }')), ['did you mean `string`?']);
    assert.deepEqual(hints(MINIMAL.replace('writes: raw.games', 'writes: raw.gams')), ['did you mean `raw.games`?']);
  });
});

describe('codes a spec text cannot produce', () => {
  it('PIPE007: an unreadable file is a diagnostic, not an exception', () => {
    const r = loadPlan(path.join(tmpdir(), 'no-such-dir-pipeline', 'pipeline.yaml'), { displayName: 'pipeline.yaml' });
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['PIPE007']);
    assert.match(r.diagnostics[0]!.message, /no such file/);
    assert.ok(r.diagnostics[0]!.hint);
    assert.equal(r.plan, undefined);
  });

  it('PIPE043: a missing processor module is a warning at its `module:` value', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pipeline-spec-'));
    const r = planFromText(MINIMAL, 'pipeline.yaml', dir);
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.severity}`), ['18:13 PIPE043 warning']);
    assert.ok(r.plan, 'a warning does not block the plan');
    mkdirSync(path.join(dir, 'processors'));
    writeFileSync(path.join(dir, 'processors', 'load_games.ts'), 'export default {};\n');
    assert.deepEqual(planFromText(MINIMAL, 'pipeline.yaml', dir).diagnostics, []);
  });
});

describe('robustness: garbage in, located diagnostics out', () => {
  /** A small deterministic PRNG, so failures reproduce. */
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const randomText = (seed: number, length: number, alphabet: string) => {
    const r = rng(seed);
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(r() * alphabet.length)];
    return out;
  };
  const binaryish = (seed: number, length: number) => {
    const r = rng(seed);
    return Array.from({ length }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
  };
  const YAMLISH = 'abc:-[]{},#&*!|>\'"%@` \n\n  \t?0123456789.';

  const cases: Array<[string, string]> = [
    ['empty', ''],
    ['only whitespace', ' \n\n   \n'],
    ['only a comment', '# nothing here\n'],
    ['a scalar', 'hello'],
    ['a number', '42'],
    ['null', 'null'],
    ['a top-level list', '- version: 1\n- name: x\n'],
    ['a list of lists', '- - - a\n'],
    ['a document marker only', '---\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['tabs for indentation', 'version: 1\nname:\n\tx: 1\n'],
    ['an unresolved alias', 'version: *nope\n'],
    ['an alias bomb', 'a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'],
    ['a merge key', 'base: &b { version: 1 }\n<<: *b\n'],
    ['complex keys', '? [a, b]\n: c\n? { x: 1 }\n: d\n'],
    ['unclosed quote', 'name: "mini\nversion: 1\n'],
    ['BOM and CRLF', '\ufeffversion: 1\r\nname: mini\r\n'],
    ['NUL bytes', 'version: 1\u0000\u0000\nname: \u0000\n'],
    ['lone surrogates', 'name: \ud800\udfff\udc00\n'],
    ['wrong types everywhere', 'version: [1]\nname: {a: b}\npartition: 3\ndatasets: x\nphases: []\nprocessors: null\n'],
    ['processors of wrong shapes', `${MINIMAL}  p2: 7\n  p3: [a]\n  p4: { reads: 5, writes: { a: b }, triggers: x, window: 1 }\n`],
    ['reads of every wrong shape', `${MINIMAL}    reads: { raw.games: 5, "x/y": [], raw.teams: { window: [1] }, a.b: { window: { days: x, nope: 1 } } }\n`],
    ['a huge number', 'version: 1e999999\n'],
    ['a very long line', `name: ${'x'.repeat(200_000)}\n`],
    ['deeply nested flow sequences', '['.repeat(50_000)],
    ['deeply nested flow mappings', `a: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`],
    ['deeply nested block mappings', Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
    ['deeply nested block sequences', Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}-`).join('\n')],
    ['nested but shallow enough to parse', `processors:\n  p:\n    reads:\n      ${'['.repeat(200)}${']'.repeat(200)}: 1\n`],
    ...Array.from({ length: 12 }, (_, i): [string, string] => [`binary-ish #${i}`, binaryish(1000 + i, 2_000 + i * 500)]),
    ...Array.from({ length: 12 }, (_, i): [string, string] => [`yaml-ish #${i}`, randomText(2000 + i, 3_000, YAMLISH)]),
    ...Array.from({ length: 6 }, (_, i): [string, string] => [`mangled reference spec #${i}`, mangle(MINIMAL, 3000 + i)]),
  ];

  function mangle(text: string, seed: number): string {
    const r = rng(seed);
    const chars = [...text];
    for (let k = 0; k < 8; k++) {
      const i = Math.floor(r() * chars.length);
      const op = Math.floor(r() * 3);
      if (op === 0) chars.splice(i, 1);
      else if (op === 1) chars.splice(i, 0, YAMLISH[Math.floor(r() * YAMLISH.length)]!);
      else chars[i] = YAMLISH[Math.floor(r() * YAMLISH.length)]!;
    }
    return chars.join('');
  }

  const expectLocated = (name: string, text: string) => {
    let r: ReturnType<typeof planFromText>;
    assert.doesNotThrow(() => {
      r = planFromText(text, 'junk.yaml', '.', { checkModules: false });
    }, `${name} threw`);
    const diags: Diagnostic[] = r!.diagnostics;
    assert.ok(diags.length >= 1, `${name}: no diagnostics`);
    const lineCount = text.split(/\r\n|\r|\n/).length;
    for (const d of diags) {
      assert.ok(Number.isInteger(d.line) && d.line >= 1, `${name}: line ${d.line} (${d.code} ${d.message})`);
      assert.ok(d.line <= lineCount + 1, `${name}: line ${d.line} beyond the text (${lineCount} lines)`);
      assert.ok(Number.isInteger(d.col) && d.col >= 1, `${name}: col ${d.col}`);
      assert.ok(d.code in CATALOGUE, `${name}: unknown code ${d.code}`);
      assert.ok(d.message.length > 0 && d.hint && d.hint.length > 0, `${name}: ${d.code} without message or hint`);
    }
    assert.equal(r!.plan, undefined, `${name}: no plan from junk`);
    const rendered = renderDiagnostics(diags, { sources: { 'junk.yaml': text } });
    assert.doesNotMatch(rendered, /\n\s+at .+:\d+:\d+\)?\n/, `${name}: a stack trace leaked into the output`);
    assert.doesNotMatch(rendered, /\b(TypeError|RangeError|ReferenceError)\b/, `${name}: an exception leaked into the output`);
  };

  for (const [name, text] of cases) it(name, () => expectLocated(name, text));

  it('1 MB of text (YAML-ish noise)', () => {
    const text = randomText(7, 1 << 20, YAMLISH);
    expectLocated('1 MB of noise', text);
  });

  it('1 MB of well-formed but wrong YAML (thousands of processors)', () => {
    const lines = ['processors:'];
    for (let i = 0, size = 0; size < 1 << 20; i++) {
      lines.push(`  p${i}: { phase: x, module: m.ts, writes: a.b, reads: { c.d: 5 } }`);
      size += lines[lines.length - 1]!.length + 1;
    }
    expectLocated('1 MB of processors', lines.join('\n'));
  });
});
