// What a decision says about the candidate it was given: the trigger it names first among its reasons
// (an asset update with its version when one is known, or a request with its reason and source), and a
// clear error for a processor the plan does not have (a caller's bug, never a user's message).
// Found by mutation testing (engine/core/decide.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../engine/core/decide.js';
import { assetUpdated, candidateFor, D, decideAt, requestFor, state, tinyPlan } from './builders.js';

const plan = tinyPlan();
const ready = () => state().version('raw.box', D).version('raw.lines', D);

describe('decide: the candidate', () => {
  it('names the update that triggered it, with its version', () => {
    const d = decideAt(plan, candidateFor(plan, assetUpdated('raw.box', D, { version: 7 }), 'player_totals'), ready());
    assert.equal(d.reasons[0], 'triggered by raw.box v7');
  });

  it('names an external update, which has no version yet, by its asset alone', () => {
    const cand = candidateFor(plan, assetUpdated('raw.box', D, { version: undefined, origin: 'unified' }), 'player_totals');
    assert.equal(decideAt(plan, cand, ready()).reasons[0], 'triggered by raw.box');
  });

  it('names a request by its reason and source', () => {
    assert.equal(decideAt(plan, requestFor(plan, 'player_totals', { reason: 'gate', source: 'analytics_done' }), ready()).reasons[0], 'requested by gate analytics_done');
  });

  it('refuses a processor the plan does not have, naming it', () => {
    const cand = { ...requestFor(plan, 'player_totals'), processor: 'player_totalz' };
    assert.throws(() => decide(plan, cand, ready().snapshot(), 0), { message: 'decide: unknown processor player_totalz' });
  });
});
