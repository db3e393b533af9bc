// Rules §8.9 and §6: a message that keeps failing ends on the dead-letter queue after max_attempts
// with its reason and attempts; errors that retrying cannot fix dead-letter after one attempt;
// malformed messages are dead-lettered at once and never loop. A replay after the fix runs through
// the normal path: same correlation id, same dedup.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../engine/runtime/cascade.js';
import { replayDeadLetters } from '../../engine/runtime/dlq.js';
import { defineUntypedProcessor, NonRetryableError, SourceUnavailableError } from '../../engine/runtime/processor.js';
import type { AttemptState } from '../../engine/core/types.js';
import type { DefinedProcessor } from '../../engine/runtime/processor.js';
import { DAY, harness, tinySpec } from './harness.js';

class BadPayload extends NonRetryableError {
  override name = 'BadPayload';
}

class QuotaExceeded extends Error {
  override name = 'QuotaExceeded';
}

/** load_events writes two items; `totals` runs `fail` until fixed. */
function withTotals(fail: () => Error | undefined) {
  const calls = { totals: 0, summary: 0 };
  const processors: Record<string, DefinedProcessor> = {
    load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]) }),
    totals: defineUntypedProcessor('totals', {
      async run(ctx) {
        calls.totals++;
        const err = fail();
        if (err) throw err;
        const rows = (await ctx.read('raw.events')) as Array<{ item: string; value: number }>;
        ctx.write(rows.map((r) => ({ item: r.item, total: r.value * 10 })));
      },
    }),
    summary: defineUntypedProcessor('summary', {
      run: (ctx) => {
        calls.summary++;
        ctx.write([{ items: 2, grand_total: 30 }]);
      },
    }),
  };
  return { calls, processors };
}

describe('poison messages and the DLQ', () => {
  it('a message that keeps failing lands in the DLQ after max attempts, with reason and attempts', async () => {
    const { calls, processors } = withTotals(() => new SourceUnavailableError('upstream answered 503'));
    const h = await harness(processors);
    try {
      await runCascade(h, { dates: [DAY] });

      assert.equal(calls.totals, 3, 'max_attempts: 3');
      assert.deepEqual(h.entries.filter((e) => e.processor === 'totals' && e.event.startsWith('run:failed')).map((e) => [e.event, e.attempt]), [
        ['run:failed', 1], ['run:failed', 2], ['run:failed-terminal', 3],
      ]);
      const [dead, ...more] = await h.backends.bus.listDeadLetters();
      assert.equal(more.length, 0);
      assert.equal(dead!.topic, 'tiny-ingest', 'the raw.events update that triggered totals');
      assert.equal(dead!.attempts, 3);
      assert.match(dead!.reason, /totals failed for good: SourceUnavailableError: upstream answered 503/);
      assert.equal(h.logged('alert:run:failed-terminal', 'totals').length, 1, 'an alert is raised');
      assert.equal(calls.summary, 0);
    } finally {
      await h.cleanup();
    }
  });

  it('a non-retryable error dead-letters after one attempt', async () => {
    const { calls, processors } = withTotals(() => new BadPayload('item ids are not unique'));
    const h = await harness(processors);
    try {
      await runCascade(h, { dates: [DAY] });

      assert.equal(calls.totals, 1);
      const [dead] = await h.backends.bus.listDeadLetters();
      assert.equal(dead!.attempts, 1);
      assert.match(dead!.reason, /BadPayload: item ids are not unique/);
      assert.match(h.logged('run:failed-terminal', 'totals')[0]!.reasons![0]!, /non-retryable/);
    } finally {
      await h.cleanup();
    }
  });

  it('an error named in retry.non_retryable dead-letters after one attempt', async () => {
    const { calls, processors } = withTotals(() => new QuotaExceeded('daily quota used up'));
    const spec = tinySpec({ processors: { totals: { retry: { non_retryable: ['QuotaExceeded'] } } } });
    const h = await harness(processors, { spec });
    try {
      await runCascade(h, { dates: [DAY] });

      assert.equal(calls.totals, 1);
      const [dead] = await h.backends.bus.listDeadLetters();
      assert.deepEqual([dead!.attempts, /QuotaExceeded: daily quota used up/.test(dead!.reason)], [1, true]);
    } finally {
      await h.cleanup();
    }
  });

  it('malformed messages are dead-lettered at once with the reason', async () => {
    const { processors } = withTotals(() => undefined);
    const h = await harness(processors);
    try {
      await h.backends.bus.publish('tiny-ingest', { data: ['not', 'an', 'object'] as unknown as Record<string, unknown>, attributes: {} });
      await h.backends.bus.publish('tiny-ingest', { data: { event_type: 'table_updated', partition: DAY, asset: 'raw.nope', version: 1 }, attributes: {} });
      await h.settle();

      const dead = await h.backends.bus.listDeadLetters();
      assert.deepEqual(dead.map((d) => [d.attempts, d.reason]).sort(), [
        [1, 'message body must be a JSON object'],
        [1, 'unknown asset "raw.nope": not declared in the spec'],
      ]);
      assert.equal(h.logged('message:rejected').length, 2, 'each rejection is recorded once: no loop');
    } finally {
      await h.cleanup();
    }
  });

  it('a replay after the fix completes with the same correlation id, and passes through dedup', async () => {
    let broken = true;
    const { calls, processors } = withTotals(() => (broken ? new BadPayload('bug in totals') : undefined));
    const h = await harness(processors);
    try {
      await runCascade(h, { dates: [DAY] });
      const [dead] = await h.backends.bus.listDeadLetters();
      assert.ok(dead);
      assert.equal((await h.state<AttemptState>('attempts', `totals|${DAY}`))?.terminal, true);

      // Until the fix, the same message is refused as a known terminal failure. It is the delivery the
      // failed run covered (as after a crash before its dead-lettering), so it is dead-lettered again…
      await h.backends.bus.publish(dead.topic, dead.message);
      await h.settle();
      assert.equal(h.logged('skip:terminal', 'totals').length, 1);
      assert.equal((await h.backends.bus.listDeadLetters()).length, 2, 'a redelivery of the failed delivery is kept, whatever happened to the first dead letter');

      broken = false; // the fix is deployed
      const replay = await replayDeadLetters(h.engine);
      assert.equal(replay.replayed, 1, '…and replayed once');
      assert.match(replay.skipped[0]?.reason ?? '', /the same delivery as dead letter/);
      await h.settle();

      const [ok] = h.logged('run:succeeded', 'totals');
      assert.ok(ok, 'the replayed message completed');
      assert.equal(ok.correlationId, dead.message.attributes.correlation_id, 'same correlation id');
      assert.equal(ok.correlationId, h.logged('run:succeeded', 'load_events')[0]!.executionId, 'traces back to the source run');
      assert.equal(calls.summary, 1, 'the cascade continued');
      assert.deepEqual(await h.backends.bus.listDeadLetters(), [], 'marked replayed');
      assert.equal(await h.state('attempts', `totals|${DAY}`), undefined, 'attempts reset by the success');

      // Replaying it again runs nothing: the dead letter is spent, and the message's ticket is settled.
      const second = await replayDeadLetters(h.engine, { ids: [dead.id] });
      assert.deepEqual([second.replayed, second.skipped.map((s) => s.id)], [0, [dead.id]]);
      await h.backends.bus.publish(dead.topic, dead.message);
      await h.settle();
      assert.equal(calls.totals, 2, 'one failed attempt, one replayed run');
      assert.match(h.logged('skip:redelivered', 'totals')[0]!.reasons![0]!, /already settled/);
      assert.equal(h.updatesOf('mart.totals').length, 1);
    } finally {
      await h.cleanup();
    }
  });
});
