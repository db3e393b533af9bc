// Rules §8.1 and §8.12: a processor whose critical input is missing (or too small) is not run, and the
// decision is recorded with its reasons and the inputs it saw, so `explain` answers "why didn't X
// run for this date?".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { explain } from '../../engine/runtime/inspect.js';
import type { InputSeen } from '../../engine/core/types.js';
import { DAY, harness, tinySpec } from './harness.js';

const processors = {
  load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
  totals: defineUntypedProcessor('totals', { run: (ctx) => ctx.write([{ item: 'a', total: 10 }]) }),
  summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 10 }]) }),
};

describe('explain a processor that did not run', () => {
  it('gives the skip reason and the inputs seen for a missing critical input', async () => {
    const h = await harness(processors);
    try {
      await h.engine.handleEvent(h.engine.request('totals', DAY));

      const story = await explain(h.engine, 'totals', DAY);
      assert.deepEqual(story.map((e) => e.event), ['skip:not-ready']);
      assert.deepEqual(story[0]!.reasons, [`critical input raw.events for ${DAY} has no data yet`]);
      const [seen] = story[0]!.inputs as InputSeen[];
      assert.deepEqual([seen!.asset, seen!.status, seen!.critical, seen!.versions], ['raw.events', 'missing', true, {}]);
    } finally {
      await h.cleanup();
    }
  });

  it('names the minimum a too-small critical input misses, then shows the run once it is ready', async () => {
    const h = await harness(processors, { spec: tinySpec({ processors: { totals: { reads: { 'raw.events': { critical: true, min_rows: 3 } } } } }) });
    try {
      const small = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);
      await h.engine.handleEvent(small);
      const enough = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }, { item: 'c', value: 3 }]);
      await h.engine.handleEvent(enough);
      await h.settle();

      const story = await explain(h.engine, 'totals', DAY);
      assert.deepEqual(story.map((e) => e.event), ['skip:not-ready', 'run:started', 'run:succeeded']);
      assert.deepEqual(story[0]!.reasons, [`critical input raw.events for ${DAY} has 1 rows, needs at least 3`]);
      assert.deepEqual((story[1]!.inputs as InputSeen[])[0]!.versions, { [DAY]: 2 }, 'the run saw version 2');
      assert.match(story[1]!.reasons![0]!, /triggered by raw\.events v2/);
    } finally {
      await h.cleanup();
    }
  });
});
