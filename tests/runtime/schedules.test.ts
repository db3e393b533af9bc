// Rule §8.10: a schedule fires its target for the configured partition unless it already ran for the
// current inputs; `wait_for` waits up to a bound for the critical inputs, then runs if they are ready
// or alerts if not; a straggler retry reruns only the entities missing from the output. Scheduler
// retries of one tick are deduplicated.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../engine/backends/local/clock.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import { tickSchedule, type TickResult } from '../../engine/runtime/schedules.js';
import { DAY, harness, tinySpec, until } from './harness.js';

const SIX_AM_NEXT_DAY = Date.parse('2025-01-02T06:00:00Z'); // "yesterday" is DAY
type Event = { item: string; value: number };

function pipeline(opts: { skip?: Set<string> } = {}) {
  const runs: string[] = [];
  const processors = {
    load_events: defineUntypedProcessor('load_events', { run: () => undefined }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        runs.push(ctx.scope ? `${ctx.scope.kind}:${ctx.scope.ids.join(',')}` : 'all');
        const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Event[];
        ctx.write(rows.filter((r) => !opts.skip?.has(r.item)).map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 1, grand_total: 0 }]) }),
  };
  return { runs, processors };
}

const nightly = (extra: Record<string, unknown> = {}) =>
  tinySpec({ schedules: { nightly: { cron: '0 6 * * *', target: 'totals', partition: 'yesterday', ...extra } } });

/** Run a tick to its end, moving the manual clock whenever the tick sleeps. */
async function tickThroughWaits(clock: ManualClock, tick: Promise<TickResult>, stepMs: number): Promise<TickResult> {
  let done = false;
  void tick.finally(() => (done = true));
  while (!done) {
    await until(() => done || clock.pendingSleeps() > 0, 'the tick to sleep or finish');
    if (!done) clock.advance(stepMs);
  }
  return tick;
}

describe('schedules', () => {
  it('a tick requests its target for the configured partition; a retry of the same tick is a duplicate', async () => {
    const clock = new ManualClock(SIX_AM_NEXT_DAY);
    const { runs, processors } = pipeline();
    const h = await harness(processors, { spec: nightly(), clock });
    try {
      await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]);

      const tick = await tickSchedule(h.engine, 'nightly', SIX_AM_NEXT_DAY);
      await h.settle();
      assert.deepEqual([tick.decision, tick.partition], ['requested', DAY]);
      assert.deepEqual(runs, ['all']);
      assert.equal(h.logged('run:succeeded', 'totals')[0]!.correlationId, `schedule-nightly-${DAY}`);

      const retry = await tickSchedule(h.engine, 'nightly', SIX_AM_NEXT_DAY);
      await h.settle();
      assert.equal(retry.decision, 'skip:duplicate-tick');
      assert.deepEqual(runs, ['all']);
    } finally {
      await h.cleanup();
    }
  });

  it('a tick for a target that already ran for its current inputs is skipped', async () => {
    const clock = new ManualClock(SIX_AM_NEXT_DAY);
    const { runs, processors } = pipeline();
    const h = await harness(processors, { spec: nightly(), clock });
    try {
      await h.engine.handleEvent(await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]));
      await h.settle();

      const tick = await tickSchedule(h.engine, 'nightly', SIX_AM_NEXT_DAY);
      await h.settle();
      assert.equal(tick.decision, 'skip:done');
      assert.match(tick.reasons.join(' '), /already ran for its current inputs/);
      assert.deepEqual(runs, ['all'], 'not run again');
    } finally {
      await h.cleanup();
    }
  });

  it('wait_for waits for a missing critical input and runs once it arrives within the bound', async () => {
    const clock = new ManualClock(SIX_AM_NEXT_DAY);
    const { runs, processors } = pipeline();
    const h = await harness(processors, { spec: nightly({ wait_for: '1h' }), clock });
    try {
      const tick = tickSchedule(h.engine, 'nightly', SIX_AM_NEXT_DAY, { pollMs: 600_000 });
      await until(() => clock.pendingSleeps() > 0, 'the tick to wait');
      assert.deepEqual(runs, []);

      await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }]); // the upstream lands 10 minutes in
      const result = await tickThroughWaits(clock, tick, 600_000);
      await h.settle();

      assert.equal(result.decision, 'requested');
      assert.equal(clock.now(), SIX_AM_NEXT_DAY + 600_000, 'it ran at the first poll after the input arrived');
      assert.deepEqual(runs, ['all']);
    } finally {
      await h.cleanup();
    }
  });

  it('wait_for alerts when the critical input is still missing at the bound', async () => {
    const clock = new ManualClock(SIX_AM_NEXT_DAY);
    const { runs, processors } = pipeline();
    const h = await harness(processors, { spec: nightly({ wait_for: '1h' }), clock });
    try {
      const result = await tickThroughWaits(clock, tickSchedule(h.engine, 'nightly', SIX_AM_NEXT_DAY, { pollMs: 600_000 }), 600_000);
      await h.settle();

      assert.equal(result.decision, 'skip:not-ready');
      assert.equal(clock.now(), SIX_AM_NEXT_DAY + 3_600_000, 'it waited the whole bound');
      assert.deepEqual(result.reasons, [`critical input raw.events for ${DAY} has no data yet`]);
      const [alert] = h.logged('alert:schedule:not-ready', 'totals');
      assert.equal((alert?.detail as { severity?: string }).severity, 'error');
      assert.deepEqual(runs, []);
    } finally {
      await h.cleanup();
    }
  });

  it('a straggler retry reruns only the entities missing from the output', async () => {
    const clock = new ManualClock(SIX_AM_NEXT_DAY);
    const missed = new Set(['c']); // the first run loses item c
    const { runs, processors } = pipeline({ skip: missed });
    const h = await harness(processors, { spec: nightly({ stragglers: { entity: 'item', expected: 'raw.events' } }), clock });
    try {
      await h.engine.handleEvent(await h.given.update('raw.events', DAY, [{ item: 'a', value: 1 }, { item: 'b', value: 2 }, { item: 'c', value: 3 }]));
      await h.settle();
      assert.deepEqual((await h.rows('mart.totals')).map((r) => r.item), ['a', 'b']);

      missed.clear();
      const tick = await tickSchedule(h.engine, 'nightly', SIX_AM_NEXT_DAY);
      await h.settle();
      assert.equal(tick.decision, 'requested');
      assert.deepEqual(runs, ['all', 'item:c'], 'only the straggler');
      assert.deepEqual((await h.rows('mart.totals')).map((r) => [r.item, r.total]), [['a', 10], ['b', 20], ['c', 30]]);

      const next = await tickSchedule(h.engine, 'nightly', SIX_AM_NEXT_DAY + 60_000);
      assert.equal(next.decision, 'skip:no-stragglers');
    } finally {
      await h.cleanup();
    }
  });
});
