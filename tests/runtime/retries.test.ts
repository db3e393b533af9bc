// Rule §8.9 and the processor contract: retryable failures back off per the policy and count attempts
// (reset by a success); a run past its timeout fails with RunTimeoutError, releases its lease and is
// retried; bad output (undeclared columns) and undeclared access fail at once with a message that
// says where to look, and nothing partial becomes visible.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../engine/runtime/cascade.js';
import { defineUntypedProcessor, SourceUnavailableError, type DefinedProcessor, type ProcessorContext } from '../../engine/runtime/processor.js';
import type { AttemptState } from '../../engine/core/types.js';
import { DAY, harness, tinySpec } from './harness.js';

/** The tiny pipeline with `totals` replaced. */
function withTotals(run: (ctx: ProcessorContext) => Promise<void> | void): Record<string, DefinedProcessor> {
  return {
    load_events: defineUntypedProcessor('load_events', { run: (ctx) => ctx.write([{ item: 'a', value: 1 }, { item: 'b', value: 2 }]) }),
    totals: defineUntypedProcessor('totals', { run }),
    summary: defineUntypedProcessor('summary', { run: (ctx) => ctx.write([{ items: 2, grand_total: 30 }]) }),
  };
}

describe('retries', () => {
  it('a processor failing twice then succeeding completes on attempt 3, and attempts reset', async () => {
    const attempts: number[] = [];
    const attemptRecords: Array<AttemptState | undefined> = [];
    let h!: Awaited<ReturnType<typeof harness>>;
    h = await harness(withTotals(async (ctx) => {
      attempts.push(ctx.attempt);
      attemptRecords.push(await h.state<AttemptState>('attempts', `totals|${DAY}`));
      if (attempts.length <= 2) throw new SourceUnavailableError(`upstream 503 (call ${attempts.length})`);
      ctx.write([{ item: 'a', total: 10 }]);
    }));
    try {
      await runCascade(h, { dates: [DAY] });

      assert.deepEqual(attempts, [1, 2, 3]);
      const failures = h.logged('run:failed', 'totals');
      assert.deepEqual(failures.map((e) => [e.attempt, e.errorType]), [[1, 'SourceUnavailableError'], [2, 'SourceUnavailableError']]);
      // Policy: initial 10ms, multiplier 2, max 50ms.
      assert.deepEqual(failures.map((e) => e.reasons![0]), ['attempt 1/3 failed; retrying in 10ms', 'attempt 2/3 failed; retrying in 20ms']);
      assert.deepEqual(attemptRecords.map((a) => a?.attempts), [undefined, 1, 2], 'each attempt saw the previous ones recorded');
      assert.ok(attemptRecords[2]!.nextAttemptAt! > attemptRecords[1]!.nextAttemptAt!, 'each retry is due later');
      const [ok] = h.logged('run:succeeded', 'totals');
      assert.equal(ok!.attempt, 3);
      assert.equal(await h.state('attempts', `totals|${DAY}`), undefined, 'attempts reset after success');
      assert.equal(h.logged('run:succeeded', 'summary').length, 1);
    } finally {
      await h.cleanup();
    }
  });

  it('a processor exceeding its timeout fails with RunTimeoutError, releases its lease and retries', async () => {
    const signals: AbortSignal[] = [];
    const h = await harness(
      withTotals(async (ctx) => {
        signals.push(ctx.signal);
        if (signals.length === 1) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)); // hangs until told to stop
        ctx.write([{ item: 'a', total: 10 }]);
      }),
      { spec: tinySpec({ processors: { totals: { timeout: '50ms' } } }) },
    );
    try {
      await runCascade(h, { dates: [DAY] });

      const [timedOut] = h.logged('run:failed', 'totals');
      assert.equal(timedOut?.errorType, 'RunTimeoutError');
      assert.equal(timedOut.errorMessage, 'totals exceeded its timeout of 50ms');
      assert.equal(signals[0]!.aborted, true, 'the hung run was told to stop');
      assert.equal((signals[0]!.reason as Error).name, 'RunTimeoutError');
      // The retry ran at once as attempt 2 — not parked behind the lease (which lasts timeout + 30s).
      assert.deepEqual(h.entries.filter((e) => e.processor === 'totals').map((e) => [e.event, e.attempt]), [
        ['run:started', 1], ['run:failed', 1], ['run:started', 2], ['run:succeeded', 2],
      ]);
      assert.equal(await h.state('leases', `totals|${DAY}`), undefined);
    } finally {
      await h.cleanup();
    }
  });

  it('an undeclared column fails the run naming row, column and value, and no partial rows become visible', async () => {
    const h = await harness(withTotals((ctx) => ctx.write([{ item: 'a', total: 10 }, { item: 'b', total: 20, colour: 'red' }])));
    try {
      await runCascade(h, { dates: [DAY] });

      const [failed] = h.logged('run:failed-terminal', 'totals');
      assert.equal(failed?.errorType, 'RowValidationError');
      assert.match(failed.errorMessage!, /^row 1 for mart\.totals: column `colour` is not declared \(value "red"\)/);
      assert.equal(failed.attempt, 1, 'not retried');
      assert.deepEqual(await h.rows('mart.totals'), [], 'the valid first row was not written either');
      assert.equal(await h.state('versions', `mart.totals|${DAY}`), undefined, 'no version');
      assert.equal(h.updatesOf('mart.totals').length, 0);
    } finally {
      await h.cleanup();
    }
  });

  it('reading an undeclared table fails naming the spec line to change', async () => {
    const h = await harness(withTotals(async (ctx) => void (await ctx.read('mart.summary'))));
    try {
      await runCascade(h, { dates: [DAY] });

      const [failed] = h.logged('run:failed-terminal', 'totals');
      assert.equal(failed?.errorType, 'UndeclaredAccessError');
      const at = h.plan.processors.get('totals')!.source;
      assert.equal(
        failed.errorMessage,
        `processor totals read mart.summary, which it does not declare; add \`mart.summary:\` under processors.totals.reads in tiny.yaml:${at.line}:${at.col}`,
      );
      assert.ok(at.line > 1);
    } finally {
      await h.cleanup();
    }
  });

  it('writing outside its table fails', async () => {
    const h = await harness(withTotals(async (ctx) => ctx.putDocument('documents/elsewhere', 'x/1', { a: 1 })));
    try {
      await runCascade(h, { dates: [DAY] });

      const [failed] = h.logged('run:failed-terminal', 'totals');
      assert.equal(failed?.errorType, 'UndeclaredAccessError');
      assert.match(failed.errorMessage!, /^processor totals wrote documents\/elsewhere, which is not one of its outputs \(mart\.totals\); change processors\.totals\.writes in tiny\.yaml:\d+:\d+$/);
    } finally {
      await h.cleanup();
    }
  });

  it('writing rows of another partition fails', async () => {
    const h = await harness(withTotals((ctx) => ctx.write([{ day: '2024-12-31', item: 'a', total: 10 }])));
    try {
      await runCascade(h, { dates: [DAY] });

      const [failed] = h.logged('run:failed-terminal', 'totals');
      assert.equal(failed?.errorMessage, `row 0 for mart.totals: \`day\` is "2024-12-31", but the run writes partition ${DAY}`);
      assert.deepEqual(await h.rows('mart.totals', '2024-12-31'), []);
    } finally {
      await h.cleanup();
    }
  });
});
