// Rules §8.2 and §8.8: identical input causes no downstream event — a message delivered again is a
// duplicate (same fingerprint), and a source that scrapes the same content records no new version,
// so the cascade stops where nothing changed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../engine/runtime/cascade.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { PartitionVersion } from '../../engine/core/types.js';
import { DAY, harness, type Harness } from './harness.js';

function counted() {
  const runs = { load_events: 0, totals: 0, summary: 0 };
  const processors = {
    load_events: defineUntypedProcessor('load_events', {
      run(ctx) {
        runs.load_events++;
        ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]);
      },
    }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        runs.totals++;
        const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Array<{ item: string; value: number }>;
        ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineUntypedProcessor('summary', {
      async run(ctx) {
        runs.summary++;
        const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>;
        ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]);
      },
    }),
  };
  return { runs, processors };
}

const updatesOn = (h: Harness, topic: string) => h.published.filter((p) => p.topic === topic && p.message.data.event_type === 'table_updated').length;

describe('identical re-delivered input', () => {
  it('the same message published twice causes no downstream event', async () => {
    const { runs, processors } = counted();
    const h = await harness(processors);
    try {
      await runCascade(h, { dates: [DAY] });
      const [raw] = h.updatesOf('raw.events');
      assert.ok(raw);
      assert.deepEqual([updatesOn(h, 'tiny-transform'), updatesOn(h, 'tiny-publish')], [1, 1]);

      // A redelivery of the very message: its ticket is settled, so it does nothing at all.
      await h.backends.bus.publish(raw.topic, raw.message);
      await h.settle();
      assert.deepEqual([updatesOn(h, 'tiny-transform'), updatesOn(h, 'tiny-publish')], [1, 1], 'nothing new downstream');
      assert.equal(runs.totals, 1);
      assert.match(h.logged('skip:redelivered', 'totals')[0]!.reasons![0]!, /already settled/);

      // The same content from outside the outbox (no ticket): the fingerprint says nothing changed.
      const { ticket: _t, ...attributes } = raw.message.attributes;
      await h.backends.bus.publish(raw.topic, { data: raw.message.data, attributes });
      await h.settle();
      assert.deepEqual([updatesOn(h, 'tiny-transform'), updatesOn(h, 'tiny-publish')], [1, 1], 'nothing new downstream');
      assert.equal(runs.totals, 1);
      assert.match(h.logged('skip:duplicate', 'totals')[0]!.reasons![0]!, /inputs unchanged/);
    } finally {
      await h.cleanup();
    }
  });

  it('a source rerun producing identical rows publishes nothing', async () => {
    const { runs, processors } = counted();
    const h = await harness(processors);
    try {
      await runCascade(h, { dates: [DAY] });
      const before = h.published.filter((p) => p.message.data.event_type === 'table_updated').length;

      await runCascade(h, { dates: [DAY] });

      assert.equal(runs.load_events, 2, 'a source runs whenever requested');
      assert.equal(h.published.filter((p) => p.message.data.event_type === 'table_updated').length, before, 'no event at all');
      assert.deepEqual([runs.totals, runs.summary], [1, 1]);
      assert.equal((await h.state<PartitionVersion>('versions', `raw.events|${DAY}`))?.version, 1, 'no new version');
      assert.match(h.logged('run:succeeded', 'load_events')[1]!.reasons![0]!, /content unchanged: no new version, no event/);
    } finally {
      await h.cleanup();
    }
  });
});
