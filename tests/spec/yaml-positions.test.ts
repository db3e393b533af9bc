// YAML syntax errors are placed where the mistake is: an unclosed `[`, `{` or quote is reported where
// it opened, with where the parser gave up as a related position (rendered as a note with its own
// frame), and the parser's follow-on errors inside the runaway construct are not reported separately.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDiagnostics } from '../../engine/spec/diagnostics.js';
import { planFromText } from '../../engine/spec/index.js';

const check = (text: string) => planFromText(text, 'p.yaml', '.', { checkModules: false });
/** `line:col message` of every diagnostic, and `  note line:col message` of each related position. */
const summary = (text: string) =>
  check(text).diagnostics.flatMap((d) => [`${d.line}:${d.col} ${d.code} ${d.message}`, ...(d.related ?? []).map((r) => `  note ${r.line}:${r.col} ${r.message}`)]);

describe('unclosed constructs are reported where they open', () => {
  it('a `[` left open: at the bracket, the parser\'s stop two lines below as a note', () => {
    const text = ['processors:', '  count_games:', '    reads: [raw.games, raw.teams', '    writes: raw.totals', '  other:', '    phase: raw', ''].join('\n');
    assert.deepEqual(summary(text), [
      '3:12 PIPE001 the list opened with `[` here is never closed',
      '  note 4:5 the YAML parser gave up here, still inside the list opened with `[`',
    ]);
  });

  it('a `{` left open, followed by more keys', () => {
    const text = ['a: 1', 'b: { x: 1, y: 2', 'c: 3', 'd: 4', ''].join('\n');
    assert.deepEqual(summary(text), [
      '2:4 PIPE001 the mapping opened with `{` here is never closed',
      '  note 3:1 the YAML parser gave up here, still inside the mapping opened with `{`',
    ]);
  });

  it('a double quote left open: at the quote, the end of the file as a note', () => {
    const text = ['version: 1', 'name: "mini', 'description: x', 'z: 2', ''].join('\n');
    assert.deepEqual(summary(text), [
      '2:7 PIPE001 the string opened with `"` here is never closed',
      '  note 5:1 the file ends here, still inside the string opened with `"`',
    ]);
  });

  it('a single quote left open', () => {
    const text = ["name: 'mini", 'version: 1', ''].join('\n');
    assert.deepEqual(summary(text).slice(0, 1), ["1:7 PIPE001 the string opened with `'` here is never closed"]);
  });

  it('nested brackets left open: each opener, in file order', () => {
    assert.deepEqual(summary('a: [1, {b: 2, c: [3\nd: 4\n').filter((l) => !l.startsWith('  note')), [
      '1:4 PIPE001 the list opened with `[` here is never closed',
      '1:8 PIPE001 the mapping opened with `{` here is never closed',
      '1:18 PIPE001 the list opened with `[` here is never closed',
    ]);
  });

  it('a quote left open inside brackets: only the quote (the closer is inside the runaway string)', () => {
    assert.deepEqual(summary('a: [1, "two, 3]\nb: 4\n').filter((l) => !l.startsWith('  note')), ['1:8 PIPE001 the string opened with `"` here is never closed']);
  });

  it('a bracket left open at the end of the file', () => {
    assert.deepEqual(summary('a: 1\nb: [1, 2\n'), [
      '2:4 PIPE001 the list opened with `[` here is never closed',
      '  note 3:1 the file ends here, still inside the list opened with `[`',
    ]);
  });

  it('closed constructs spanning lines, and escaped or doubled quotes, are not mistaken for open ones', () => {
    const text = ['a: [1,', '  2]', 'b: {x: 1,', '  y: 2}', 'c: "say \\"hi\\""', "d: 'it''s'", 'e: "two', '  lines"', 'f: {g: 1'].join('\n');
    assert.deepEqual(summary(text).filter((l) => !l.startsWith('  note')), ['9:4 PIPE001 the mapping opened with `{` here is never closed']);
  });

  it('renders the note with a frame of its own, after the main frame and before the hint', () => {
    const text = ['version: 1', 'name: mini', 'phases: [raw', 'processors: {}', ''].join('\n');
    const out = renderDiagnostics(check(text).diagnostics, { sources: { 'p.yaml': text } });
    assert.equal(out, [
      'p.yaml:3:9 error PIPE001 the list opened with `[` here is never closed',
      '    1 | version: 1',
      '    2 | name: mini',
      '  > 3 | phases: [raw',
      '      |         ^',
      '    4 | processors: {}',
      '  note: p.yaml:4:1 the YAML parser gave up here, still inside the list opened with `[`',
      '    2 | name: mini',
      '    3 | phases: [raw',
      '  > 4 | processors: {}',
      '      | ^',
      '    5 | ',
      '  hint: close it with `]` where the list ends (before the next key), or write the items as `- item` lines',
      '',
      '1 error, 0 warnings',
    ].join('\n'));
  });

  it('other syntax errors keep the parser\'s position', () => {
    assert.deepEqual(check('version: 1\nname:\n\tx: 1\n').diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`), ['3:1 PIPE001']);
  });
});
