// The generated ProcessorRegistry types `defineProcessor`: a processor module that reads a table it
// did not declare, or writes a column its output lacks, fails `tsc`; a correct one compiles. Each
// case is a tiny module in a temp folder under tests/codegen/ compiled with the project's tsc, the
// way a pipeline's tsconfig compiles its processors: `pipeline/processor` plus the pipeline's own
// generated/ folder (the engine itself imports no generated code).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const dirs: string[] = [];

/** Compile one processor module (importing only `defineProcessor`, as processors do), with or without the generated contracts. */
function compile(body: string, withContracts = true): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(HERE, '.tmp-types-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'processor.ts'), `import { defineProcessor } from 'pipeline/processor';\n${body}\n`);
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
      types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')],
    },
    files: ['processor.ts', ...(withContracts ? [path.join(ROOT, 'generated/index.ts')] : [])],
  }));
  const r = spawnSync(TSC, ['-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('processor modules against the generated contracts', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('compiles a processor that reads declared tables and writes its output rows', () => {
    const r = compile(`
export default defineProcessor('player_game_summary', {
  async run(ctx) {
    const lines = await ctx.read('nba_raw.nbac_gamebook_player_stats');
    const teams = await ctx.read('nba_analytics.team_offense_game_summary');
    const minutes: number | null = lines[0]?.minutes ?? null;
    ctx.write(lines.map((l) => ({ game_id: l.game_id, player_lookup: l.player_lookup, team_abbr: l.team_abbr, points: l.points, minutes })));
    void teams;
  },
});`);
    assert.ok(r.ok, r.output);
  });

  it('fails to compile a read of an undeclared table, naming it', () => {
    const r = compile(`
export default defineProcessor('player_game_summary', {
  async run(ctx) {
    await ctx.read('nba_raw.nbac_schedule');
  },
});`);
    assert.equal(r.ok, false);
    assert.match(r.output, /'"nba_raw\.nbac_schedule"' is not assignable/);
  });

  it('fails to compile a write of an unknown column, a wrong type, or rows from a collection writer', () => {
    const unknown = compile(`
export default defineProcessor('player_game_summary', {
  run(ctx) { ctx.write([{ game_id: 'g', player_lookup: 'p', rebounds_typo: 3 }]); },
});`);
    assert.equal(unknown.ok, false);
    assert.match(unknown.output, /'rebounds_typo' does not exist/);
    const wrongType = compile(`
export default defineProcessor('player_game_summary', {
  run(ctx) { ctx.write([{ game_id: 'g', player_lookup: 'p', points: 'twenty' }]); },
});`);
    assert.equal(wrongType.ok, false);
    assert.match(wrongType.output, /'string' is not assignable to type 'number'/);
    const scraper = compile(`
export default defineProcessor('scrape_nbac_schedule', {
  async run(ctx) {
    await ctx.putObject('objects/nbac_schedule', 'nba-com/schedule/2025-11-15/1.json', {});
    await ctx.putObject('objects/api_results', 'x.json', {});
    ctx.write([{ game_id: 'g' }]);
  },
});`);
    assert.equal(scraper.ok, false);
    assert.match(scraper.output, /"objects\/api_results"/);
    assert.match(scraper.output, /not assignable to type 'never'/);
  });

  it('fails to compile an unknown processor name', () => {
    const r = compile(`export default defineProcessor('player_game_sumary', { run() {} });`);
    assert.equal(r.ok, false);
    assert.match(r.output, /player_game_sumary/);
  });

  it('types nothing without the pipeline\'s generated folder: the engine brings in no contracts of its own', () => {
    const r = compile(`export default defineProcessor('any_name_at_all', { async run(ctx) { await ctx.read('some.table'); } });`, false);
    assert.ok(r.ok, r.output);
  });
});
