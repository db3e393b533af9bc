// Rule §8.4, no lost updates: a trigger for a (processor, partition) that is running sets
// `rerun_requested`; when the holder finishes it re-evaluates and runs once more if the inputs changed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineUntypedProcessor as defineUntypedProcessor, SourceFormatError } from '../../engine/runtime/processor.js';
import type { Lease, PendingMark } from '../../engine/core/types.js';
import { DAY, harness, latch, until } from './harness.js';

type Event = { item: string; value: number };

/** `totals` reads its input, then waits on the latch before writing what it read. */
function heldTotals(opts: { failFirst?: boolean } = {}) {
  const gate = latch();
  const runs: Array<{ scope: string; read: Event[] }> = [];
  const processors = {
    load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        const read = (await ctx.read('raw.events', { scope: ctx.scope })) as Event[];
        runs.push({ scope: ctx.scope ? `${ctx.scope.kind}:${ctx.scope.ids.join(',')}` : 'all', read });
        if (runs.length === 1) {
          gate.arrive();
          await gate.hold;
          if (opts.failFirst) throw new SourceFormatError('the first run fails for good');
        }
        ctx.write(read.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 0, grand_total: 0 }]) }),
  };
  return { gate, runs, processors };
}

describe('rerun requested', () => {
  it('a trigger during a run causes exactly one rerun with the new input', async () => {
    const { gate, runs, processors } = heldTotals();
    const h = await harness(processors);
    try {
      const v1 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);
      const first = h.engine.handleEvent(v1);
      await gate.reached; // totals is running, having read value 1

      const v2 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 5 }]);
      await h.engine.handleEvent(v2);
      assert.equal(h.logged('rerun-requested', 'totals').length, 1, 'the late trigger is parked on the lease');
      const lease = await h.state<Lease>('leases', `totals|${DAY}`);
      const mark = await h.state<PendingMark>('pending', `totals|${DAY}`);
      assert.equal(mark?.tickets.filter((t) => !lease!.covers.includes(t.id)).length, 1, 'its ticket waits on the running holder');

      gate.release();
      await first;
      await h.settle();

      assert.equal(runs.length, 2, 'exactly one rerun');
      assert.deepEqual(runs.map((r) => r.read[0]!.value), [1, 5], 'the rerun read the late update');
      assert.deepEqual(await h.rows('mart.totals'), [{ day: DAY, item: 'a', total: 50 }], 'the late update is not lost');
      const rerun = h.logged('run:started', 'totals')[1]!;
      assert.match(rerun.reasons!.join(' '), /requested by rerun rerun-requested/);
      assert.equal(h.updatesOf('mart.totals').length, 2, 'one event per content change');
    } finally {
      await h.cleanup();
    }
  });

  it('a trigger during a run whose inputs did not change reruns nothing', async () => {
    const { gate, runs, processors } = heldTotals();
    const h = await harness(processors);
    try {
      const v1 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);
      const first = h.engine.handleEvent(v1);
      await gate.reached;

      await h.engine.handleEvent(v1); // the same update, redelivered while running
      gate.release();
      await first;
      await h.settle();

      assert.equal(runs.length, 1);
      const [dup] = h.logged('skip:duplicate', 'totals');
      assert.ok(dup, 'the rerun request was evaluated as a duplicate');
      assert.match(dup.reasons![0]!, /inputs unchanged since execution/);
      assert.equal(h.updatesOf('mart.totals').length, 1);
    } finally {
      await h.cleanup();
    }
  });

  it('a source asked again while running runs once: its rerun is a duplicate too', async () => {
    const gate = latch();
    let scrapes = 0;
    const h = await harness({
      load_events: defineUntypedProcessor('load_events', {
        async run(ctx) {
          scrapes++;
          gate.arrive();
          await gate.hold;
          ctx.write([{ item: 'a', value: 1 }]);
        },
      }),
      totals: defineUntypedProcessor('totals', { run: (ctx) => ctx.write([{ item: 'a', total: 10 }]) }),
      summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 10 }]) }),
    });
    try {
      await h.engine.publishRequest(h.engine.request('load_events', DAY));
      await gate.reached;
      // The same request, delivered again while the scrape runs: its ticket is the running one's.
      const [sent] = h.published.filter((p) => p.message.data.processor_name === 'load_events');
      await h.backends.bus.publish(sent!.topic, sent!.message);
      await until(() => h.logged('skip:redelivered', 'load_events').length === 1, 'the redelivery');
      gate.release();
      await h.settle();

      assert.equal(scrapes, 1, 'a source runs whenever requested, once per request, not once per delivery');
      assert.match(h.logged('skip:redelivered', 'load_events')[0]!.reasons![0]!, /already running as execution/);
    } finally {
      await h.cleanup();
    }
  });

  it('two triggers for different entities during a run are both rerun', async () => {
    const { gate, runs, processors } = heldTotals();
    const h = await harness(processors);
    try {
      const v1 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }, { item: 'c', value: 3 }]);
      const first = h.engine.handleEvent(v1);
      await gate.reached;

      // Item a changes, then item b: each update names only its own entity.
      const va = await h.given.update('raw.events', DAY, [{ item: 'a', value: 10 }, { item: 'b', value: 2 }, { item: 'c', value: 3 }]);
      await h.engine.handleEvent({ ...va, changedEntities: { item: ['a'] } });
      const vb = await h.given.update('raw.events', DAY, [{ item: 'a', value: 10 }, { item: 'b', value: 20 }, { item: 'c', value: 3 }]);
      await h.engine.handleEvent({ ...vb, changedEntities: { item: ['b'] } });

      gate.release();
      await first;
      await h.settle();

      assert.deepEqual(runs.map((r) => r.scope), ['all', 'item:a,b'], 'one rerun covering both parked scopes');
      assert.deepEqual(
        (await h.rows('mart.totals')).map((r) => [r.item, r.total]),
        [['a', 100], ['b', 200], ['c', 30]],
      );
    } finally {
      await h.cleanup();
    }
  });

  it('a trigger during a run that then fails for good is not lost', async () => {
    const { gate, runs, processors } = heldTotals({ failFirst: true });
    const h = await harness(processors);
    try {
      const v1 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);
      const first = h.engine.handleEvent(v1);
      await gate.reached;

      const v2 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 5 }]);
      await h.engine.handleEvent(v2);
      gate.release();
      assert.equal((await first).outcome, 'dead-letter', 'the first run failed for good');
      await h.settle();

      assert.equal(h.logged('run:failed-terminal', 'totals').length, 1);
      assert.equal(runs[1]!.read[0]!.value, 5, 'the new input was evaluated after the failure');
      assert.deepEqual(await h.rows('mart.totals'), [{ day: DAY, item: 'a', total: 50 }]);
    } finally {
      await h.cleanup();
    }
  });
});
