// Rules §8.12 and §1.5: the execution log is written in batches, never one insert per entry; and
// dependency checks and dedup read the state store only — a cascade whose processors read nothing
// makes no warehouse read at all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toWire } from '../../engine/core/messages.js';
import { requestTopic } from '../../engine/runtime/outbox.js';
import { defineUntypedProcessor } from '../../engine/runtime/processor.js';
import type { LogEntry } from '../../engine/ports.js';
import { harness, type Harness } from './harness.js';

const DATES = ['2025-01-01', '2025-01-02', '2025-01-03'];

/** Processors that write fixed rows and never read. */
const blind = {
  load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]) }),
  totals: defineUntypedProcessor('totals', { run: (ctx) => ctx.write([{ item: 'a', total: 10 }, { item: 'b', total: 20 }]) }),
  summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 2, grand_total: 30 }]) }),
};

async function requestAll(h: Harness, processors: string[]): Promise<void> {
  for (const d of DATES) for (const p of processors) await h.backends.bus.publish(requestTopic(h.plan), toWire(h.plan, h.engine.request(p, d)));
}

describe('log batching and state-only decisions', () => {
  it('a cascade of 3 processors × 3 dates appends its log in a few batches', async () => {
    const h = await harness(blind);
    const batches: LogEntry[][] = [];
    const append = h.backends.warehouse.appendLog.bind(h.backends.warehouse);
    h.backends.warehouse.appendLog = async (entries) => {
      batches.push(entries);
      return append(entries);
    };
    try {
      await requestAll(h, ['load_events']);
      await h.settle(); // the cascade runs to the end, then the log is flushed
      await requestAll(h, ['totals', 'summary']); // and once more: every decision is a duplicate
      await h.settle();

      const written = batches.flat();
      assert.equal(h.logged('run:succeeded').length, 9);
      assert.equal(h.logged('skip:duplicate').length, 6);
      assert.ok(written.length >= 24, `${written.length} entries`);
      assert.ok(batches.length <= 5, `${written.length} entries in ${batches.length} batches`);
      assert.equal(written.length, h.entries.length, 'every entry recorded was written');
      const stored = await h.backends.warehouse.queryLog({});
      assert.equal(stored.length, written.length);
    } finally {
      await h.cleanup();
    }
  });

  it('a failed log write loses nothing: the next flush writes the entries', async () => {
    const h = await harness(blind);
    const append = h.backends.warehouse.appendLog.bind(h.backends.warehouse);
    let outage = true;
    h.backends.warehouse.appendLog = async (entries) => {
      if (outage) throw new Error('warehouse unavailable');
      return append(entries);
    };
    try {
      await requestAll(h, ['load_events']);
      await assert.rejects(h.settle(), /warehouse unavailable/);

      outage = false;
      await h.engine.log.flush();

      const stored = await h.backends.warehouse.queryLog({});
      assert.equal(stored.length, h.entries.length, 'every entry made it, once');
      assert.equal(stored.filter((e) => e.event === 'run:succeeded').length, 9);
    } finally {
      await h.cleanup();
    }
  });

  it('dependency checks and dedup do zero warehouse reads', async () => {
    const h = await harness(blind);
    const reads = { read: 0, stats: 0 };
    const warehouse = h.backends.warehouse;
    const read = warehouse.read.bind(warehouse);
    const stats = warehouse.stats.bind(warehouse);
    warehouse.read = (...args) => ((reads.read += 1), read(...args));
    warehouse.stats = (...args) => ((reads.stats += 1), stats(...args));
    try {
      await requestAll(h, ['load_events']);
      await h.settle();
      await requestAll(h, ['totals', 'summary']);
      await h.settle();

      assert.equal(h.logged('run:succeeded').length, 9, 'every dependency check passed');
      assert.equal(h.logged('skip:duplicate').length, 6, 'every dedup check found the last success');
      assert.deepEqual(reads, { read: 0, stats: 0 });
    } finally {
      await h.cleanup();
    }
  });
});
