// A dead-lettered external update (a legacy scraper report whose downstream run failed for good)
// replays as the version it was recorded as: the report itself would be dropped as a redelivery.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineUntypedProcessor, NonRetryableError } from '../../engine/runtime/processor.js';
import { replayDeadLetters } from '../../engine/runtime/dlq.js';
import { harness, TINY_SPEC } from './harness.js';

// raw.events is loaded by another system; its completion reports arrive on the ingest topic.
const EXTERNAL_SPEC = TINY_SPEC.replace('key: [item]\n        entities: { item: item }', 'key: [item]\n        entities: { item: item }\n        external: true')
  .replace('  load_events: { phase: ingest, module: none.ts, writes: raw.events }\n', '')
  .replace('  ingest: { number: 1, topic: tiny-ingest }', '  ingest: { number: 1, topic: tiny-ingest, accepts: [unified] }');

describe('replaying a dead-lettered external update', () => {
  it('reruns the processors it routes to once the fix is in, keeping the correlation id', async () => {
    let broken = true;
    const h = await harness(
      {
        totals: defineUntypedProcessor('totals', {
          async run(ctx) {
            if (broken) throw new NonRetryableError('totals is broken');
            const rows = (await ctx.read('raw.events')) as Array<{ item: string; value: number }>;
            ctx.write(rows.map((r) => ({ item: r.item, total: r.value })));
          },
        }),
        summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 1 }]) }),
      },
      { spec: EXTERNAL_SPEC },
    );
    try {
      // Rows written outside the pipeline, then a unified completion report from that other system.
      await h.backends.warehouse.write(h.plan.assets.get('raw.events') as never, { partition: '2025-06-01', rows: [{ day: '2025-06-01', item: 'a', value: 3 }], mode: 'replace' });
      assert.equal((await h.rows('raw.events', '2025-06-01')).length, 1, 'the external rows are there');
      const report = { processor_name: 'external_loader', output_dataset: 'raw', output_table: 'events', status: 'success', game_date: '2025-06-01', day: '2025-06-01', correlation_id: 'ext-1', timestamp: '2025-06-01T10:00:00Z' };
      await h.backends.bus.publish('tiny-ingest', { data: report, attributes: {} });
      await h.settle();
      const [dead] = await h.backends.bus.listDeadLetters({});
      assert.ok(dead, 'the report is dead-lettered after the terminal failure');
      assert.match(dead!.reason, /totals is broken/);

      broken = false;
      const r = await replayDeadLetters(h.engine, {});
      await h.settle();
      assert.equal(r.replayed, 1);
      const ok = h.logged('run:succeeded', 'totals');
      assert.equal(ok.length, 1, 'totals ran after the replay');
      assert.equal(ok[0]!.correlationId, 'ext-1');
      assert.deepEqual(await h.rows('mart.totals', '2025-06-01'), [{ day: '2025-06-01', item: 'a', total: 3 }]);
    } finally {
      await h.cleanup();
    }
  });
});
