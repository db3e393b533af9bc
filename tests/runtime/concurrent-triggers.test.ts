// Rule §8.3: two triggers arriving at once run the processor once — the second finds the lease and
// asks for a re-evaluation (which finds nothing new) — and never two executions of the same
// (processor, partition) at the same time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toWire } from '../../engine/core/messages.js';
import { defineUntypedProcessor as defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { DAY, harness, latch, until, type Harness } from './harness.js';

/** Processors whose `totals` counts how many of its executions overlap, and stays running until released. */
function instrumented() {
  const gate = latch();
  const seen = { runs: 0, active: 0, maxActive: 0 };
  const processors = {
    load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: 1 }]) }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        seen.runs++;
        seen.active++;
        seen.maxActive = Math.max(seen.maxActive, seen.active);
        try {
          const rows = (await ctx.read('raw.events')) as Array<{ item: string; value: number }>;
          gate.arrive();
          await gate.hold; // still running while the other triggers arrive
          ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
        } finally {
          seen.active--;
        }
      },
    }),
    summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 10 }]) }),
  };
  return { gate, seen, processors };
}

const decisionsOf = (h: Harness) => h.entries.filter((e) => e.processor === 'totals' && ['run:started', 'rerun-requested', 'skip:duplicate'].includes(e.event)).map((e) => e.event);

describe('concurrent triggers', () => {
  it('two handleEvent calls of the same update in parallel run the processor once', async () => {
    const { gate, seen, processors } = instrumented();
    const h = await harness(processors);
    try {
      const update = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);

      const both = Promise.all([h.engine.handleEvent(update), h.engine.handleEvent(update)]);
      await until(() => h.logged('rerun-requested', 'totals').length === 1, 'one trigger to find the other running');
      gate.release();
      await both;
      await h.settle();

      assert.equal(seen.runs, 1, 'totals executed once');
      assert.equal(seen.maxActive, 1, 'never two executions at once');
      assert.deepEqual(decisionsOf(h).sort(), ['rerun-requested', 'run:started', 'skip:duplicate'], 'the second trigger asks for a rerun, which is a duplicate');
      assert.equal(h.updatesOf('mart.totals').length, 1, 'one downstream event');
      assert.deepEqual(await h.rows('mart.totals'), [{ day: DAY, item: 'a', total: 10 }]);
    } finally {
      await h.cleanup();
    }
  });

  it('the same message published twice runs the processor once', async () => {
    const { gate, seen, processors } = instrumented();
    const h = await harness(processors);
    try {
      const update = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);
      const wire = toWire(h.plan, update);

      await h.backends.bus.publish('tiny-ingest', wire);
      await h.backends.bus.publish('tiny-ingest', wire);
      await until(() => h.logged('rerun-requested', 'totals').length === 1, 'the second delivery to find the lease');
      gate.release();
      await h.settle();

      assert.equal(seen.runs, 1);
      assert.equal(seen.maxActive, 1);
      const decisions = decisionsOf(h);
      assert.deepEqual(decisions, ['run:started', 'rerun-requested', 'skip:duplicate'], 'the second delivery is absorbed');
      assert.equal(h.updatesOf('mart.totals').length, 1);
      assert.equal(h.logged('run:succeeded', 'summary').length, 1, 'summary ran once downstream');
    } finally {
      await h.cleanup();
    }
  });

  it('many simultaneous triggers never overlap executions', async () => {
    const { gate, seen, processors } = instrumented();
    const h = await harness(processors);
    try {
      const update = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);

      const all = Promise.all(Array.from({ length: 8 }, () => h.engine.handleEvent(update)));
      await until(() => h.logged('rerun-requested', 'totals').length === 7, 'seven triggers to find the running one');
      gate.release();
      await all;
      await h.settle();

      assert.equal(seen.maxActive, 1);
      assert.equal(seen.runs, 1);
      assert.equal(h.logged('rerun-requested', 'totals').length, 7, 'the other seven found the lease');
      assert.equal(h.logged('skip:duplicate', 'totals').length, 1, 'and their one merged rerun was a duplicate');
      assert.equal(h.updatesOf('mart.totals').length, 1);
    } finally {
      await h.cleanup();
    }
  });
});
