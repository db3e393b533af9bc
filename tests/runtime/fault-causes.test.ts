// The six causes the independent fault run found (issue "Correct under faults"), one story each. Every
// story failed on the engine before tickets and holds, and holds now.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { ManualClock } from '../../engine/backends/local/clock.js';
import type { StageEpoch } from '../../engine/core/types.js';
import { runCascade } from '../../engine/runtime/cascade.js';
import { replayDeadLetters } from '../../engine/runtime/dlq.js';
import { defineUntypedProcessor, NonRetryableError, type ProcessorContext } from '../../engine/runtime/processor.js';
import { normalize } from '../../engine/core/messages.js';
import { SimulatedCrash } from '../../engine/runtime/faults.js';
import type { WireMessage } from '../../engine/ports.js';
import { reconcile } from '../../engine/runtime/reconciler.js';
import { status } from '../../engine/runtime/inspect.js';
import { DAY, harness, latch, until, type Harness } from './harness.js';
import { expectedText, WAVE_SPEC, wavePipeline } from './wave-pipeline.js';

const reportRows = async (h: Harness) => (await h.rows('d.report')).map((r) => [r.item, r.text]);

// One gate member and a two-member first level: only the stale request can go wrong here.
const STAGE_SPEC = `
version: 1
name: stage-stale
partition: { key: day, timezone: UTC }
defaults:
  retry: { max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms }
entities:
  item: {}
datasets:
  d:
    tables:
      events: { columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }, key: [item], entities: { item: item } }
      totals: { columns: { day: { type: date }, item: { type: string }, t: { type: int64 } }, key: [item], entities: { item: item } }
      form: { columns: { day: { type: date }, item: { type: string }, f: { type: int64 } }, key: [item], entities: { item: item } }
      form2: { columns: { day: { type: date }, item: { type: string }, g: { type: int64 } }, key: [item], entities: { item: item } }
      vectors: { columns: { day: { type: date }, item: { type: string }, v: { type: int64 } }, key: [item], entities: { item: item } }
phases:
  ingest: { number: 1, topic: s-ingest }
  transform: { number: 2, topic: s-transform }
  features: { number: 3, topic: s-features }
processors:
  load_events: { phase: ingest, module: none.ts, writes: d.events }
  totals: { phase: transform, module: none.ts, writes: d.totals, scopes: [item], reads: { d.events: {} } }
  form: { phase: features, module: none.ts, writes: d.form, scopes: [item], reads: { d.totals: {} } }
  form2: { phase: features, module: none.ts, writes: d.form2, scopes: [item], reads: { d.totals: {} } }
  vectors: { phase: features, module: none.ts, writes: d.vectors, scopes: [item], reads: { d.form: {}, d.form2: {} } }
gates:
  ready: { wait_for: [totals], fires: [features] }
stages:
  features: { levels: [[form, form2], [vectors]] }
`;

function stagePipeline() {
  const source = { rows: [{ item: 'a', value: 1 }] };
  const runs = { form2: 0 };
  const hold = latch();
  type R = Record<string, number | string>;
  const read = async (ctx: ProcessorContext, t: string) => (await ctx.read(t, { scope: ctx.scope })) as R[];
  const processors = {
    load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write(source.rows) }),
    totals: defineUntypedProcessor('totals', { run: async (ctx) => ctx.write((await read(ctx, 'd.events')).map((r) => ({ item: r.item, t: Number(r.value) * 10 }))) }),
    form: defineUntypedProcessor('form', { run: async (ctx) => ctx.write((await read(ctx, 'd.totals')).map((r) => ({ item: r.item, f: Number(r.t) + 1 }))) }),
    form2: defineUntypedProcessor('form2', {
      async run(ctx) {
        if (++runs.form2 === 2) {
          hold.arrive();
          await hold.hold; // epoch 2 stays in level 1 while the stale request arrives
        }
        ctx.write((await read(ctx, 'd.totals')).map((r) => ({ item: r.item, g: Number(r.t) + 2 })));
      },
    }),
    vectors: defineUntypedProcessor('vectors', {
      async run(ctx) {
        const g = new Map((await read(ctx, 'd.form2')).map((r) => [r.item, Number(r.g)] as const));
        ctx.write((await read(ctx, 'd.form')).map((r) => ({ item: r.item, v: Number(r.f) + (g.get(r.item) ?? 0) })));
      },
    }),
  };
  return { source, hold, processors };
}

describe('cause 1: a stale stage request never moves a member back', () => {
  for (const variant of ['redelivered as it was', 'without its ticket (from outside the outbox)']) {
    it(`an epoch-1 request for a level-1 member, ${variant}, after epoch 2 ran it`, async () => {
      const s = stagePipeline();
      const h = await harness(s.processors, { spec: STAGE_SPEC });
      try {
        await runCascade(h, { dates: [DAY] });
        const stale = h.published.find((p) => p.message.data.processor_name === 'form' && (p.message.data.stage as { epoch?: number } | null)?.epoch === 1)!;
        assert.ok(stale, 'the epoch-1 request of form');

        s.source.rows = [{ item: 'a', value: 5 }];
        const second = runCascade(h, { dates: [DAY] });
        await s.hold.reached;
        await until(() => h.logged('run:succeeded', 'form').length === 2, 'form to run for epoch 2');
        const decided = h.entries.filter((e) => e.processor === 'form').length;
        const { ticket: _t, ...bare } = stale.message.attributes;
        await h.backends.bus.publish(stale.topic, variant.startsWith('without') ? { data: stale.message.data, attributes: bare } : stale.message);
        await until(() => h.entries.filter((e) => e.processor === 'form').length > decided, 'the stale request to be decided');
        s.hold.release();
        await second;
        await h.settle();

        const epoch = await h.state<StageEpoch>('stage_epochs', `features|${DAY}`);
        assert.deepEqual([epoch?.epoch, epoch?.level], [2, 2], 'epoch 2 reached its second level');
        assert.deepEqual((await h.rows('d.vectors')).map((r) => [r.item, r.v]), [['a', 51 + 52]], 'the last level has the new value');
      } finally {
        await h.cleanup();
      }
    });
  }
});

describe('cause 2: a gate never fires past a member that failed on the rerun', () => {
  it('retryable: the report runs once, after the member succeeded on its retry', async () => {
    const w = wavePipeline();
    const h = await harness(w.processors, { spec: WAVE_SPEC });
    try {
      await runCascade(h, { dates: [DAY] });
      // On the update, players writes its rows and then fails once.
      w.hooks.players = (ctx, n) => {
        if (n === 2) {
          ctx.write([{ item: 'a', p: 999 }]);
          throw new Error('players: lost the connection after writing');
        }
      };
      w.source.rows = [{ item: 'a', value: 5 }, { item: 'b', value: 2 }];
      await runCascade(h, { dates: [DAY] });

      assert.equal(h.logged('run:failed', 'players').length, 1);
      assert.equal(h.logged('gate:fired').length, 2, 'once per wave');
      assert.equal(w.runs.report, 2, 'the report ran once for the update');
      assert.deepEqual(w.reports[1], { a: expectedText(5) }, 'on the new versions of every member');
      assert.deepEqual(await reportRows(h), [['a', expectedText(5)], ['b', expectedText(2)]]);
    } finally {
      await h.cleanup();
    }
  });

  it('terminal: nothing downstream runs, status names the member, and a replay completes the wave once', async () => {
    const w = wavePipeline();
    const h = await harness(w.processors, { spec: WAVE_SPEC });
    try {
      await runCascade(h, { dates: [DAY] });
      let broken = true;
      w.hooks.players = (ctx, n) => {
        if (n >= 2 && broken) {
          ctx.write([{ item: 'a', p: 999 }]);
          throw new NonRetryableError('players: a bug');
        }
      };
      w.source.rows = [{ item: 'a', value: 5 }, { item: 'b', value: 2 }];
      await runCascade(h, { dates: [DAY] });

      assert.equal(h.logged('run:failed-terminal', 'players').length, 1);
      assert.equal(h.logged('gate:fired').length, 1, 'the gate did not fire on partial data');
      assert.equal(w.runs.report, 1, 'nothing downstream ran');
      assert.deepEqual(await reportRows(h), [['a', expectedText(1)], ['b', expectedText(2)]], 'the published result is the last complete one');
      const st = await status(h.engine, DAY);
      const players = st.processors.find((p) => p.processor === 'players')!;
      assert.equal(players.state, 'failed');
      assert.match(players.note, /players: a bug/);

      broken = false; // the fix is deployed
      assert.equal((await replayDeadLetters(h.engine)).replayed, 1);
      await h.settle();
      assert.equal(h.logged('gate:fired').length, 2);
      assert.equal(w.runs.report, 2);
      assert.deepEqual(await reportRows(h), [['a', expectedText(5)], ['b', expectedText(2)]]);
    } finally {
      await h.cleanup();
    }
  });
});

describe('cause 3: a lease whose runner is gone is reclaimed at once', () => {
  it('the reconciler does not wait for the expiry of a dead process\'s lease', async () => {
    const clock = new ManualClock(Date.parse('2025-01-02T06:00:00Z'));
    const w = wavePipeline();
    const h = await harness(w.processors, { spec: WAVE_SPEC, clock });
    try {
      await runCascade(h, { dates: [DAY] });
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a process of this host that has exited
      const lease = {
        processor: 'vectors', partition: DAY, token: 'exec-of-a-killed-process', claimedAt: clock.now(), expiresAt: clock.now() + 600_000, attempt: 1,
        runner: { id: 'killed-runner', host: hostname(), pid: dead, startedAt: clock.now() - 1000 }, covers: [],
        context: { scope: null, backfill: null, stage: { name: 'features', epoch: 1, level: 2 }, lineage: { correlationId: 'c', parents: [] } },
        rerunRequested: false,
      };
      await h.backends.state.transaction(async (tx) => tx.set('leases', `vectors|${DAY}`, lease));
      const report = await reconcile(h.engine);
      await h.settle();
      assert.equal(report.leasesReclaimed, 1, 'reclaimed 10 minutes before its expiry');
      assert.equal(await h.state('leases', `vectors|${DAY}`), undefined);
    } finally {
      await h.cleanup();
    }
  });
});

describe('cause 4: the reconciler reruns a stage member within its stage', () => {
  it('a level-1 member whose process died with its message is rerun for its epoch, and the next level follows', async () => {
    const clock = new ManualClock(Date.parse('2025-01-02T06:00:00Z'));
    let crash = true;
    const w = wavePipeline();
    const h = await harness(w.processors, { spec: WAVE_SPEC, clock, faults: { crashAfterWrite: (p) => p === 'form' && crash && !(crash = false) } });
    try {
      // The stage's request for form reaches a process that dies right after form's warehouse write:
      // the message dies with it (nothing redelivers it before the lease is repaired).
      const publish = h.backends.bus.publish.bind(h.backends.bus);
      let lost: { topic: string; message: WireMessage } | undefined;
      h.backends.bus.publish = async (topic, message) => {
        if (!lost && message.data.processor_name === 'form' && message.data.reason === 'stage') {
          lost = { topic, message };
          return 'lost';
        }
        return publish(topic, message);
      };
      await runCascade(h, { dates: [DAY] });
      const n = normalize(h.plan, lost!.topic, lost!.message.data, lost!.message.attributes, h.engine.now());
      assert.ok(n.ok);
      await assert.rejects(h.engine.handleEvent(n.event), SimulatedCrash);
      await h.settle();
      assert.equal(w.runs.vectors, 0, 'the crash stopped the stage at level 1');

      clock.advance(3_600_000);
      await reconcile(h.engine);
      await h.settle();
      assert.equal(w.runs.vectors, 1, 'level 2 ran after the repaired member');
      const epoch = await h.state<StageEpoch>('stage_epochs', `features|${DAY}`);
      assert.deepEqual([epoch?.epoch, epoch?.level], [1, 2]);
      assert.deepEqual(await reportRows(h), [['a', expectedText(1)], ['b', expectedText(2)]]);
    } finally {
      await h.cleanup();
    }
  });
});

describe('cause 5: one upstream change fires a gate once, and each processor runs once', () => {
  it('a member that reads another member does not let the gate fire in between', async () => {
    const w = wavePipeline();
    const h = await harness(w.processors, { spec: WAVE_SPEC });
    try {
      await runCascade(h, { dates: [DAY] });
      const before = { ...w.runs };
      w.source.rows = [{ item: 'a', value: 5 }, { item: 'b', value: 2 }];
      await runCascade(h, { dates: [DAY] });

      assert.equal(h.logged('gate:fired').length, 2, 'once per wave');
      const ran = Object.fromEntries(Object.entries(w.runs).map(([k, n]) => [k, n - before[k as keyof typeof before]]));
      assert.deepEqual(ran, { load_events: 1, offense: 1, players: 1, form: 1, form2: 1, vectors: 1, report: 1 }, 'each affected processor once');
      assert.deepEqual(w.reports.slice(1), [{ a: expectedText(5) }], 'the report never saw a mix of generations');
    } finally {
      await h.cleanup();
    }
  });
});

describe('cause 6: a backfill with stop-after stays stopped through reconcile passes', () => {
  it('the gate past stop-after never fires, whatever the reconciler does', async () => {
    const w = wavePipeline();
    const h = await harness(w.processors, { spec: WAVE_SPEC });
    try {
      await runCascade(h, { dates: [DAY], backfill: { mode: true, reason: 'history', stopAfter: 'analytics' } });
      for (let i = 0; i < 3; i++) {
        await reconcile(h.engine, { partitions: [DAY] });
        await h.settle();
      }
      assert.equal(h.logged('gate:fired').length, 0);
      assert.deepEqual([w.runs.form, w.runs.vectors, w.runs.report], [0, 0, 0]);
      assert.ok(h.logged('gate:skip:stop-after').length >= 1, 'the gate says why it does not fire');
    } finally {
      await h.cleanup();
    }
  });
});
