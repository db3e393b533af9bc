// Golden corpus of the spec checker. Every `invalid/*.yaml` breaks one rule and lists, at its top, the
// diagnostics it must produce as `# expect: LINE:COL CODE` lines (exact set, order irrelevant) and the
// rule it breaks as `# rule: ...`. Every `valid/*.yaml` must check without errors. The checker runs
// every stage in one pass, so the exact sets also pin what is *not* reported: `multi-error-*` files
// hold errors of several stages that must all come out at once, and `cascade-*` files one error whose
// consequences (references to what the schema rejected, a table left without its writer...) must not.
//
//   node --import tsx --test tests/spec/corpus.test.ts                          check
//   UPDATE_EXPECTATIONS=1 node --import tsx --test tests/spec/corpus.test.ts    rewrite the `# expect:` lines
//
// Update mode rewrites only the `# expect:` lines of each invalid file from the actual diagnostics; review
// the diff before committing it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CATALOGUE, hasErrors, renderDiagnostics, type Diagnostic } from '../../engine/spec/diagnostics.js';
import { planFromText } from '../../engine/spec/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INVALID = path.join(HERE, 'invalid');
const VALID = path.join(HERE, 'valid');
const UPDATE = process.env.UPDATE_EXPECTATIONS === '1';
const EXPECT = /^# expect: (\d+):(\d+) (PIPE\d{3})\s*$/;

/** Codes no file of the corpus can produce: planFromText never reads a file, and modules are not checked. */
const NOT_COVERABLE: Record<string, string> = {
  PIPE007: 'unreadable file: only loadPlan reads files (see diagnostics.test.ts)',
  PIPE043: 'module not found: the corpus runs with checkModules false (see diagnostics.test.ts)',
};

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function check(text: string, file: string, dir: string) {
  return planFromText(text, file, dir, { checkModules: false });
}

const key = (d: Pick<Diagnostic, 'line' | 'col' | 'code'>) => `${d.line}:${d.col} ${d.code}`;
const byPosition = (a: string, b: string) => {
  const [la, ca] = a.split(/[: ]/).map(Number);
  const [lb, cb] = b.split(/[: ]/).map(Number);
  return la! - lb! || ca! - cb! || a.localeCompare(b);
};

interface Header {
  expected: string[];
  rules: string[];
  /** The leading comment block without its `# expect:` lines, and the rest of the file. */
  comments: string[];
  body: string[];
}

function readHeader(text: string): Header {
  const lines = text.split('\n');
  let i = 0;
  const expected: string[] = [];
  const comments: string[] = [];
  for (; i < lines.length && lines[i]!.startsWith('#'); i++) {
    const m = EXPECT.exec(lines[i]!);
    if (m) expected.push(`${m[1]}:${m[2]} ${m[3]}`);
    else comments.push(lines[i]!);
  }
  const rules = comments.filter((l) => l.startsWith('# rule:')).map((l) => l.slice('# rule:'.length).trim());
  return { expected, rules, comments, body: lines.slice(i) };
}

/** The file with its `# expect:` lines replaced by the actual diagnostics (repeated until line numbers settle). */
function updated(text: string, file: string): string {
  let current = text;
  for (let round = 0; round < 5; round++) {
    const actual = [...new Set(check(current, file, INVALID).diagnostics.map(key))].sort(byPosition);
    const h = readHeader(current);
    const next = [...actual.map((a) => `# expect: ${a}`), ...h.comments, ...h.body].join('\n');
    if (next === current) break;
    current = next;
  }
  return current;
}

const invalidFiles = yamlFiles(INVALID);

describe('spec corpus: invalid specs', () => {
  if (UPDATE) {
    it('rewrites the # expect: lines', () => {
      for (const f of invalidFiles) {
        const file = path.join(INVALID, f);
        const text = readFileSync(file, 'utf8');
        const next = updated(text, f);
        if (next !== text) writeFileSync(file, next);
      }
    });
    return;
  }

  for (const f of invalidFiles) {
    it(f, () => {
      const text = readFileSync(path.join(INVALID, f), 'utf8');
      const { expected } = readHeader(text);
      assert.ok(expected.length > 0, `${f} has no "# expect: LINE:COL CODE" lines (run with UPDATE_EXPECTATIONS=1)`);
      const result = check(text, f, INVALID);
      const actual = [...new Set(result.diagnostics.map(key))].sort(byPosition);
      assert.deepEqual(actual, [...new Set(expected)].sort(byPosition), `diagnostics of ${f}:\n${renderDiagnostics(result.diagnostics, { sources: { [f]: text } })}`);
      assert.ok(hasErrors(result.diagnostics), `${f} must produce at least one error`);
      assert.equal(result.plan, undefined, `${f} must not produce a plan`);

      // The rendered report: header, a code frame marking the line, and a hint, for every diagnostic.
      const rendered = renderDiagnostics(result.diagnostics, { sources: { [f]: text } });
      const blocks = rendered.split('\n\n');
      for (const d of result.diagnostics) {
        const head = `${f}:${d.line}:${d.col} ${d.severity} ${d.code} `;
        const block = blocks.find((b) => b.startsWith(head) && b.split('\n')[0] === `${head}${d.message}`);
        assert.ok(block, `rendered output lacks "${head}${d.message}":\n${rendered}`);
        const lines = block.split('\n');
        const marked = lines.findIndex((l) => new RegExp(`^  > +${d.line} \\| `).test(l));
        assert.ok(marked > 0, `no code frame line "> ${d.line} |" for ${head}:\n${block}`);
        assert.match(lines[marked + 1] ?? '', new RegExp(`^ +\\| {${d.col}}\\^$`), `caret not under column ${d.col} for ${head}:\n${block}`);
        assert.ok(lines.some((l) => /^ {2}hint: \S/.test(l)), `no hint for ${head}:\n${block}`);
        assert.equal(CATALOGUE[d.code as keyof typeof CATALOGUE]?.severity, d.severity, `severity of ${d.code}`);
      }
    });
  }
});

describe('spec corpus: shape of the corpus', () => {
  const headers = invalidFiles.map((f) => ({ f, text: readFileSync(path.join(INVALID, f), 'utf8') })).map(({ f, text }) => ({ f, text, h: readHeader(text) }));

  it('has at least 40 invalid specs', () => {
    assert.ok(invalidFiles.length >= 40, `only ${invalidFiles.length} invalid specs`);
  });

  it('states one distinct rule per file', () => {
    const rules = new Map<string, string>();
    for (const { f, h } of headers) {
      assert.ok(h.rules.length > 0, `${f} has no "# rule:" line`);
      const rule = h.rules.join(' ');
      assert.ok(!rules.has(rule), `${f} and ${rules.get(rule)} state the same rule`);
      rules.set(rule, f);
    }
  });

  it('has no two files with the same content or the same (first expected code, file name)', () => {
    const bodies = new Map<string, string>();
    const signatures = new Set<string>();
    for (const { f, h } of headers) {
      const hash = createHash('sha256').update(h.body.join('\n')).digest('hex');
      assert.ok(!bodies.has(hash), `${f} has the same spec as ${bodies.get(hash)}`);
      bodies.set(hash, f);
      const signature = `${[...h.expected].sort(byPosition)[0]?.split(' ')[1]}|${f}`;
      assert.ok(!signatures.has(signature));
      signatures.add(signature);
    }
  });

  it('covers every code of the catalogue that a spec text can produce', { skip: UPDATE }, () => {
    const covered = new Set(headers.flatMap(({ h }) => h.expected.map((e) => e.split(' ')[1]!)));
    const missing = Object.keys(CATALOGUE).filter((c) => !covered.has(c) && !NOT_COVERABLE[c]);
    assert.deepEqual(missing, [], `codes without an invalid spec: ${missing.join(', ')}`);
    for (const c of Object.keys(NOT_COVERABLE)) assert.ok(!covered.has(c), `${c} is listed as not coverable but is covered`);
  });
});

describe('spec corpus: valid specs', () => {
  for (const f of yamlFiles(VALID)) {
    it(f, () => {
      const text = readFileSync(path.join(VALID, f), 'utf8');
      const result = check(text, f, VALID);
      assert.equal(hasErrors(result.diagnostics), false, renderDiagnostics(result.diagnostics, { sources: { [f]: text } }));
      assert.deepEqual(result.diagnostics.map((d) => `${key(d)} ${d.message}`), [], `${f} should check clean`);
      assert.ok(result.plan, `${f} should produce a plan`);
    });
  }
});
