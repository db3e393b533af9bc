import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, systemClock } from '../../engine/backends/local/clock.js';

describe('clocks', () => {
  it('the system clock tells real time and sleeps', async () => {
    const t0 = systemClock.now();
    assert.ok(Math.abs(t0 - Date.now()) < 50);
    await systemClock.sleep(15);
    assert.ok(systemClock.now() - t0 >= 10);
  });

  it('a manual clock moves only when told and wakes sleepers in due order', async () => {
    const clock = new ManualClock(1000);
    const woke: string[] = [];
    void clock.sleep(200).then(() => woke.push('b'));
    void clock.sleep(100).then(() => woke.push('a'));
    void clock.sleep(500).then(() => woke.push('c'));
    await clock.sleep(0);
    clock.advance(150);
    await Promise.resolve();
    assert.deepEqual(woke, ['a']);
    clock.advance(100);
    await Promise.resolve();
    assert.deepEqual(woke, ['a', 'b']);
    assert.equal(clock.pendingSleeps(), 1);
    clock.set(1500);
    await Promise.resolve();
    assert.deepEqual(woke, ['a', 'b', 'c']);
    assert.equal(clock.now(), 1500);
    assert.throws(() => clock.set(10), /cannot go back/);
  });
});
