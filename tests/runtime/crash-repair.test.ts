// Rules §8.5 and §1.7: a process that dies after the warehouse write but before completion leaves
// rows without a version and a lease nobody renews. The reconciler reclaims the expired lease and
// requests the run again: the keyed upsert makes the rewrite harmless (no duplicate rows) and the
// completion publishes exactly one downstream event.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toWire } from '../../engine/core/messages.js';
import type { Lease, PartitionVersion } from '../../engine/core/types.js';
import { ManualClock } from '../../engine/backends/local/clock.js';
import { SimulatedCrash } from '../../engine/runtime/faults.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { reconcile } from '../../engine/runtime/reconciler.js';
import type { RunRecord } from '../../engine/runtime/run.js';
import { DAY, harness } from './harness.js';

const T0 = Date.parse('2025-01-02T06:00:00Z');

function crashingOnce() {
  let crashes = 1;
  const calls = { totals: 0, summary: 0 };
  const processors = {
    load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        calls.totals++;
        const rows = (await ctx.read('raw.events')) as Array<{ item: string; value: number }>;
        ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineUntypedProcessor('summary', {
      run: (ctx) => {
        calls.summary++;
        ctx.write([{ items: 2, grand_total: 30 }]);
      },
    }),
  };
  const faults = { crashAfterWrite: (processor: string) => processor === 'totals' && crashes-- > 0 };
  return { calls, processors, faults };
}

describe('crash after the warehouse write', () => {
  it('is repaired by the reconciler: no duplicate rows, exactly one downstream event', async () => {
    const clock = new ManualClock(T0);
    const { calls, processors, faults } = crashingOnce();
    const h = await harness(processors, { clock, faults });
    try {
      const update = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }]);

      // The runner dies right after writing its rows.
      await assert.rejects(h.engine.handleEvent(update), SimulatedCrash);
      await h.settle();
      const lease = await h.state<Lease>('leases', `totals|${DAY}`);
      assert.ok(lease, 'the dead runner still holds its lease');
      assert.equal((await h.rows('mart.totals')).length, 2, 'its rows reached the warehouse');
      assert.equal(await h.state<PartitionVersion>('versions', `mart.totals|${DAY}`), undefined, 'but no version was recorded');
      assert.equal(h.updatesOf('mart.totals').length, 0, 'and nothing was published');
      assert.equal(h.logged('run:failed', 'totals').length, 0, 'a crash is not a recorded failure');

      // While the lease is live, the reconciler leaves it alone.
      assert.equal((await reconcile(h.engine)).leasesReclaimed, 0);

      clock.advance(h.plan.processors.get('totals')!.leaseMs + 1);
      const report = await reconcile(h.engine);
      await h.settle();

      assert.equal(report.leasesReclaimed, 1);
      assert.equal(calls.totals, 2, 'the run was requested again');
      assert.deepEqual((await h.rows('mart.totals')).map((r) => [r.item, r.total]), [['a', 10], ['b', 20]], 'no duplicate rows');
      const v = await h.state<PartitionVersion>('versions', `mart.totals|${DAY}`);
      assert.equal(v?.version, 1);
      assert.equal(h.updatesOf('mart.totals').length, 1, 'exactly one downstream event');
      assert.equal(calls.summary, 1);

      const crashed = await h.state<RunRecord>('runs', lease.token);
      assert.equal(crashed?.status, 'failed');
      assert.match(crashed!.error!, /lease reclaimed: it expired/);
      const [repair] = h.logged('run:succeeded', 'totals');
      assert.equal(repair!.correlationId, update.correlationId, 'the repair run keeps the lineage');

      const again = await reconcile(h.engine);
      await h.settle();
      for (const [what, n] of Object.entries(again)) assert.equal(n, 0, `idempotent: ${what}`);
      assert.equal(calls.totals, 2);
    } finally {
      await h.cleanup();
    }
  });

  it('a redelivery that finds the dead lease is parked, then repaired once', async () => {
    const clock = new ManualClock(T0);
    const { calls, processors, faults } = crashingOnce();
    const h = await harness(processors, { clock, faults });
    try {
      const update = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }]);

      // Through the bus: the crash makes the delivery fail, and the bus redelivers.
      await h.backends.bus.publish('tiny-ingest', toWire(h.plan, update));
      await h.settle();
      assert.equal(h.logged('rerun-requested', 'totals').length, 1, 'the redelivery found the dead lease');
      assert.equal(calls.totals, 1);

      clock.advance(h.plan.processors.get('totals')!.leaseMs + 1);
      assert.equal((await reconcile(h.engine)).leasesReclaimed, 1);
      await h.settle();

      assert.equal(calls.totals, 2);
      assert.equal((await h.rows('mart.totals')).length, 2);
      assert.equal(h.updatesOf('mart.totals').length, 1);
      assert.equal(calls.summary, 1);
    } finally {
      await h.cleanup();
    }
  });
});
