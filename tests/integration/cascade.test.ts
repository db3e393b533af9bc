// A three-phase cascade through REAL Pub/Sub push delivery and Firestore state (issue 6 §5.1): a run
// request published on the requests topic is pushed to the service, each completion is published on
// its phase topic and pushed back, until every processor succeeded. Versions, last successes and runs
// are Firestore documents. A second identical request reruns the source, whose content is unchanged:
// no new version, no downstream event. Prints the Firestore operations per run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LastSuccess, PartitionVersion } from '../../engine/core/types.js';
import { encodeId } from '../../engine/backends/gcp/firestore-encoding.js';
import { requestTopic } from '../../engine/infra/topology.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { RunRecord } from '../../engine/runtime/run.js';
import type { StatusReport } from '../../engine/runtime/inspect.js';
import type { TablePlan } from '../../engine/spec/plan.js';
import { DAY, tinyPlan } from '../runtime/harness.js';
import { describeCalls, describeSites, engineSite, getJson, integrationOptions, startEmulators, startWorld, total, waitFor, type Emulators } from './support.js';

const plan = tinyPlan();
const [INGEST, TRANSFORM, PUBLISH] = plan.phases.map((p) => p.topic) as [string, string, string];

function processors() {
  const calls = { load_events: 0, totals: 0, summary: 0 };
  const defs = {
    load_events: defineUntypedProcessor('load_events', {
      run(ctx) {
        calls.load_events++;
        ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]);
      },
    }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        calls.totals++;
        const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Array<{ item: string; value: number }>;
        ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineUntypedProcessor('summary', {
      async run(ctx) {
        calls.summary++;
        const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>;
        ctx.write([{ items: rows.length, grand_total: rows.reduce((a, r) => a + r.total, 0) }]);
      },
    }),
  };
  return { calls, defs };
}

describe('a cascade through Pub/Sub push and Firestore', integrationOptions(), () => {
  let emu: Emulators;
  before(async () => {
    emu = await startEmulators();
  });
  after(async () => {
    await emu?.stop();
  });

  it('runs to the end, keeps its state in Firestore, and an identical request publishes nothing downstream', { timeout: 55_000 }, async () => {
    const { calls, defs } = processors();
    const w = await startWorld(emu, { name: 'cascade', plan, processors: () => defs, observe: [INGEST, TRANSFORM, PUBLISH] });
    try {
      const [inst] = w.instances;
      const { backends } = inst!;
      assert.ok(w.topology.result.changes.some((c) => c.resource === 'subscription' && c.detail === `push to ${w.proxy.url}/events/${requestTopic(plan)}`));

      const started = Date.now();
      await w.publish(requestTopic(plan), inst!.engine.request('load_events', DAY, { reason: 'manual', source: 'test' }));
      let report: StatusReport | undefined;
      await waitFor(async () => {
        report = (await getJson<StatusReport>(`${inst!.url}/status?date=${DAY}`)).body;
        return report.processors.every((p) => p.state === 'succeeded');
      }, 'every processor succeeded in /status', 20_000, 150);
      const cascadeMs = Date.now() - started;
      assert.deepEqual(report!.processors.map((p) => [p.processor, p.state, p.version, p.rows]), [
        ['load_events', 'succeeded', 1, 2], ['totals', 'succeeded', 1, 2], ['summary', 'succeeded', 1, 1],
      ]);
      assert.deepEqual(calls, { load_events: 1, totals: 1, summary: 1 });

      // Every hop was a real push through the proxy; each phase topic carried one completion.
      await w.proxy.idle(1000);
      const pushes = w.proxy.to(/^\/events\//).sort((a, b) => a.startedAt - b.startedAt);
      assert.deepEqual(pushes.map((p) => [p.path, p.event, p.status]), [
        [`/events/${requestTopic(plan)}`, 'run_requested load_events', 204],
        [`/events/${INGEST}`, 'table_updated raw.events', 204],
        [`/events/${TRANSFORM}`, 'table_updated mart.totals', 204],
        [`/events/${PUBLISH}`, 'table_updated mart.summary', 204],
      ]);
      for (const [topic, asset] of [[INGEST, 'raw.events'], [TRANSFORM, 'mart.totals'], [PUBLISH, 'mart.summary']] as const) {
        const [m] = await w.observer.waitFor(topic, 1);
        assert.equal(m!.data.asset, asset);
        assert.equal(m!.attributes.event_type, 'table_updated');
      }

      // The orchestration state lives in Firestore: read through the store and as raw documents.
      for (const [asset, writer, rows] of [['raw.events', 'load_events', 2], ['mart.totals', 'totals', 2], ['mart.summary', 'summary', 1]] as const) {
        const v = await backends.state.get<PartitionVersion>('versions', `${asset}|${DAY}`);
        assert.equal(v?.version, 1, asset);
        assert.equal(v?.rows, rows, asset);
        const s = await backends.state.get<LastSuccess>('last_success', `${writer}|${DAY}`);
        assert.equal(s?.executionId, v?.executionId, `${writer}'s last success is the run that wrote ${asset}`);
        const raw = await backends.firestore.collection('pipeline_versions').doc(encodeId(`${asset}|${DAY}`)).get();
        assert.ok(raw.exists, `pipeline_versions/${asset}|${DAY} is a Firestore document`);
      }
      const runs = await backends.state.query<RunRecord>('runs', { eq: { partition: DAY } });
      assert.deepEqual(runs.map((r) => [r.processor, r.status]).sort(), [['load_events', 'succeeded'], ['summary', 'succeeded'], ['totals', 'succeeded']]);
      assert.deepEqual(await backends.state.query('leases', {}), [], 'no lease left');
      assert.deepEqual(await backends.state.query('outbox', { eq: { kind: 'outbox' } }), [], 'every outbox entry was published and deleted');
      const summary = await backends.warehouse.read(plan.assets.get('mart.summary') as TablePlan, { partitions: [DAY] });
      assert.deepEqual(summary.map((r) => [r.items, r.grand_total]), [[2, 30]]);

      // Firestore operations per run (the /status polls above are excluded).
      const engineSites = backends.state.snapshot(engineSite);
      const perRun = total(engineSites.values());
      console.log(`firestore ops per run (changed output, 3 runs, ${cascadeMs} ms cascade): ${(perRun.calls / 3).toFixed(2)} ops, ${(perRun.rpcs / 3).toFixed(2)} rpcs, ${(perRun.reads / 3).toFixed(2)} doc reads, ${(perRun.writes / 3).toFixed(2)} doc writes — ${describeSites(engineSites, 3)}`);
      // Each claim and completion attempt reads what it needs in ONE batched get (the regression this
      // catches: reads issued document by document again). Claim: batch + pending query + commit;
      // completion: batch + commit. Counted by the Firestore transaction itself, so not timing-dependent.
      for (const [site, rpcs] of [['claim@claim.ts', 3], ['complete (version + success + outbox)', 2]] as const) {
        const s = engineSites.get(site)!;
        assert.equal(s.batchGets, s.attempts, `${site}: one batched read per attempt`);
        assert.equal(s.rpcs, rpcs * s.attempts, `${site}: ${rpcs} round trips per attempt`);
      }
      assert.equal(perRun.calls, 3 * 4, 'a changed run is 4 Firestore operations (claim, lease check, completion, outbox delete)');
      console.log(`port calls for those 3 runs (warehouse = the BigQuery stand-in: one write = one load + MERGE on BigQuery; queryLog and some appendLog batches come from the /status polls): ${describeCalls(w.instances)}`);

      // The same request again: the source reruns, its content is unchanged → no version, no event.
      backends.state.reset();
      backends.calls.clear();
      await w.publish(requestTopic(plan), inst!.engine.request('load_events', DAY, { reason: 'manual', source: 'test' }));
      await waitFor(async () => (await backends.state.query<RunRecord>('runs', { eq: { processor: 'load_events' } })).filter((r) => r.status === 'succeeded').length === 2, 'the second load_events run', 15_000, 150);
      await w.proxy.idle(2000);
      assert.equal(calls.load_events, 2);
      assert.deepEqual([calls.totals, calls.summary], [1, 1], 'nothing downstream ran');
      for (const topic of [INGEST, TRANSFORM, PUBLISH]) assert.equal(w.observer.messages(topic).length, 1, `no new message on ${topic}`);
      assert.equal((await backends.state.get<PartitionVersion>('versions', `raw.events|${DAY}`))?.version, 1);
      const [, second] = inst!.logged('run:succeeded', 'load_events');
      assert.deepEqual(second?.reasons, ['content unchanged: no new version, no event']);
      const unchanged = backends.state.snapshot(engineSite);
      const u = total(unchanged.values());
      console.log(`firestore ops per run (unchanged output, 1 run): ${u.calls} ops, ${u.rpcs} rpcs, ${u.reads} doc reads, ${u.writes} doc writes — ${describeSites(unchanged)}; port calls: ${describeCalls(w.instances)}`);
    } finally {
      await w.cleanup();
    }
  });
});
