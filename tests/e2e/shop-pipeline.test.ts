// A second pipeline in another domain (tests/fixtures/shop: a chain of shops) on the same engine, with
// no engine change: it validates, plans, backfills and runs through its gate and two-level stage with
// its own local source, its generated files are current, and its processors are typed by its own
// generated code (not the NBA pipeline's).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bufferIO } from '../../engine/cli/io.js';
import { runCli } from '../../engine/cli/main.js';
import { openLocalEngine } from '../../engine/runtime/local.js';
import { loadPlan } from '../../engine/spec/index.js';
import { addDays } from '../../engine/core/dates.js';
import { ordersOf, STORES } from '../fixtures/shop/sample-source.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = path.join(ROOT, 'tests/fixtures/shop');
const SPEC = path.join(DIR, 'pipeline.yaml');
const TSC = path.join(ROOT, 'node_modules/.bin/tsc');
const DAY = '2025-03-01';

describe('the shop pipeline (a second domain)', () => {
  let state: string;
  before(() => {
    state = mkdtempSync(path.join(os.tmpdir(), 'pipeline-shop-'));
  });
  after(() => rmSync(state, { recursive: true, force: true }));

  const cli = async (...args: string[]) => {
    const io = bufferIO(ROOT, { PIPELINE_DIR: state });
    const code = await runCli(['-f', SPEC, ...args], io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  it('validates, modules included', async () => {
    const r = await cli('validate');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /tests\/fixtures\/shop\/pipeline\.yaml is valid: 4 processors, 4 tables and collections, 1 gates, 1 stages/);
  });

  it('plans the cascade of an export: load, the gate, both levels of the stage', async () => {
    const r = await cli('plan', '--table', 'objects/pos_orders', '--date', DAY, '--no-local-state');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /load_orders\s+run\s/);
    assert.match(r.out, /orders_loaded\s+fired\s/);
    assert.match(r.out, /daily_sales\s+run\s+requested by stage reporting\/level-1/);
    assert.match(r.out, /store_trends\s+run\s+requested by stage reporting\/level-2/);
  });

  it('backfills a week and runs a day with its own sample source, computing what the source sold', async () => {
    const week = await cli('backfill', '--from', addDays(DAY, -6), '--to', addDays(DAY, -1));
    assert.equal(week.code, 0, week.err);
    assert.match(week.out, /report\s+12\s+12\s+0/);
    const day = await cli('run', '--date', DAY);
    assert.equal(day.code, 0, day.err);
    assert.match(day.err, /pos_export: started at http:\/\/127\.0\.0\.1:\d+ for this command \(POS_BASE_URL\)/);
    assert.match(day.out, /ingest\s+1\s+1\s+0/);

    const plan = loadPlan(SPEC, { checkModules: false }).plan!;
    const local = await openLocalEngine({ plan, dir: state });
    try {
      const table = (ref: string) => {
        const t = plan.assets.get(ref);
        assert.ok(t?.kind === 'table');
        return t;
      };
      const trends = await local.backends.warehouse.read(table('shop_report.store_trends'), { partitions: [DAY] });
      const expected = STORES.map((store) => {
        let cents = 0;
        for (let i = -6; i <= 0; i++) for (const o of ordersOf(addDays(DAY, i))) if (o.store === store && o.status === 'paid') cents += o.total_cents;
        return [store, cents / 100, 7];
      });
      assert.deepEqual(trends.map((r) => [r.store, Number(r.revenue_7d), Number(r.days)]).sort(), expected);
    } finally {
      await local.close();
    }
  });

  it('has its generated files up to date', async () => {
    const r = await cli('codegen', '--check');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /generated files of tests\/fixtures\/shop\/pipeline\.yaml are up to date/);
  });

  it('is typed by its own generated code', () => {
    const ok = spawnSync(TSC, ['-p', path.join(DIR, 'tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(ok.status, 0, `${ok.stdout}${ok.stderr}`);
    // A processor of this pipeline reading the NBA pipeline's table: refused, naming what it may read.
    const bad = path.join(DIR, 'processors', '.tmp-typed.ts');
    const config = path.join(DIR, '.tmp-tsconfig.json');
    writeFileSync(bad, `import { defineProcessor } from 'pipeline/processor';\nexport default defineProcessor('daily_sales', { async run(ctx) { await ctx.read('nba_raw.nbac_schedule'); } });\n`);
    writeFileSync(config, JSON.stringify({ extends: './tsconfig.json', include: ['generated', 'processors/.tmp-typed.ts'], exclude: [] }));
    try {
      const r = spawnSync(TSC, ['-p', config], { encoding: 'utf8', timeout: 120_000 });
      assert.notEqual(r.status, 0);
      assert.match(`${r.stdout}`, /'"nba_raw\.nbac_schedule"' is not assignable to parameter of type '"shop\.orders"'/);
    } finally {
      rmSync(bad, { force: true });
      rmSync(config, { force: true });
    }
  });
});
