// Rule §8.3: an expired lease can be taken over, and the old holder is fenced — its completion is
// refused because its lease token no longer matches, so a stale runner never overwrites newer output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../engine/backends/local/clock.js';
import type { Lease, PartitionVersion } from '../../engine/core/types.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { DAY, harness, latch } from './harness.js';

const T0 = Date.parse('2025-01-02T06:00:00Z');
type Event = { item: string; value: number };

function totalsHoldingFirstRun() {
  const gate = latch();
  let calls = 0;
  const processors = {
    load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        const mine = ++calls;
        const rows = (await ctx.read('raw.events')) as Event[];
        if (mine === 1) {
          gate.arrive();
          await gate.hold; // the first runner hangs (GC pause, network partition…) holding what it read
        }
        ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 0 }]) }),
  };
  return { gate, processors, calls: () => calls };
}

describe('lease takeover', () => {
  it('a lease left by a dead runner is taken over, saying so', async () => {
    const clock = new ManualClock(T0);
    const { processors } = totalsHoldingFirstRun();
    processors.totals = defineUntypedProcessor('totals', { run: (ctx) => ctx.write([{ item: 'a', total: 10 }]) });
    const h = await harness(processors, { clock });
    try {
      const dead: Lease = { processor: 'totals', partition: DAY, token: 'dead-runner', claimedAt: T0 - 3_600_000, expiresAt: T0 - 1, attempt: 1, covers: [], context: { scope: null, backfill: null, lineage: { correlationId: 'c', parents: [] } } };
      await h.backends.state.transaction(async (tx) => tx.set('leases', `totals|${DAY}`, dead));

      const update = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);
      await h.engine.handleEvent(update);
      await h.settle();

      const [started] = h.logged('run:started', 'totals');
      assert.ok(started, 'the expired lease did not block the run');
      assert.ok(started.reasons!.some((r) => r === 'took over the expired lease (execution dead-runner)'), started.reasons!.join('; '));
      assert.equal(h.logged('run:succeeded', 'totals').length, 1);
      assert.equal(await h.state('leases', `totals|${DAY}`), undefined, 'released on completion');
    } finally {
      await h.cleanup();
    }
  });

  it("the old holder's completion is refused after a takeover; the new version stands", async () => {
    const clock = new ManualClock(T0);
    const { gate, processors, calls } = totalsHoldingFirstRun();
    const h = await harness(processors, { clock });
    try {
      // Runner A starts on value 1 and hangs.
      const v1 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);
      const runA = h.engine.handleEvent(v1);
      await gate.reached;
      const leaseA = (await h.state<Lease>('leases', `totals|${DAY}`))!;

      // A's lease runs out; value 5 arrives, and runner B takes over.
      clock.advance(h.plan.processors.get('totals')!.leaseMs + 1);
      const v2 = await h.given.update('raw.events', DAY, [{ item: 'a', value: 5 }]);
      await h.engine.handleEvent(v2);
      await h.settle();
      const [startedB] = h.logged('run:started', 'totals').slice(1);
      assert.ok(startedB!.reasons!.includes(`took over the expired lease (execution ${leaseA.token})`));
      const [succeededB] = h.logged('run:succeeded', 'totals');
      assert.equal(succeededB!.executionId, startedB!.executionId);

      // A wakes up and tries to finish with what it read before.
      gate.release();
      await runA;
      await h.settle();

      assert.equal(calls(), 2);
      const [fenced] = h.logged('run:fenced', 'totals');
      assert.equal(fenced?.executionId, leaseA.token, "A's completion was refused");
      assert.equal(h.logged('run:succeeded', 'totals').length, 1);
      assert.deepEqual(await h.rows('mart.totals'), [{ day: DAY, item: 'a', total: 50 }], "B's output stands");
      const v = await h.state<PartitionVersion>('versions', `mart.totals|${DAY}`);
      assert.deepEqual([v?.version, v?.executionId], [1, startedB!.executionId]);
      assert.equal(h.updatesOf('mart.totals').length, 1, 'no duplicate event');
      const runA_ = await h.state<{ status: string; errorType?: string }>('runs', leaseA.token);
      assert.deepEqual([runA_?.status, runA_?.errorType], ['failed', 'Fenced'], "the fenced run's record does not stay running");
    } finally {
      await h.cleanup();
    }
  });

  it('a run whose lease another runner holds when it completes commits nothing (fenced at completion)', async () => {
    // The lease changes hands after the run's last lease check (before its warehouse write) and
    // before its completion transaction: only complete()'s own fencing check stands in the way.
    const clock = new ManualClock(T0);
    const { processors } = totalsHoldingFirstRun();
    processors.totals = defineUntypedProcessor('totals', { run: (ctx) => ctx.write([{ item: 'a', total: 10 }]) });
    const h = await harness(processors, { clock });
    try {
      const leaseId = `totals|${DAY}`;
      let taken: Lease | undefined;
      const write = h.backends.warehouse.write.bind(h.backends.warehouse);
      h.backends.warehouse.write = async (table, req) => {
        const res = await write(table, req);
        if (table.ref === 'mart.totals' && !taken) {
          await h.backends.state.transaction(async (tx) => {
            const mine = (await tx.get<Lease>('leases', leaseId))!;
            taken = { ...mine, token: 'runner-b-execution', runner: { id: 'runner-b', host: 'another-host', pid: 1, startedAt: T0 }, claimedAt: clock.now(), expiresAt: clock.now() + 30_000 };
            tx.set('leases', leaseId, taken);
          });
        }
        return res;
      };

      await h.engine.handleEvent(await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]));
      await h.settle();

      const [started] = h.logged('run:started', 'totals');
      const [fenced] = h.logged('run:fenced', 'totals');
      assert.ok(taken, 'the lease was taken over during the run');
      assert.equal(fenced?.executionId, started?.executionId, 'the completion was refused');
      assert.deepEqual(fenced?.reasons, ['completion refused: the lease belongs to another runner']);
      assert.equal(h.logged('run:succeeded', 'totals').length, 0);
      assert.equal(await h.state('versions', `mart.totals|${DAY}`), undefined, 'no version committed');
      assert.equal(h.updatesOf('mart.totals').length, 0, 'no event published');
      assert.deepEqual(await h.state<Lease>('leases', leaseId), taken, "the other runner's lease stands");
      const run = await h.state<{ status: string; errorType?: string }>('runs', started!.executionId!);
      assert.deepEqual([run?.status, run?.errorType], ['failed', 'Fenced']);
    } finally {
      await h.cleanup();
    }
  });
});
