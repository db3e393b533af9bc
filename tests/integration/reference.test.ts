// A reference-style run on the emulators: the NBA pipeline.yaml with its real scraper and raw-loader
// modules against the sample source, triggered like production (POST /trigger on the service URL →
// run requests on Pub/Sub → pushes), on two instances behind the proxy with state in Firestore.
// A backfill with stop_after `raw` bounds it to phases 1–2: every scraper and raw loader succeeds,
// each phase topic carries their completions, and the analytics they would trigger are recorded as
// skip:stop-after with nothing published past phase 2. Prints the Firestore operations per run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlan, renderDiagnostics } from '../../engine/spec/index.js';
import type { StatusReport } from '../../engine/runtime/inspect.js';
import type { TablePlan } from '../../engine/spec/plan.js';
import { startSampleSource, type SampleSource } from '../../processors/sample-source/index.js';
import { describeCalls, describeSites, engineSite, getJson, integrationOptions, startEmulators, startWorld, total, waitFor, type Emulators, type SiteStats } from './support.js';

const SPEC = fileURLToPath(new URL('../../pipeline.yaml', import.meta.url));
const DATE = '2025-11-15';

describe('the NBA reference pipeline, phases 1–2, on the emulators', integrationOptions(), () => {
  let emu: Emulators;
  let source: SampleSource;
  before(async () => {
    [emu, source] = await Promise.all([startEmulators(), startSampleSource({ seed: 42, port: 0 })]);
  });
  after(async () => {
    await Promise.allSettled([emu?.stop(), source?.close()]);
  });

  it('scrapes and loads a date through push delivery, and stops after raw', { timeout: 150_000 }, async () => {
    const loaded = loadPlan(SPEC, { checkModules: false });
    if (!loaded.plan) throw new Error(renderDiagnostics(loaded.diagnostics));
    const plan = loaded.plan;
    const [scrapers, raw, analytics] = plan.phases.map((ph) => plan.order.filter((n) => plan.processors.get(n)!.phase === ph.name));
    const [P1, P2, P3] = plan.phases.map((p) => p.topic) as [string, string, string];
    const w = await startWorld(emu, {
      name: 'reference', plan, instances: 2, processors: () => ({}), env: { SOURCE_BASE_URL: source.url }, observe: [P1, P2, P3],
    });
    try {
      const started = Date.now();
      for (const processor of scrapers!) {
        const r = await getJson<{ accepted: number }>(`${w.proxy.url}/trigger`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ processor, date: DATE, backfill: { reason: 'integration test', stop_after: 'raw' } }),
        });
        assert.equal(r.status, 202, processor);
      }
      const [a, b] = w.instances;
      let report: StatusReport | undefined;
      const done = new Set([...scrapers!, ...raw!]);
      await waitFor(async () => {
        report = (await getJson<StatusReport>(`${a!.url}/status?date=${DATE}`)).body;
        return report.processors.filter((p) => done.has(p.processor)).every((p) => p.state === 'succeeded');
      }, 'every scraper and raw loader to succeed', 120_000, 250);
      const ms = Date.now() - started;
      await w.proxy.idle(1500);

      for (const t of raw!.map((n) => plan.processors.get(n)!.table!)) {
        const rows = await a!.backends.warehouse.read(plan.assets.get(t) as TablePlan, { partitions: [DATE] });
        assert.ok(rows.length > 0, `${t} has rows`);
      }
      assert.equal(w.observer.messages(P1).length, scrapers!.length, 'one completion per scraper');
      assert.equal(w.observer.messages(P2).length, raw!.length, 'one completion per raw loader');
      assert.equal(w.observer.messages(P3).length, 0, 'nothing published past stop_after');
      assert.ok(w.observer.messages(P2).every((m) => m.data.backfill_mode === true && m.data.stop_after === 'raw'), 'the backfill flags travel with every event');
      const logged = (event: string) => [...a!.logged(event), ...b!.logged(event)];
      const stopped = new Set(logged('skip:stop-after').map((e) => e.processor));
      assert.ok(analytics!.some((n) => stopped.has(n)), 'analytics were considered and recorded as skip:stop-after');
      assert.equal(logged('run:succeeded').length, scrapers!.length + raw!.length);
      // A push is answered 204 when handled, or 503 when its run failed retryably (Pub/Sub redelivers
      // it; on a loaded machine a Firestore transaction or the sample source can time out). Nothing
      // else: no 4xx (a message the service refused) and no other 5xx.
      const unhandled = w.proxy.to(/^\/events\//).filter((r) => r.status !== 204);
      assert.deepEqual(unhandled.filter((r) => r.status !== 503), [], 'every push was handled or retried');
      if (unhandled.length) console.log(`pushes retried (503): ${unhandled.map((r) => `${r.event}: ${r.reason}`).join('; ')}`);
      assert.deepEqual(new Set(w.proxy.to(/^\/events\//).map((r) => r.target)), new Set([a!.url, b!.url]));

      const sites = new Map<string, SiteStats>();
      for (const i of w.instances) for (const [k, v] of i.backends.state.snapshot(engineSite)) sites.set(k, sites.has(k) ? total([sites.get(k)!, v]) : v);
      const runs = scrapers!.length + raw!.length;
      const t = total(sites.values());
      console.log(`firestore ops per run (NBA phases 1-2, ${runs} runs, ${w.proxy.to(/^\/events\//).length} pushes, 2 instances, ${ms} ms): ${(t.calls / runs).toFixed(2)} ops, ${(t.rpcs / runs).toFixed(2)} rpcs, ${(t.reads / runs).toFixed(2)} doc reads, ${(t.writes / runs).toFixed(2)} doc writes — ${describeSites(sites, runs)}`);
      console.log(`port calls per run (NBA phases 1-2; warehouse = BigQuery stand-in, objects = GCS stand-in; queryLog is the /status polls): ${describeCalls(w.instances, runs)}`);
    } finally {
      await w.cleanup();
    }
  });
});
