// One pass, every error, each once. A spec with errors of several stages (schema, references, graph)
// gets all of them, and a consequence of an error is not reported again. The mutation tests make one
// mistake at a time in valid specs (the valid corpus and the reference pipeline.yaml) and require one
// diagnostic, at the mistake: a value of the wrong type is one schema error whatever depends on it,
// and a misspelt name is at most one error (none when the name is free text).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { planFromText } from '../../engine/spec/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const check = (text: string) => planFromText(text, 'pipeline.yaml', ROOT, { checkModules: false });

describe('errors of several stages, in one pass', () => {
  const MINI = `version: 1
name: mini
partition:
  key: game_date
  timezone: America/New_Yrok
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
    timeout: 10 minutes
  reload_games:
    phase: raw
    module: processors/reload_games.ts
    writes: raw.games
schedules:
  nightly:
    cron: "daily at 06:00"
    target: load_games
`;

  it('a bad duration, a bad cron, a bad time zone and two writers of one table: 4 of 4', () => {
    const r = check(MINI);
    assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message} | ${d.hint}`), [
      '5:13 PIPE036 unknown time zone `America/New_Yrok` | did you mean `America/New_York`?',
      '21:14 PIPE022 processors.load_games.timeout: "10 minutes" is not a duration | write a number and a unit: "30s", "10m", "12h", "7d"',
      '25:13 PIPE014 `raw.games` is written by both `load_games` and `reload_games` | exactly one processor writes each table or collection: merge the two or write two tables',
      '28:11 PIPE021 cron expression `daily at 06:00` is written in words or as a time of day, not as cron fields | write five fields, minute hour day-of-month month day-of-week, e.g. "15 6 * * *" (06:15 every day) or "*/30 9-17 * * MON-FRI"',
    ]);
    assert.equal(r.plan, undefined);
  });

  it('fixing them one by one leaves the others, and the last fix gives the plan', () => {
    const fixes: Array<[string, string]> = [['America/New_Yrok', 'America/New_York'], ['10 minutes', '10m'], ['daily at 06:00', '0 6 * * *'], ['reload_games.ts\n    writes: raw.games', 'reload_games.ts\n    writes: raw.reloads']];
    let text = MINI.replace('        key: [game_id]\n', '        key: [game_id]\n      reloads:\n        columns:\n          game_date: { type: date }\n        key: [game_date]\n');
    for (const [i, [from, to]] of fixes.entries()) {
      assert.equal(check(text).diagnostics.length, fixes.length - i);
      text = text.replace(from, to);
    }
    const r = check(text);
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.plan);
    assert.equal(r.plan.processors.size, 2);
  });

  it('a schema error does not keep the graph rules from running, nor make a plan', () => {
    const cyclic = MINI.replace('America/New_Yrok', 'UTC').replace('daily at 06:00', '0 6 * * *')
      .replace('reload_games.ts\n    writes: raw.games', 'reload_games.ts\n    writes: raw.reloads\n    reads: { raw.reloads: }')
      .replace('        key: [game_id]\n', '        key: [game_id]\n      reloads:\n        columns:\n          game_date: { type: date }\n        key: [game_date]\n');
    const r = check(cyclic);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['PIPE022', 'PIPE023']);
    assert.equal(r.plan, undefined);
  });
});

/** Every scalar of a document with its source range: values (and list items), and the keys of `reads:` maps (names of tables). */
function scalars(text: string): Array<{ start: number; end: number; source: string }> {
  const doc = parseDocument(text);
  const out: Array<{ start: number; end: number; source: string }> = [];
  const add = (node: unknown) => {
    if (isScalar(node) && node.range && node.range[1] > node.range[0]) out.push({ start: node.range[0], end: node.range[1], source: text.slice(node.range[0], node.range[1]) });
  };
  visit(doc, {
    Pair(_, pair, ancestors) {
      add(pair.value);
      const owner = ancestors[ancestors.length - 2];
      if (isPair(owner) && isScalar(owner.key) && owner.key.value === 'reads') add(pair.key);
    },
    Seq(_, seq) {
      if (isSeq(seq)) for (const item of seq.items) add(item);
    },
  });
  return out.sort((a, b) => a.start - b.start);
}

/** Two neighbouring letters swapped: the commonest typo. */
function typo(s: string): string | undefined {
  for (let i = 1; i < s.length - 1; i++) if (/[a-z]/i.test(s[i]!) && /[a-z]/i.test(s[i + 1]!) && s[i] !== s[i + 1]) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  return undefined;
}

/** At most `n` items, evenly spread (a bounded sample of a long list). */
const spread = <T>(items: T[], n: number): T[] => (items.length <= n ? items : Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!));

describe('one mistake, one diagnostic (mutations of valid specs)', () => {
  const specs = [
    ...readdirSync(path.join(HERE, 'valid')).filter((f) => f.endsWith('.yaml')).map((f) => ({ name: `valid/${f}`, text: readFileSync(path.join(HERE, 'valid', f), 'utf8'), sample: Infinity })),
    // The reference spec is long (900 lines, ~100 ms a check here): a spread sample of its values.
    { name: 'pipeline.yaml', text: readFileSync(path.join(ROOT, 'pipeline.yaml'), 'utf8'), sample: 40 },
  ];

  for (const { name, text, sample } of specs) {
    const lines = new LineCounter();
    parseDocument(text, { lineCounter: lines });
    const pos = (offset: number) => lines.linePos(offset);
    const spots = scalars(text);

    it(`${name}: checks clean`, () => assert.deepEqual(check(text).diagnostics, []));

    it(`${name}: a value of the wrong type is exactly one error, at that value`, () => {
      const failures: string[] = [];
      for (const s of spread(spots, sample)) {
        const diags = check(text.slice(0, s.start) + '[1]' + text.slice(s.end)).diagnostics;
        const at = pos(s.start);
        // At the value, or at its first item when the key also takes a list (`writes`).
        const ok = diags.length === 1 && diags[0]!.severity === 'error' && diags[0]!.line === at.line && (diags[0]!.col === at.col || diags[0]!.col === at.col + 1);
        if (!ok) failures.push(`${at.line}:${at.col} ${s.source} → [1]: ${diags.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('; ') || 'no diagnostic'}`);
      }
      assert.deepEqual(failures, []);
    });

    it(`${name}: a misspelt name is at most one error, at the name`, () => {
      const failures: string[] = [];
      for (const s of spread(spots.filter((x) => typo(x.source)), sample)) {
        const diags = check(text.slice(0, s.start) + typo(s.source)! + text.slice(s.end)).diagnostics;
        const at = pos(s.start);
        const ok = diags.length <= 1 && diags.every((d) => d.severity === 'error' && d.line === at.line && d.col === at.col);
        if (!ok) failures.push(`${at.line}:${at.col} ${s.source} → ${typo(s.source)}: ${diags.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('; ')}`);
      }
      assert.deepEqual(failures, []);
    });
  }
});
