// /reconcile's pass scheduling (engine/service/coalesce.ts): one pass at a time; calls during a pass
// share one next pass that starts after the running one ends; a failed pass fails its callers only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coalesced } from '../../engine/service/coalesce.js';

/** A pass that runs until released, recording when it started and how many ran at once. */
function passes() {
  const log: Array<{ n: number; startedAt: number }> = [];
  const release: Array<(fail?: Error) => void> = [];
  let clock = 0;
  let active = 0;
  let maxActive = 0;
  const fn = () =>
    new Promise<number>((resolve, reject) => {
      const n = log.length + 1;
      log.push({ n, startedAt: clock++ });
      active++;
      maxActive = Math.max(maxActive, active);
      release.push((fail) => {
        active--;
        if (fail) reject(fail);
        else resolve(n);
      });
    });
  return { fn, log, release, tick: () => clock++, maxActive: () => maxActive };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('reconcile passes, coalesced', () => {
  it('runs one pass at a time; calls during a pass share one next pass that starts after it', async () => {
    const p = passes();
    const once = coalesced(p.fn);
    const first = once();
    const calledAt = p.tick();
    const during = [once(), once(), once()];
    await settle();
    assert.equal(p.log.length, 1, 'no second pass while the first runs');
    p.release[0]!();
    assert.equal(await first, 1);
    await settle();
    assert.equal(p.log.length, 2, 'one next pass for the three callers');
    assert.ok(p.log[1]!.startedAt > calledAt, 'the shared pass began after they called');
    p.release[1]!();
    assert.deepEqual(await Promise.all(during), [2, 2, 2]);
    assert.equal(p.maxActive(), 1);
  });

  it('starts a fresh pass when none runs, and again after a failed one; a failure reaches only its callers', async () => {
    const p = passes();
    const once = coalesced(p.fn);
    const first = once();
    const second = once();
    await settle();
    p.release[0]!(new Error('lock timeout'));
    await assert.rejects(first, /lock timeout/);
    await settle();
    assert.equal(p.log.length, 2, 'the waiting caller gets its own pass after a failure');
    p.release[1]!();
    assert.equal(await second, 2);
    const third = once();
    await settle();
    assert.equal(p.log.length, 3, 'idle: a call starts a pass at once');
    p.release[2]!();
    assert.equal(await third, 3);
  });
});
