// What the runtime must load before it can decide a (processor, partition): per read, its asset and the
// partitions it covers — the run's own partition, or a window's days (with or without the day itself).
// Found by mutation testing (engine/core/decide.ts): nothing in the core's tests called it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readsNeeded } from '../../engine/core/decide.js';
import { D, tinyPlan } from './builders.js';

const plan = tinyPlan();
const needs = (processor: string, partition = D) => readsNeeded(plan.processors.get(processor)!, partition);

describe('decide: the reads a decision needs loaded', () => {
  it('one entry per read, in the order the spec lists them, each for the run\'s own partition', () => {
    assert.deepEqual(needs('player_totals'), [{ asset: 'raw.box', partitions: [D] }, { asset: 'raw.lines', partitions: [D] }]);
  });

  it('a window over earlier days: those days, without the run\'s own', () => {
    assert.deepEqual(needs('team_totals'), [{ asset: 'raw.box', partitions: [D] }, { asset: 'raw.lines', partitions: ['2025-11-12', '2025-11-13', '2025-11-14'] }]);
  });

  it('a window that includes the current day, across a month boundary', () => {
    assert.deepEqual(needs('player_form', '2025-12-02'), [{ asset: 'analytics.players', partitions: ['2025-11-28', '2025-11-29', '2025-11-30', '2025-12-01', '2025-12-02'] }]);
  });

  it('nothing for a source', () => {
    assert.deepEqual(needs('scrape_box'), []);
  });
});
