// A gate over two members fires exactly once under duplicated deliveries (issue 6 §5.2, rule §8.6):
// two service instances behind the proxy, and every message any instance publishes goes on its
// topic twice (two Pub/Sub messages), so each member completion and each run request is pushed twice,
// concurrently, to either instance. The gate's fire is one Firestore transaction: one gate_fires
// document with count 1, and its target runs once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GateFire } from '../../engine/core/types.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { RunRecord } from '../../engine/runtime/run.js';
import type { TablePlan } from '../../engine/spec/plan.js';
import { DAY, tinyPlan } from '../runtime/harness.js';
import { describeSites, doubleDelivery, engineSite, integrationOptions, seedTable, startEmulators, startWorld, total, waitFor, type Emulators } from './support.js';

const GATE_SPEC = `
version: 1
name: gd
partition: { key: day, timezone: UTC }
defaults:
  retry: { max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms }
entities:
  item: {}
datasets:
  raw:
    tables:
      events: { columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }, key: [item], entities: { item: item } }
  mart:
    tables:
      totals: { columns: { day: { type: date }, item: { type: string }, total: { type: int64 } }, key: [item], entities: { item: item } }
      counts: { columns: { day: { type: date }, item: { type: string }, n: { type: int64 } }, key: [item], entities: { item: item } }
      report: { columns: { day: { type: date }, grand_total: { type: int64 }, items: { type: int64 } }, key: [day] }
phases:
  ingest: { number: 1, topic: gd-ingest }
  transform: { number: 2, topic: gd-transform }
  publish: { number: 3, topic: gd-publish }
processors:
  load_events: { phase: ingest, module: none.ts, writes: raw.events }
  totals: { phase: transform, module: none.ts, writes: mart.totals, reads: { raw.events: {} } }
  counts: { phase: transform, module: none.ts, writes: mart.counts, reads: { raw.events: {} } }
  final: { phase: publish, module: none.ts, writes: mart.report, reads: { mart.totals: {}, mart.counts: {} } }
gates:
  both_ready: { wait_for: [totals, counts], fires: [final] }
`;

const plan = tinyPlan(GATE_SPEC);
const [INGEST, TRANSFORM, PUBLISH] = plan.phases.map((p) => p.topic) as [string, string, string];
type Event = { item: string; value: number };

describe('a gate under duplicated Pub/Sub deliveries', integrationOptions(), () => {
  let emu: Emulators;
  before(async () => {
    emu = await startEmulators();
  });
  after(async () => {
    await emu?.stop();
  });

  it('fires once and runs its target once, across two instances', { timeout: 55_000 }, async () => {
    const calls = { totals: 0, counts: 0, final: 0 };
    const processors = () => ({
      load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
      totals: defineUntypedProcessor('totals', {
        async run(ctx) {
          calls.totals++;
          ctx.write(((await ctx.read('raw.events')) as Event[]).map((r) => ({ item: r.item, total: r.value * 10 })));
        },
      }),
      counts: defineUntypedProcessor('counts', {
        async run(ctx) {
          calls.counts++;
          ctx.write(((await ctx.read('raw.events')) as Event[]).map((r) => ({ item: r.item, n: 1 })));
        },
      }),
      final: defineUntypedProcessor('final', {
        async run(ctx) {
          calls.final++;
          const totals = (await ctx.read('mart.totals')) as Array<{ total: number }>;
          const counts = (await ctx.read('mart.counts')) as Array<{ n: number }>;
          ctx.write([{ grand_total: totals.reduce((a, r) => a + r.total, 0), items: counts.reduce((a, r) => a + r.n, 0) }]);
        },
      }),
    });
    const w = await startWorld(emu, { name: 'gate-dup', plan, instances: 2, processors, observe: [TRANSFORM, PUBLISH] });
    try {
      for (const i of w.instances) doubleDelivery(i.backends.bus);
      const [a, b] = w.instances as [typeof w.instances[0], typeof w.instances[0]];
      const update = await seedTable(a.engine, 'raw.events', DAY, [{ item: 'x', value: 1 }, { item: 'y', value: 2 }], 'seed-1');
      await Promise.all([w.publish(INGEST, update), w.publish(INGEST, update)]);

      await waitFor(async () => (await a.backends.state.query<RunRecord>('runs', { eq: { processor: 'final' } })).some((r) => r.status === 'succeeded'), 'the gate target to succeed', 25_000, 150);
      await w.proxy.idle(2500, 30_000);

      // Everything was delivered twice, to both instances.
      const pushes = w.proxy.to(/^\/events\//);
      const count = (event: string) => pushes.filter((p) => p.event === event).length;
      assert.equal(count('table_updated raw.events'), 2);
      assert.equal(count('table_updated mart.totals'), 2, 'the totals completion was pushed twice');
      assert.equal(count('table_updated mart.counts'), 2, 'the counts completion was pushed twice');
      assert.ok(count('run_requested final') >= 2, 'the gate fire request was pushed twice');
      assert.ok(pushes.every((p) => p.status === 204), pushes.map((p) => `${p.event} ${p.status}`).join(', '));
      assert.deepEqual(new Set(pushes.map((p) => p.target)), new Set([a.url, b.url]), 'both instances served pushes');

      // One fire, one run of its target; members ran once each despite their duplicate triggers.
      const fires = await a.backends.state.query<GateFire>('gate_fires', {});
      assert.equal(fires.length, 1);
      assert.equal(fires[0]!.count, 1, 'gate_fires count');
      assert.deepEqual(fires[0]!.vector, { totals: 1, counts: 1 });
      const logged = (event: string, processor?: string) => [...a.logged(event, processor), ...b.logged(event, processor)];
      assert.equal(logged('gate:fired').length, 1, 'one gate:fired across both instances');
      const finals = await a.backends.state.query<RunRecord>('runs', { eq: { processor: 'final' } });
      assert.deepEqual(finals.map((r) => r.status), ['succeeded']);
      assert.deepEqual(calls, { totals: 1, counts: 1, final: 1 });
      assert.equal(logged('run:succeeded', 'final').length, 1);
      for (const p of ['totals', 'counts', 'final']) {
        const absorbed = logged('skip:duplicate', p).length + logged('skip:redelivered', p).length + logged('rerun-requested', p).length;
        assert.ok(absorbed >= 1, `${p}'s duplicate trigger was absorbed by its settled ticket, dedup or its lease`);
      }
      assert.equal(w.observer.messages(PUBLISH).length, 2, 'final published its completion once (doubled by the bus)');
      const report = await a.backends.warehouse.read(plan.assets.get('mart.report') as TablePlan, { partitions: [DAY] });
      assert.deepEqual(report.map((r) => [r.grand_total, r.items]), [[30, 2]]);

      const sites = new Map([...a.backends.state.snapshot(engineSite)]);
      for (const [k, v] of b.backends.state.snapshot(engineSite)) {
        const s = sites.get(k);
        sites.set(k, s ? total([s, v]) : v);
      }
      const t = total(sites.values());
      console.log(`firestore ops with every delivery doubled (3 runs, ${pushes.length} pushes on 2 instances): ${t.calls} ops, ${t.rpcs} rpcs, ${t.reads} doc reads, ${t.writes} doc writes — ${describeSites(sites)}`);
    } finally {
      await w.cleanup();
    }
  });
});
