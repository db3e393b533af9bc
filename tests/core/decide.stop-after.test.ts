// §8 rule 7, backfill: nothing past the backfill's stop_after phase is triggered (skip:stop-after is
// recorded); everything up to it takes the daily path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assetUpdated, backfill, candidateFor, D, decideAt, minutes, requestFor, state, T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const window = ['2025-11-11', '2025-11-12', '2025-11-13', '2025-11-14', D];

describe('decide: backfill stop_after (§8.7)', () => {
  it('skips a processor in a later phase than stop_after', () => {
    const d = decideAt(plan, requestFor(plan, 'player_form', { backfill: backfill('analytics') }), state().versions('analytics.players', window));
    assert.equal(d.kind, 'skip:stop-after');
    assert.deepEqual(d.reasons, ['backfill stops after phase analytics; player_form is in phase features']);
  });

  it('runs a processor in the stop_after phase itself', () => {
    const cand = candidateFor(plan, assetUpdated('raw.box', D, { backfill: backfill('analytics') }), 'player_totals');
    assert.deepEqual(cand.backfill, backfill('analytics'), 'the flags travel from the event to the candidate');
    assert.equal(decideAt(plan, cand, state().version('raw.box', D)).kind, 'run');
  });

  it('runs every phase of a backfill without stop_after', () => {
    const d = decideAt(plan, requestFor(plan, 'player_form', { backfill: backfill() }), state().versions('analytics.players', window));
    assert.equal(d.kind, 'run');
  });

  it('a stop_after that names no phase of the plan stops nothing', () => {
    const d = decideAt(plan, requestFor(plan, 'player_form', { backfill: backfill('gold') }), state().versions('analytics.players', window));
    assert.equal(d.kind, 'run');
  });

  it('does not stop daily runs', () => {
    const d = decideAt(plan, requestFor(plan, 'player_vectors'), state().version('features.form', D));
    assert.equal(d.kind, 'run');
  });

  it('stops before looking at leases or inputs', () => {
    const given = state().lease({ expiresAt: T0 + minutes(5) });
    const d = decideAt(plan, requestFor(plan, 'player_vectors', { backfill: backfill('raw') }), given);
    assert.equal(d.kind, 'skip:stop-after');
    assert.deepEqual(d.reasons, ['backfill stops after phase raw; player_vectors is in phase features']);
  });
});
