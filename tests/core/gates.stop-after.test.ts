// §8 rule 7 at a gate: a backfill that stops after a phase does not fire a gate whose targets are
// all in later phases (skip:stop-after is recorded); one that goes further fires as usual.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateGate } from '../../engine/core/gates.js';
import { backfill, D, gateState, T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const gate = plan.gates.get('analytics_done')!;
const bothDone = () => gateState(plan).done('player_totals').done('team_totals').snapshot();

describe('gates: backfill stop_after', () => {
  it('skips a gate whose targets are past stop_after', () => {
    const d = evaluateGate(plan, gate, D, bothDone(), T0, backfill('analytics'));
    assert.equal(d.kind, 'skip:stop-after');
    assert.deepEqual(d.reasons, ['backfill stops after phase analytics; the gate\'s targets are later']);
  });

  it('fires when the backfill goes as far as the targets', () => {
    assert.equal(evaluateGate(plan, gate, D, bothDone(), T0, backfill('features')).kind, 'fire');
    assert.equal(evaluateGate(plan, gate, D, bothDone(), T0, backfill()).kind, 'fire');
  });
});
