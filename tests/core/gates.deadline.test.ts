// §8 rule 6, gate deadlines: analytics_done waits for both members; one hour after the first member
// finished it fires degraded on the critical subset (player_totals) when enough of the others are done
// (min_fraction), and never without a critical member.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateGate } from '../../engine/core/gates.js';
import type { Plan } from '../../engine/spec/plan.js';
import { D, gateState, hours, minutes, T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const evaluate = (given: ReturnType<typeof gateState>, now: number, p: Plan = plan) => evaluateGate(p, p.gates.get('analytics_done')!, D, given.snapshot(), now, null);
/** player_totals finished at T0; team_totals has not. */
const criticalDone = (p: Plan = plan) => gateState(p).done('player_totals', { updatedAt: T0 });

describe('gates: deadline (§8.6)', () => {
  it('waits before the deadline, saying how long is left', () => {
    const d = evaluate(criticalDone(), T0 + minutes(40));
    assert.equal(d.kind, 'wait');
    assert.deepEqual(d.reasons, ['waiting for team_totals (1/2 done)', 'deadline in 20m']);
  });

  it('fires degraded at the deadline when the critical members are done and min_fraction is met', () => {
    const d = evaluate(criticalDone(), T0 + hours(1));
    assert.deepEqual(d, {
      kind: 'fire', gate: 'analytics_done', partition: D, vector: { player_totals: 1 }, degraded: true, changed: null,
      reasons: ['deadline passed: firing with 1/2 members (degraded)', 'member versions player_totals=v1'],
    });
  });

  it('still waits a moment before the deadline', () => {
    assert.equal(evaluate(criticalDone(), T0 + hours(1) - 1).kind, 'wait');
  });

  it('never fires without a critical member, however late', () => {
    const d = evaluate(gateState(plan).done('team_totals', { updatedAt: T0 }), T0 + hours(12));
    assert.equal(d.kind, 'wait');
    assert.deepEqual(d.reasons, ['waiting for player_totals (1/2 done)', 'past the deadline, but critical member(s) player_totals are not done']);
  });

  it('waits past the deadline while too few of the other members are done', () => {
    const half = tinyPlan((s) => { s.gates!.analytics_done!.deadline = { after: '1h', min_fraction: 0.5 }; });
    const d = evaluate(criticalDone(half), T0 + hours(2), half);
    assert.equal(d.kind, 'wait');
    assert.deepEqual(d.reasons, ['waiting for team_totals (1/2 done)', 'past the deadline, but only 0% of the other members are done (needs 50%)']);
  });

  it('stays quiet after a degraded fire until something changes, then refires whole when the late member arrives', () => {
    const degraded = criticalDone().firedFor({ player_totals: 1 }, { degraded: true });
    assert.equal(evaluate(degraded, T0 + hours(3)).kind, 'unchanged');
    const d = evaluate(degraded.done('team_totals', { updatedAt: T0 + hours(3) }), T0 + hours(3));
    assert.equal(d.kind, 'fire');
    if (d.kind !== 'fire') return;
    assert.equal(d.degraded, false);
    assert.deepEqual(d.vector, { player_totals: 1, team_totals: 1 });
    assert.equal(d.changed, null, 'a member new to the vector changed everything it wrote');
  });
});
