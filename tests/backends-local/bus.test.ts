import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Delivery, HandleResult } from '../../engine/ports.js';
import { InProcessBus, type LocalBusOptions } from '../../engine/backends/local/bus.js';
import { DuckDbDeadLetterStore } from '../../engine/backends/local/dead-letters.js';
import { openDuckDb, type DuckDb } from '../../engine/backends/local/duckdb.js';
import { tempDir } from './fixtures.js';

const msg = (n: number) => ({ data: { n }, attributes: { kind: 'test' } });

describe('in-process bus', () => {
  const tmp = tempDir('bus');
  let db: DuckDb;
  const buses: InProcessBus[] = [];
  const newBus = (opts: LocalBusOptions = {}) => {
    const bus = new InProcessBus(new DuckDbDeadLetterStore(db), { initialBackoffMs: 0, ...opts });
    buses.push(bus);
    return bus;
  };
  before(async () => {
    db = await openDuckDb(join(tmp.dir, 'bus.duckdb'));
  });
  after(async () => {
    for (const bus of buses) await bus.close();
    await db.close();
    tmp.cleanup();
  });

  it('delivers asynchronously with id, attempt and publish time', async () => {
    const bus = newBus();
    const seen: Delivery[] = [];
    bus.subscribe('t', async (d) => {
      seen.push(d);
      return { outcome: 'ack' };
    });
    const id = await bus.publish('t', msg(1));
    assert.equal(seen.length, 0, 'delivery must not happen inside publish');
    assert.equal(bus.pending(), 1);
    await bus.idle();
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.data, { n: 1 });
    assert.deepEqual(seen[0]!.attributes, { kind: 'test' });
    assert.equal(seen[0]!.messageId, id);
    assert.equal(seen[0]!.deliveryAttempt, 1);
    assert.equal(seen[0]!.topic, 't');
    assert.ok(seen[0]!.publishTime <= Date.now());
    assert.equal(bus.pending(), 0);
  });

  it('redelivers after a throw or a retry, then succeeds', async () => {
    const bus = newBus();
    const attempts: number[] = [];
    bus.subscribe('flaky', async (d): Promise<HandleResult> => {
      attempts.push(d.deliveryAttempt!);
      if (d.deliveryAttempt === 1) throw new Error('transient');
      if (d.deliveryAttempt === 2) return { outcome: 'retry', reason: 'not yet' };
      return { outcome: 'ack' };
    });
    await bus.publish('flaky', msg(2));
    await bus.idle();
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(await bus.listDeadLetters({ topic: 'flaky' }), []);
  });

  it('dead-letters after maxDeliveries with the reason and attempts', async () => {
    const bus = newBus({ maxDeliveries: 3 });
    let calls = 0;
    bus.subscribe('doomed', async () => {
      calls++;
      throw new Error('always broken');
    });
    const before = Date.now();
    await bus.publish('doomed', msg(3));
    await bus.idle();
    assert.equal(calls, 3);
    const dls = await bus.listDeadLetters({ topic: 'doomed' });
    assert.equal(dls.length, 1);
    assert.equal(dls[0]!.attempts, 3);
    assert.match(dls[0]!.reason, /always broken/);
    assert.deepEqual(dls[0]!.message, msg(3));
    assert.ok(dls[0]!.deadAt >= before - 1);
  });

  it('dead-letters at once on an explicit dead-letter outcome', async () => {
    const bus = newBus();
    let calls = 0;
    bus.subscribe('poison', async () => {
      calls++;
      return { outcome: 'dead-letter', reason: 'invalid message: no partition', attempts: 1 };
    });
    await bus.publish('poison', msg(4));
    await bus.idle();
    assert.equal(calls, 1);
    const [dl] = await bus.listDeadLetters({ topic: 'poison' });
    assert.equal(dl?.reason, 'invalid message: no partition');
    assert.equal(dl?.attempts, 1);
  });

  it('idle() waits for retries scheduled in the future', async () => {
    const bus = newBus({ initialBackoffMs: 150 });
    const times: number[] = [];
    bus.subscribe('slow', async (d) => {
      times.push(Date.now());
      return d.deliveryAttempt === 1 ? { outcome: 'retry', reason: 'later' } : { outcome: 'ack' };
    });
    await bus.publish('slow', msg(5));
    await bus.idle();
    assert.equal(times.length, 2);
    assert.ok(times[1]! - times[0]! >= 140, `retry came after ${times[1]! - times[0]!} ms`);
  });

  it('uses exponential backoff capped at maxBackoffMs, and a delay the handler gives', async () => {
    const bus = newBus({ initialBackoffMs: 20, multiplier: 3, maxBackoffMs: 70, maxDeliveries: 4 });
    const times: number[] = [];
    bus.subscribe('backoff', async () => {
      times.push(performance.now());
      return { outcome: 'retry', reason: 'again' };
    });
    await bus.publish('backoff', msg(6));
    await bus.idle();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 20, 60, then 180 capped to 70
    assert.equal(gaps.length, 3);
    // Timers never fire early, so lower bounds are exact; upper bounds would flake under load.
    assert.ok(gaps[0]! >= 18 && gaps[1]! >= 55 && gaps[2]! >= 65, `gaps ${gaps.map(Math.round)}`);

    const bus2 = newBus({ initialBackoffMs: 10_000 });
    const t2: number[] = [];
    bus2.subscribe('given-delay', async (d) => {
      t2.push(performance.now());
      return d.deliveryAttempt === 1 ? { outcome: 'retry', reason: 'x', delayMs: 30 } : { outcome: 'ack' };
    });
    await bus2.publish('given-delay', msg(7));
    await bus2.idle();
    assert.ok(t2[1]! - t2[0]! >= 25, 'the delay the handler gave, not the 10 s backoff');
    assert.ok(t2[1]! - t2[0]! < 9_000, 'not the 10 s backoff');
  });

  it('keeps messages for a topic without subscribers until one subscribes', async () => {
    const bus = newBus();
    await bus.publish('later', msg(8));
    await bus.idle(); // parked messages are not pending work
    assert.equal(bus.parkedCount(), 1);
    const seen: unknown[] = [];
    bus.subscribe('later', async (d) => {
      seen.push(d.data);
      return { outcome: 'ack' };
    });
    await bus.idle();
    assert.deepEqual(seen, [{ n: 8 }]);
    assert.equal(bus.parkedCount(), 0);
  });

  it('limits concurrent deliveries', async () => {
    const bus = newBus({ concurrency: 2 });
    let active = 0;
    let peak = 0;
    bus.subscribe('busy', async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return { outcome: 'ack' };
    });
    for (let i = 0; i < 8; i++) await bus.publish('busy', msg(i));
    await bus.idle();
    assert.equal(peak, 2);
  });

  it('dead-letters explicitly, lists and marks replayed', async () => {
    const bus = newBus();
    await bus.deadLetter('manual', msg(9), 'terminal failure', 5);
    await bus.deadLetter('manual', msg(10), 'terminal failure', 5);
    const listed = await bus.listDeadLetters({ topic: 'manual' });
    assert.equal(listed.length, 2);
    assert.deepEqual(listed.map((d) => d.message.data), [{ n: 9 }, { n: 10 }]);
    await bus.markReplayed([listed[0]!.id]);
    const open = await bus.listDeadLetters({ topic: 'manual' });
    assert.deepEqual(open.map((d) => d.id), [listed[1]!.id]);
    const all = await bus.listDeadLetters({ topic: 'manual', includeReplayed: true });
    assert.equal(all.length, 2);
    assert.ok(all.find((d) => d.id === listed[0]!.id)?.replayedAt);
    // Without a topic: every topic's open dead letters.
    assert.ok((await bus.listDeadLetters()).length >= 3);
  });

  it('close() stops pending retries and refuses new messages', async () => {
    const bus = newBus({ initialBackoffMs: 60_000 });
    bus.subscribe('closing', async () => ({ outcome: 'retry', reason: 'never' }));
    await bus.publish('closing', msg(11));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(bus.pending(), 1, 'one delayed retry');
    await bus.close();
    assert.equal(bus.pending(), 0);
    await bus.idle();
    await assert.rejects(bus.publish('closing', msg(12)), /closed/);
  });
});
