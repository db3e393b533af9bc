// Rule §8.7: backfill flags travel with every run and event; nothing past `stop_after` is triggered
// (`skip:stop-after` is recorded), and the same code path as daily runs records completions and
// versions exactly as usual.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../engine/runtime/cascade.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { LastSuccess, PartitionVersion } from '../../engine/core/types.js';
import { harness, type Harness } from './harness.js';

const DATES = ['2025-01-01', '2025-01-02', '2025-01-03'];

const processors = {
  load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]) }),
  totals: defineUntypedProcessor('totals', {
    async run(ctx) {
      const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Array<{ item: string; value: number }>;
      ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
    },
  }),
  summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 2, grand_total: 30 }]) }),
};

/** What a date's orchestration state says, without ids and times. */
async function recorded(h: Harness, date: string) {
  const out: Record<string, unknown> = {};
  for (const asset of ['raw.events', 'mart.totals']) {
    const v = await h.state<PartitionVersion>('versions', `${asset}|${date}`);
    out[asset] = v && { version: v.version, rows: v.rows, changedEntities: v.changedEntities };
  }
  for (const p of ['load_events', 'totals']) {
    const s = await h.state<LastSuccess>('last_success', `${p}|${date}`);
    out[p] = s && { fingerprint: s.fingerprint, scope: s.scope, fullFingerprint: s.fullFingerprint };
  }
  return out;
}

describe('backfill with stop_after', () => {
  it('runs phases 1–2 for every date and nothing past phase 2, with backfill flags on every run', async () => {
    const h = await harness(processors);
    try {
      await runCascade(h, { dates: DATES, backfill: { mode: true, reason: 'test', stopAfter: 'transform' } });

      assert.equal(h.published.filter((p) => p.topic === 'tiny-publish').length, 0, 'nothing published past phase 2');
      assert.deepEqual(h.logged('skip:stop-after', 'summary').map((e) => e.partition).sort(), DATES);
      assert.match(h.logged('skip:stop-after', 'summary')[0]!.reasons![0]!, /backfill stops after phase transform; summary is in phase publish/);
      assert.equal(h.logged('run:started', 'summary').length, 0, 'no run of phase 3');
      assert.equal(h.logged('run:succeeded', 'totals').length, 3);

      const runEntries = h.entries.filter((e) => e.event.startsWith('run:') || e.event.startsWith('skip:'));
      assert.ok(runEntries.length >= 15);
      for (const e of runEntries) assert.deepEqual([e.event, e.backfill, e.backfillReason, e.stopAfter], [e.event, true, 'test', 'transform']);
      for (const p of h.published.filter((m) => m.message.data.event_type === 'table_updated'))
        assert.deepEqual([p.message.data.backfill_mode, p.message.data.backfill_reason, p.message.data.stop_after], [true, 'test', 'transform'], 'flags travel with every event');
    } finally {
      await h.cleanup();
    }
  });

  it('records completions and versions exactly as a daily run does', async () => {
    const daily = await harness(processors);
    const backfill = await harness(processors);
    try {
      await runCascade(daily, { dates: [DATES[0]!] });
      await runCascade(backfill, { dates: [DATES[0]!], backfill: { mode: true, reason: 'test', stopAfter: 'transform' } });

      const expected = await recorded(daily, DATES[0]!);
      assert.ok(expected['mart.totals'], 'the daily run recorded a version');
      assert.deepEqual(await recorded(backfill, DATES[0]!), expected, 'same versions, rows, changed entities and fingerprints');
      assert.deepEqual(await backfill.rows('mart.totals', DATES[0]), await daily.rows('mart.totals', DATES[0]));
    } finally {
      await daily.cleanup();
      await backfill.cleanup();
    }
  });
});
