// Two service instances share the emulators behind one URL (issue 6 §5.4, rules §8.3–4), as Cloud Run
// runs several instances of the service: the lease in Firestore — not a process-local lock — keeps one
// execution at a time. A trigger pushed to both instances at once runs on one and becomes
// rerun-requested on the other; a late trigger carrying new input, arriving at the OTHER instance
// while the run is in flight, is parked on the same lease; after release exactly one rerun happens,
// with the new input (no lost update).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, PartitionVersion, PendingMark } from '../../engine/core/types.js';
import { requestTopic } from '../../engine/infra/topology.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { RunRecord } from '../../engine/runtime/run.js';
import type { TablePlan } from '../../engine/spec/plan.js';
import { DAY, latch, tinyPlan } from '../runtime/harness.js';
import { integrationOptions, seedTable, startEmulators, startWorld, waitFor, type Emulators, type Instance } from './support.js';

const plan = tinyPlan();
const [INGEST, TRANSFORM] = plan.phases.map((p) => p.topic) as [string, string];
type Event = { item: string; value: number };

describe('two instances behind one URL', integrationOptions(), () => {
  let emu: Emulators;
  before(async () => {
    emu = await startEmulators();
  });
  after(async () => {
    await emu?.stop();
  });

  it('run one execution at a time, park concurrent and late triggers, and rerun once with the new input', { timeout: 55_000 }, async () => {
    const first = latch();
    const executions: Array<{ instance: string; input: string }> = [];
    let running = 0;
    let maxRunning = 0;
    const processors = (instance: string) => ({
      load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
      totals: defineUntypedProcessor('totals', {
        async run(ctx) {
          running++;
          maxRunning = Math.max(maxRunning, running);
          try {
            const rows = (await ctx.read('raw.events')) as Event[];
            executions.push({ instance, input: rows.map((r) => `${r.item}=${r.value}`).sort().join(',') });
            if (executions.length === 1) {
              first.arrive();
              await first.hold;
            }
            ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
          } finally {
            running--;
          }
        },
      }),
      summary: defineUntypedProcessor('summary', {
        async run(ctx) {
          const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>;
          ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]);
        },
      }),
    });
    const w = await startWorld(emu, { name: 'two', plan, instances: 2, processors, observe: [TRANSFORM] });
    try {
      const [a, b] = w.instances as [Instance, Instance];
      const byName = (n: string) => (n === a.name ? a : b);
      const logged = (event: string, processor?: string) => [...a.logged(event, processor), ...b.logged(event, processor)];

      // The same trigger twice at once: Pub/Sub pushes both together, the proxy spreads them.
      const v1 = await seedTable(a.engine, 'raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }], 'seed-v1');
      await Promise.all([w.publish(INGEST, v1), w.publish(INGEST, v1)]);
      await first.reached;
      await waitFor(() => logged('rerun-requested', 'totals').length === 1, 'the concurrent trigger to be parked on the lease', 15_000);
      const holder = byName(executions[0]!.instance);
      const other = holder === a ? b : a;
      assert.equal(holder.logged('run:started', 'totals').length, 1);
      assert.equal(other.logged('rerun-requested', 'totals').length, 1, 'the other instance parked the concurrent trigger');
      assert.deepEqual(new Set(w.proxy.to(`/events/${INGEST}`).map((r) => r.target)), new Set([other.url]), 'the other instance answered its push (the holder is still busy)');

      // A late trigger with new input reaches the OTHER instance (the holder is busy) while the run is in flight.
      await seedTable(a.engine, 'raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 5 }], 'seed-v2');
      await w.publish(requestTopic(plan), a.engine.request('totals', DAY, { reason: 'manual', source: 'test' }));
      await waitFor(() => other.logged('rerun-requested', 'totals').length === 2, 'the late trigger to be parked by the other instance', 15_000);
      const late = w.proxy.to(`/events/${requestTopic(plan)}`);
      assert.deepEqual(late.map((r) => [r.target, r.status]), [[other.url, 204]]);
      const lease = await a.backends.state.get<Lease>('leases', `totals|${DAY}`);
      const mark = await a.backends.state.get<PendingMark>('pending', `totals|${DAY}`);
      assert.ok(mark?.tickets.some((t) => !lease!.covers.includes(t.id)), 'the late trigger waits on the holder as an open ticket');
      assert.equal(lease?.token, holder.logged('run:started', 'totals')[0]!.executionId, 'the lease is still the holder\'s');
      assert.equal(maxRunning, 1);

      // Release: the holder completes v1 and publishes the one parked rerun, which runs with v2.
      first.release();
      await waitFor(async () => (await a.backends.state.query<RunRecord>('runs', { eq: { processor: 'totals' } })).filter((r) => r.status === 'succeeded').length === 2, 'the rerun to succeed', 20_000, 150);
      await w.proxy.idle(2000);
      assert.deepEqual(executions.map((e) => e.input), ['a=1,b=2', 'a=1,b=5'], 'one rerun, with the new input');
      assert.equal(maxRunning, 1, 'never two executions at once');
      assert.equal(logged('run:started', 'totals').length, 2);
      const v = await a.backends.state.get<PartitionVersion>('versions', `mart.totals|${DAY}`);
      assert.equal(v?.version, 2);
      const rows = await a.backends.warehouse.read(plan.assets.get('mart.totals') as TablePlan, { partitions: [DAY] });
      assert.deepEqual(rows.map((r) => [r.item, r.total]), [['a', 10], ['b', 50]]);
      assert.deepEqual(w.observer.messages(TRANSFORM).map((m) => m.data.version), [1, 2], 'one completion per version');
      await waitFor(async () => {
        const s = await a.backends.warehouse.read(plan.assets.get('mart.summary') as TablePlan, { partitions: [DAY] });
        return s[0]?.grand_total === 60;
      }, 'summary to reflect the rerun', 10_000);
      assert.deepEqual(await a.backends.state.query('leases', {}), []);
    } finally {
      first.release();
      await w.cleanup();
    }
  });
});
