// Fan-out with completion tracking: a processor declaring `fan_out` is split into per-entity tasks;
// the run completes at 100% (one downstream event), or at the coverage threshold once every task
// settled, and only stragglers are retried.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineUntypedProcessor as defineProcessor, NonRetryableError } from '../../engine/runtime/processor.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { harness, TINY_SPEC } from './harness.js';

const FANOUT_SPEC = TINY_SPEC.replace(
  "    scopes: [item]\n    reads: { raw.events: { critical: true } }",
  "    scopes: [item]\n    reads: { raw.events: { critical: true } }\n    fan_out: { entity: item, from: raw.events, batch: 2, coverage: 0.6, wait: 1s }",
);

const items = ['a', 'b', 'c', 'd', 'e'];

function processors(failFor: Set<string>, calls: string[][]) {
  return {
    load_events: defineProcessor('load_events', { run(ctx) { ctx.write(items.map((item, i) => ({ item, value: i + 1 }))); } }),
    totals: defineProcessor('totals', {
      async run(ctx) {
        calls.push(ctx.scope?.ids ?? ['*']);
        if (ctx.scope?.ids.some((id) => failFor.has(id))) throw new NonRetryableError(`cannot total ${ctx.scope.ids.join(',')}`);
        const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Array<{ item: string; value: number }>;
        ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineProcessor('summary', { async run(ctx) { const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>; ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]); } }),
  };
}

describe('fan-out', () => {
  it('splits a run into batched tasks and completes once, at 100%, with one downstream event', async () => {
    const calls: string[][] = [];
    const h = await harness(processors(new Set(), calls), { spec: FANOUT_SPEC });
    try {
      const entries = await runCascade(h, { dates: ['2025-02-01'] });
      assert.deepEqual(calls.map((c) => c.join(',')).sort(), ['a,b', 'c,d', 'e']);
      const totals = entries.filter((e) => e.processor === 'totals');
      assert.equal(totals.filter((e) => e.event === 'fanout:started').length, 1);
      assert.equal(totals.filter((e) => e.event === 'run:succeeded').length, 1);
      assert.equal(entries.filter((e) => e.processor === 'summary' && e.event === 'run:succeeded').length, 1, 'one completion, one downstream run');
      const rows = await h.backends.warehouse.read(h.plan.assets.get('mart.totals') as never, { partitions: ['2025-02-01'] });
      assert.equal(rows.length, 5);
      const summary = await h.backends.warehouse.read(h.plan.assets.get('mart.summary') as never, { partitions: ['2025-02-01'] });
      assert.deepEqual(summary.map((r) => r.grand_total), [150]);
    } finally {
      await h.cleanup();
    }
  });

  it('completes at the coverage threshold when a task fails for good, after retrying only the stragglers', async () => {
    const calls: string[][] = [];
    const h = await harness(processors(new Set(['e']), calls), { spec: FANOUT_SPEC });
    try {
      const entries = await runCascade(h, { dates: ['2025-02-02'] });
      const stragglerCalls = calls.filter((c) => c.includes('e'));
      assert.ok(stragglerCalls.length >= 2, 'the failed batch is retried');
      assert.ok(stragglerCalls.every((c) => c.join(',') === 'e'), 'only the straggler is retried');
      assert.equal(calls.filter((c) => c.includes('a')).length, 1, 'done batches are not rerun');
      assert.ok(entries.some((e) => e.event === 'fanout:partial'));
      assert.ok(entries.some((e) => e.processor === 'totals' && e.event === 'run:succeeded'));
      const rows = await h.backends.warehouse.read(h.plan.assets.get('mart.totals') as never, { partitions: ['2025-02-02'] });
      assert.deepEqual(rows.map((r) => r.item).sort(), ['a', 'b', 'c', 'd']);
      assert.ok(h.engine.alerts.sent.some((s) => s.alert.kind === 'fanout:partial') || entries.some((e) => e.event === 'alert:fanout:partial'));
    } finally {
      await h.cleanup();
    }
  });

  it('fails the run when coverage stays below the threshold', async () => {
    const calls: string[][] = [];
    const h = await harness(processors(new Set(['a', 'c']), calls), { spec: FANOUT_SPEC });
    try {
      const entries = await runCascade(h, { dates: ['2025-02-03'] });
      const failed = entries.find((e) => e.processor === 'totals' && e.event === 'run:failed-terminal');
      assert.ok(failed, 'terminal failure recorded');
      assert.match(failed!.errorMessage ?? '', /below 60%/);
      assert.equal(entries.filter((e) => e.processor === 'summary' && e.event === 'run:started').length, 0);
    } finally {
      await h.cleanup();
    }
  });
});
