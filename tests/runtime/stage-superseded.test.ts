// A gate that refires while the stage's previous epoch is still in an early level opens a new epoch,
// and the old epoch's later levels are never requested. The new epoch must then also cover the old
// one's entities: otherwise a scoped refire (one item changed) leaves the last level written for that
// item only. (Seen in the NBA cascade: a late props update refired phase 3→4 while level 2 ran, and
// the feature store got 126 of 240 players.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../engine/runtime/cascade.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { StageEpoch } from '../../engine/core/types.js';
import { DAY, harness, latch, until } from './harness.js';

const SPEC = `
version: 1
name: superseded
partition: { key: day, timezone: UTC }
defaults:
  retry: { max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms }
entities:
  item: {}
datasets:
  d:
    tables:
      events: { columns: { day: { type: date }, item: { type: string }, value: { type: int64 } }, key: [item], entities: { item: item } }
      totals: { columns: { day: { type: date }, item: { type: string }, total: { type: int64 } }, key: [item], entities: { item: item } }
      form: { columns: { day: { type: date }, item: { type: string }, v: { type: int64 } }, key: [item], entities: { item: item } }
      vectors: { columns: { day: { type: date }, item: { type: string }, v: { type: int64 } }, key: [item], entities: { item: item } }
phases:
  ingest: { number: 1, topic: s-ingest }
  transform: { number: 2, topic: s-transform }
  features: { number: 3, topic: s-features }
processors:
  load_events: { phase: ingest, module: none.ts, writes: d.events }
  totals: { phase: transform, module: none.ts, writes: d.totals, scopes: [item], reads: { d.events: {} } }
  form: { phase: features, module: none.ts, writes: d.form, scopes: [item], reads: { d.totals: {} } }
  vectors: { phase: features, module: none.ts, writes: d.vectors, scopes: [item], reads: { d.form: {} } }
gates:
  ready: { wait_for: [totals], fires: [features] }
stages:
  features: { levels: [[form], [vectors]] }
`;

type Row = { item: string; value?: number; total?: number; v?: number };

describe('stages: an epoch superseded before its last level', () => {
  it('carries its entities into the new epoch, so the last level still covers every item', async () => {
    const source = { rows: [{ item: 'a', value: 1 }, { item: 'b', value: 2 }, { item: 'c', value: 3 }] };
    const firstForm = latch();
    let formRuns = 0;
    const processors = {
      load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write(source.rows) }),
      totals: defineUntypedProcessor('totals', {
        async run(ctx) {
          const rows = (await ctx.read('d.events', { scope: ctx.scope })) as Row[];
          ctx.write(rows.map((r) => ({ item: r.item, total: r.value! * 10 })));
        },
      }),
      form: defineUntypedProcessor('form', {
        async run(ctx) {
          if (++formRuns === 1) {
            firstForm.arrive();
            await firstForm.hold; // epoch 1 stays in level 1 while the gate refires
          }
          const rows = (await ctx.read('d.totals', { scope: ctx.scope })) as Row[];
          ctx.write(rows.map((r) => ({ item: r.item, v: r.total! + 1 })));
        },
      }),
      vectors: defineUntypedProcessor('vectors', {
        async run(ctx) {
          const rows = (await ctx.read('d.form', { scope: ctx.scope })) as Row[];
          ctx.write(rows.map((r) => ({ item: r.item, v: r.v! * 2 })));
        },
      }),
    };
    const h = await harness(processors, { spec: SPEC });
    try {
      const first = runCascade(h, { dates: [DAY] });
      await firstForm.reached;
      // Item a changes while epoch 1 (everything) is still in level 1: the gate refires for a only.
      source.rows = [{ item: 'a', value: 5 }, { item: 'b', value: 2 }, { item: 'c', value: 3 }];
      const second = runCascade(h, { dates: [DAY] });
      await until(async () => ((await h.state<StageEpoch>('stage_epochs', `features|${DAY}`))?.epoch ?? 0) >= 2, 'the second epoch');
      firstForm.release();
      await Promise.all([first, second]);

      const epoch = await h.state<StageEpoch>('stage_epochs', `features|${DAY}`);
      assert.equal(epoch?.epoch, 2);
      assert.equal(epoch?.changed, null, 'epoch 2 inherited epoch 1 (everything), not just item a');
      assert.deepEqual(
        (await h.rows('d.vectors')).map((r) => [r.item, r.v]),
        [['a', 102], ['b', 42], ['c', 62]],
        'the last level was written for every item, with a\'s new value',
      );
      assert.deepEqual(h.logged('run:failed-terminal'), []);
    } finally {
      await h.cleanup();
    }
  });
});
