// Rules §8.6 and stages: a gate over two processors fires a two-level stage once per set of member
// versions — also when every message is delivered twice — and refires once, scoped to the changed
// entities, when a member's output changes. Level 2 runs only after every level-1 member settled,
// and a level-1 member that is already up to date counts as settled.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../engine/runtime/cascade.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { GateFire, StageEpoch } from '../../engine/core/types.js';
import type { LogEntry } from '../../engine/ports.js';
import { DAY, harness, type Harness } from './harness.js';

const GATED_SPEC = `
version: 1
name: gated
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
      summary: { columns: { day: { type: date }, grand_total: { type: int64 } }, key: [day] }
      digest: { columns: { day: { type: date }, item: { type: string }, line: { type: string } }, key: [item], entities: { item: item } }
      report: { columns: { day: { type: date }, text: { type: string } }, key: [day] }
phases:
  ingest: { number: 1, topic: g-ingest }
  transform: { number: 2, topic: g-transform }
  publish: { number: 3, topic: g-publish }
processors:
  load_events: { phase: ingest, module: none.ts, writes: raw.events }
  totals: { phase: transform, module: none.ts, writes: mart.totals, scopes: [item], reads: { raw.events: {} } }
  counts: { phase: transform, module: none.ts, writes: mart.counts, scopes: [item], reads: { raw.events: {} } }
  summary: { phase: publish, module: none.ts, writes: mart.summary, reads: { mart.totals: {} } }
  digest: { phase: publish, module: none.ts, writes: mart.digest, scopes: [item], reads: { mart.counts: {} } }
  final: { phase: publish, module: none.ts, writes: mart.report, reads: { mart.summary: {}, mart.digest: {} } }
gates:
  both_ready: { wait_for: [totals, counts], fires: [reporting] }
stages:
  reporting: { levels: [[summary, digest], [final]] }
`;

type Event = { item: string; value: number };

function pipeline(source: { rows: Event[] }) {
  const runs: Record<string, Array<string>> = { totals: [], counts: [], summary: [], digest: [], final: [] };
  const scope = (ctx: { scope: { ids: string[] } | null }) => (ctx.scope ? ctx.scope.ids.join(',') : 'all');
  const processors = {
    load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write(source.rows) }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        runs.totals!.push(scope(ctx));
        const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Event[];
        ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    counts: defineUntypedProcessor('counts', {
      async run(ctx) {
        runs.counts!.push(scope(ctx));
        const rows = (await ctx.read('raw.events', { scope: ctx.scope })) as Event[];
        ctx.write(rows.map((r) => ({ item: r.item, n: 1 })));
      },
    }),
    summary: defineUntypedProcessor('summary', {
      async run(ctx) {
        runs.summary!.push(scope(ctx));
        const rows = (await ctx.read('mart.totals')) as Array<{ total: number }>;
        ctx.write([{ grand_total: rows.reduce((a, r) => a + r.total, 0) }]);
      },
    }),
    digest: defineUntypedProcessor('digest', {
      async run(ctx) {
        runs.digest!.push(scope(ctx));
        const rows = (await ctx.read('mart.counts', { scope: ctx.scope })) as Array<{ item: string; n: number }>;
        ctx.write(rows.map((r) => ({ item: r.item, line: `${r.item}×${r.n}` })));
      },
    }),
    final: defineUntypedProcessor('final', {
      async run(ctx) {
        runs.final!.push(scope(ctx));
        const [s] = (await ctx.read('mart.summary')) as Array<{ grand_total: number }>;
        const lines = (await ctx.read('mart.digest')) as Array<{ line: string }>;
        ctx.write([{ text: `${s!.grand_total}: ${lines.map((l) => l.line).join(' ')}` }]);
      },
    }),
  };
  return { runs, processors };
}

/** Every message goes on the bus twice: at-least-once delivery at its worst. */
function deliverEverythingTwice(h: Harness): void {
  const publish = h.backends.bus.publish.bind(h.backends.bus);
  h.backends.bus.publish = async (topic, message) => {
    await publish(topic, message);
    return publish(topic, message);
  };
}

const indexOf = (entries: LogEntry[], pred: (e: LogEntry) => boolean) => entries.findIndex(pred);
const epochOf = (e: LogEntry) => (e.detail as { stage?: { epoch: number } } | undefined)?.stage?.epoch;

describe('gates and stage levels', () => {
  it('fires once under duplicated deliveries, refires once scoped to what changed, and runs levels in order', async () => {
    const source = { rows: [{ item: 'a', value: 1 }, { item: 'b', value: 2 }] };
    const { runs, processors } = pipeline(source);
    const h = await harness(processors, { spec: GATED_SPEC });
    deliverEverythingTwice(h);
    try {
      // Day one: both members complete, each completion delivered twice.
      await runCascade(h, { dates: [DAY] });

      assert.equal(h.logged('gate:fired').length, 1, 'the gate fired exactly once');
      assert.equal(h.logged('stage:fired').length, 1);
      assert.deepEqual([runs.totals, runs.counts, runs.summary, runs.digest, runs.final], [['all'], ['all'], ['all'], ['all'], ['all']], 'every processor ran once');
      const e = h.entries;
      const finalStarted = indexOf(e, (x) => x.event === 'run:started' && x.processor === 'final');
      for (const member of ['summary', 'digest'])
        assert.ok(indexOf(e, (x) => x.event === 'run:succeeded' && x.processor === member) < finalStarted, `level 2 started after ${member} settled`);
      assert.deepEqual(await h.rows('mart.report'), [{ day: DAY, text: '30: a×1 b×1' }]);

      // Item a's value changes: totals gets a new version for a, counts' content is unchanged.
      source.rows = [{ item: 'a', value: 5 }, { item: 'b', value: 2 }];
      await runCascade(h, { dates: [DAY] });

      const fires = h.logged('gate:fired');
      assert.equal(fires.length, 2, 'the new member version refired the gate once');
      assert.match(fires[1]!.reasons!.join(' '), /member versions totals=v2 counts=v1/);
      assert.equal((await h.state<GateFire>('gate_fires', `both_ready|${DAY}`))?.count, 2);
      const epoch = await h.state<StageEpoch>('stage_epochs', `reporting|${DAY}`);
      assert.deepEqual([epoch?.epoch, epoch?.changed], [2, { item: ['a'] }], "the stage's scope is the member's changed entities");

      // Epoch 2, level 1: summary reads the changed totals; digest (scoped to a) is already up to date.
      assert.deepEqual(runs.summary, ['all', 'all']);
      const digest2 = h.entries.filter((x) => x.processor === 'digest' && epochOf(x) === 2);
      assert.ok(digest2.length > 0 && digest2.every((x) => (x.event === 'skip:duplicate' && x.scope === 'item:a') || x.event === 'skip:redelivered'), digest2.map((x) => `${x.event} ${x.scope}`).join('; '));
      assert.deepEqual(runs.digest, ['all'], 'digest did not run again');
      // …and level 2 still ran.
      assert.deepEqual(runs.final, ['all', 'all']);
      assert.deepEqual(await h.rows('mart.report'), [{ day: DAY, text: '70: a×1 b×1' }]);
    } finally {
      await h.cleanup();
    }
  });

  it('a member whose content did not change does not refire the gate', async () => {
    const source = { rows: [{ item: 'a', value: 1 }] };
    const { runs, processors } = pipeline(source);
    const h = await harness(processors, { spec: GATED_SPEC });
    try {
      await runCascade(h, { dates: [DAY] });
      // Both members rerun on request, writing the same content: no new version, no fire.
      for (const m of ['totals', 'counts']) await h.engine.handleEvent(h.engine.request(m, DAY, { force: true }));
      await h.settle();

      assert.deepEqual([runs.totals.length, runs.counts.length], [2, 2]);
      assert.equal(h.logged('gate:fired').length, 1);
      assert.ok(h.logged('gate:unchanged').length >= 1, 'evaluated, already fired for these versions');
      assert.equal(runs.final.length, 1);
    } finally {
      await h.cleanup();
    }
  });
});
