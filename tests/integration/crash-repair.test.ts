// A run killed mid-flight is repaired by the reconciler (issue 6 §5.5, rules §8.3 and §8.5), with two
// instances on the emulators behind one URL. The instance running the processor is stopped hard —
// connections dropped, every backend call refused, the engine abandoned — and its lease stays in
// Firestore. Pub/Sub redelivers the trigger to the survivor, which parks it on the dead lease. Once the
// lease expired (the survivor's clock is moved past it), POST /reconcile on the survivor reclaims it:
// the crashed run is marked failed, the processor runs again exactly once, downstream gets exactly one
// event, and the keyed upsert leaves no duplicate rows — also when the dead runner had already
// written its rows.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, PartitionVersion } from '../../engine/core/types.js';
import type { ReconcileReport } from '../../engine/runtime/reconciler.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { RunRecord } from '../../engine/runtime/run.js';
import type { StatusReport } from '../../engine/runtime/inspect.js';
import type { TablePlan } from '../../engine/spec/plan.js';
import { DAY, latch, tinyPlan } from '../runtime/harness.js';
import { getJson, integrationOptions, OffsetClock, seedTable, startEmulators, startWorld, waitFor, type Emulators, type Instance, type World } from './support.js';

const plan = tinyPlan();
const [INGEST, TRANSFORM, PUBLISH] = plan.phases.map((p) => p.topic) as [string, string, string];
const LEASE_MS = plan.processors.get('totals')!.leaseMs;
type Event = { item: string; value: number };

function pipeline(opts: { blockFirst: boolean }) {
  const first = latch();
  const executions: string[] = [];
  const summaries: string[] = [];
  const processors = (instance: string) => ({
    load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        executions.push(instance);
        const rows = (await ctx.read('raw.events')) as Event[];
        if (opts.blockFirst && executions.length === 1) {
          first.arrive();
          await first.hold;
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
  return { first, executions, summaries, processors };
}

describe('a run killed mid-flight, repaired by the reconciler', integrationOptions(), () => {
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

  /** The trigger went to `victim`, which died; the survivor parks the redelivery, then reconciles. */
  async function repairOnSurvivor(victim: Instance, survivor: Instance, clock: OffsetClock, executions: string[], summaries: string[]) {
    const world = w!;
    const dead = (await survivor.backends.state.get<Lease>('leases', `totals|${DAY}`))!;
    assert.ok(dead, 'the dead runner\'s lease stays in Firestore');
    assert.equal(dead.token, victim.logged('run:started', 'totals')[0]!.executionId);

    // Pub/Sub redelivers the unanswered push; the proxy sends it to the survivor, which parks it.
    await waitFor(() => survivor.logged('rerun-requested', 'totals').length === 1, 'the redelivery to be parked on the dead lease', 15_000);
    const ingest = world.proxy.to(`/events/${INGEST}`);
    assert.deepEqual(ingest.map((r) => [r.target, r.status]), [[victim.url, 502], [survivor.url, 204]]);
    assert.equal((await getJson<ReconcileReport>(`${survivor.url}/reconcile`, { method: 'POST' })).body.leasesReclaimed, 0, 'a live lease is left alone');

    // Past the lease's expiry, the survivor's reconciler reclaims it.
    clock.advance(LEASE_MS + 1000);
    const status = (await getJson<StatusReport>(`${survivor.url}/status?date=${DAY}`)).body;
    assert.equal(status.processors.find((p) => p.processor === 'totals')?.state, 'stuck');
    const report = await getJson<ReconcileReport>(`${survivor.url}/reconcile`, { method: 'POST' });
    assert.equal(report.status, 200);
    assert.equal(report.body.leasesReclaimed, 1);

    await waitFor(async () => (await survivor.backends.state.query<RunRecord>('runs', { eq: { processor: 'summary' } })).some((r) => r.status === 'succeeded'), 'the repaired cascade to reach summary', 20_000, 150);
    await world.proxy.idle(2000);
    assert.deepEqual(executions, [victim.name, survivor.name], 'the processor ran again exactly once, on the survivor');
    assert.deepEqual(summaries, [survivor.name], 'downstream ran once');
    assert.equal(world.observer.messages(TRANSFORM).length, 1, 'exactly one downstream event');
    assert.equal(world.observer.messages(PUBLISH).length, 1);
    const rows = await survivor.backends.warehouse.read(plan.assets.get('mart.totals') as TablePlan, { partitions: [DAY] });
    assert.deepEqual(rows.map((r) => [r.item, r.total]), [['a', 10], ['b', 20]], 'no duplicate rows');
    assert.equal((await survivor.backends.state.get<PartitionVersion>('versions', `mart.totals|${DAY}`))?.version, 1);

    const runs = await survivor.backends.state.query<RunRecord>('runs', { eq: { processor: 'totals' } });
    const crashed = runs.find((r) => r.executionId === dead.token)!;
    assert.equal(crashed.status, 'failed');
    assert.match(crashed.error!, /lease reclaimed: it expired/);
    const repaired = runs.find((r) => r.executionId !== dead.token)!;
    assert.equal(repaired.status, 'succeeded');
    assert.equal(repaired.correlationId, crashed.correlationId, 'the repair keeps the lineage');
    assert.equal(survivor.logged('lease:reclaimed').length, 1);
    assert.deepEqual(await survivor.backends.state.query('leases', {}), []);

    const again = await getJson<ReconcileReport>(`${survivor.url}/reconcile`, { method: 'POST' });
    for (const [what, n] of Object.entries(again.body)) assert.equal(n, 0, `a second reconcile does nothing: ${what}`);
  }

  it('reclaims the lease of an instance stopped hard while its processor blocks', { timeout: 55_000 }, async () => {
    const { first, executions, summaries, processors } = pipeline({ blockFirst: true });
    release = first.release;
    const clocks = [new OffsetClock(), new OffsetClock()];
    w = await startWorld(emu, { name: 'crash-block', plan, instances: 2, clocks, processors, observe: [TRANSFORM, PUBLISH] });
    const update = await seedTable(w.instances[0]!.engine, 'raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }], 'seed-1');
    await w.publish(INGEST, update);
    await first.reached;
    const victim = w.instances.find((i) => i.name === executions[0])!;
    const survivor = w.instances.find((i) => i !== victim)!;
    victim.kill();
    await repairOnSurvivor(victim, survivor, clocks[w.instances.indexOf(survivor)]!, executions, summaries);
  });

  it('repairs an instance killed right after its warehouse write, without duplicate rows', { timeout: 55_000 }, async () => {
    const { executions, summaries, processors } = pipeline({ blockFirst: false });
    const instances = new Map<string, Instance>();
    let crashed = false;
    const faults = (name: string) => ({
      crashAfterWrite(processor: string) {
        if (processor !== 'totals' || crashed) return false;
        crashed = true;
        instances.get(name)!.kill();
        return true;
      },
    });
    const clocks = [new OffsetClock(), new OffsetClock()];
    w = await startWorld(emu, { name: 'crash-write', plan, instances: 2, clocks, processors, faults, observe: [TRANSFORM, PUBLISH] });
    for (const i of w.instances) instances.set(i.name, i);
    const update = await seedTable(w.instances[0]!.engine, 'raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }], 'seed-2');
    await w.publish(INGEST, update);
    await waitFor(() => crashed, 'the first totals run to write and die', 15_000);
    const victim = w.instances.find((i) => i.name === executions[0])!;
    const survivor = w.instances.find((i) => i !== victim)!;
    const written = await survivor.backends.warehouse.read(plan.assets.get('mart.totals') as TablePlan, { partitions: [DAY] });
    assert.equal(written.length, 2, 'the dead runner\'s rows reached the warehouse');
    assert.equal(await survivor.backends.state.get('versions', `mart.totals|${DAY}`), undefined, 'but no version was recorded');
    await repairOnSurvivor(victim, survivor, clocks[w.instances.indexOf(survivor)]!, executions, summaries);
  });
});
