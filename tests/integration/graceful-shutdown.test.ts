// Graceful shutdown on the gcp backends (rule §8.17), with two instances on the Pub/Sub and Firestore
// emulators behind one URL: the instance running a processor is stopped as Cloud Run stops it (drain
// bound, then interrupt) while the processor still blocks, deaf to its signal. Its lease is released and
// its run marked `interrupted` in Firestore, its push answered 503, the run requested again — and the
// survivor finishes the cascade at once: no lease expiry, no POST /reconcile, the processor runs again
// exactly once, downstream gets one event. Closing the Firestore and Pub/Sub clients after it raises
// nothing (it used to close them under the running processor). Instances here are in-process services
// (tests/integration/support.ts); tests/process/serve-shutdown.test.ts signals a real `serve` process.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { RunRecord } from '../../engine/runtime/run.js';
import type { TablePlan } from '../../engine/spec/plan.js';
import { DAY, latch, tinyPlan } from '../runtime/harness.js';
import { integrationOptions, seedTable, startEmulators, startWorld, waitFor, type Emulators, type World } from './support.js';

const plan = tinyPlan();
const [INGEST, TRANSFORM, PUBLISH] = plan.phases.map((p) => p.topic) as [string, string, string];
type Event = { item: string; value: number };

describe('an instance stopped gracefully while its processor runs (gcp backends on the emulators)', integrationOptions(), () => {
  let emu: Emulators;
  let w: World | undefined;
  let release = () => undefined as void;
  before(async () => {
    emu = await startEmulators();
  });
  afterEach(async () => {
    release();
    await w?.cleanup();
    w = undefined;
  });
  after(async () => {
    await emu?.stop();
  });

  it('releases the lease and marks the run interrupted; the survivor takes over at once', { timeout: 60_000 }, async () => {
    const first = latch();
    release = first.release;
    const executions: string[] = [];
    const summaries: string[] = [];
    const processors = (instance: string) => ({
      load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
      totals: defineUntypedProcessor('totals', {
        async run(ctx) {
          executions.push(instance);
          const rows = (await ctx.read('raw.events')) as Event[];
          if (executions.length === 1) {
            first.arrive();
            await first.hold; // deaf to ctx.signal: the shutdown must not depend on the processor
          }
          ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
        },
      }),
      summary: defineUntypedProcessor('summary', {
        async run(ctx) {
          summaries.push(instance);
          const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>;
          ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]);
        },
      }),
    });
    w = await startWorld(emu, { name: 'graceful-stop', plan, instances: 2, processors, observe: [TRANSFORM, PUBLISH] });
    const update = await seedTable(w.instances[0]!.engine, 'raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }], 'seed-1');
    await w.publish(INGEST, update);
    await first.reached;
    const victim = w.instances.find((i) => i.name === executions[0])!;
    const survivor = w.instances.find((i) => i !== victim)!;
    const executionId = victim.logged('run:started', 'totals')[0]!.executionId!;

    await victim.stop(); // drain bound 3 s (the harness's), then interrupt, flush, close the clients

    assert.equal(victim.logged('run:interrupted', 'totals').length, 1);
    assert.deepEqual(victim.lines.filter((l) => l.severity === 'ERROR').map((l) => l.message), [], 'no errors on the way down');
    const ingest = w.proxy.to(`/events/${INGEST}`).filter((r) => r.target === victim.url).map((r) => r.status);
    assert.ok(ingest.includes(503), `the interrupted push was answered 503: ${ingest.join(', ')}`);

    await waitFor(async () => (await survivor.backends.state.query<RunRecord>('runs', { eq: { processor: 'summary' } })).some((r) => r.status === 'succeeded'), 'the survivor to finish the cascade', 30_000, 150);
    await w.proxy.idle(2000);
    assert.deepEqual(executions, [victim.name, survivor.name], 'totals ran again exactly once, on the survivor');
    assert.deepEqual(summaries, [survivor.name], 'downstream ran once');
    assert.equal(w.observer.messages(TRANSFORM).length, 1, 'exactly one downstream event');
    assert.equal(survivor.logged('lease:reclaimed').length, 0, 'nothing waited for the reconciler');

    const runs = await survivor.backends.state.query<RunRecord>('runs', { eq: { processor: 'totals' } });
    const interrupted = runs.find((r) => r.executionId === executionId)!;
    assert.equal(interrupted.status, 'interrupted');
    const repaired = runs.find((r) => r.executionId !== executionId)!;
    assert.equal(repaired.status, 'succeeded');
    assert.equal(repaired.correlationId, interrupted.correlationId, 'the rerun keeps the lineage');
    assert.deepEqual(await survivor.backends.state.query('leases', {}), []);
    const rows = await survivor.backends.warehouse.read(plan.assets.get('mart.totals') as TablePlan, { partitions: [DAY] });
    assert.deepEqual(rows.map((r) => [r.item, r.total]), [['a', 10], ['b', 20]]);
  });
});
