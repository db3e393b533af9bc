// §8.2 with scopes: successive scoped successes on the same inputs cover the union of their scopes,
// so a redelivered request for an entity already recomputed is a duplicate, not a second run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { harness } from './harness.js';

describe('scoped successes on the same inputs', () => {
  it('merge their scopes: a redelivered earlier scope is a duplicate', async () => {
    const source = { a: 1, b: 2 };
    const calls: string[] = [];
    const h = await harness({
      load_events: defineUntypedProcessor('load_events', { run(ctx) { ctx.write([{ item: 'a', value: source.a }, { item: 'b', value: source.b }]); } }),
      totals: defineUntypedProcessor('totals', {
        async run(ctx) {
          calls.push(ctx.scope?.ids.join(',') ?? 'all');
          const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Array<{ item: string; value: number }>;
          ctx.write(rows.map((r) => ({ item: r.item, total: r.value })));
        },
      }),
      summary: defineUntypedProcessor('summary', { run(ctx) { ctx.write([{ items: 0, grand_total: 0 }]); } }),
    });
    try {
      await runCascade(h, { dates: ['2025-04-01'] });
      source.a = 10; // raw.events v2: only item a changed → totals runs scoped to a
      await runCascade(h, { dates: ['2025-04-01'] });
      assert.deepEqual(calls, ['all', 'a']);
      // A manual request for b on the same inputs runs (nothing covers b at these inputs yet)…
      await h.engine.handleEvent(h.engine.request('totals', '2025-04-01', { scope: { kind: 'item', ids: ['b'] } }));
      // …and a redelivered request for a is covered by the merged scope.
      await h.engine.handleEvent(h.engine.request('totals', '2025-04-01', { scope: { kind: 'item', ids: ['a'] } }));
      await h.settle();
      assert.deepEqual(calls, ['all', 'a', 'b']);
    } finally {
      await h.cleanup();
    }
  });
});
