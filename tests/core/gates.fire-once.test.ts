// §8 rule 6, gates: a gate fires once per version vector of its members' outputs, stays quiet for the
// same vector, refires when a member's version changes (late data propagates), and waits while a
// member is running. A refire knows which entities changed when the move is exactly one version.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateGate } from '../../engine/core/gates.js';
import { D, gateState, hours, T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const gate = plan.gates.get('analytics_done')!;
const evaluate = (given: ReturnType<typeof gateState>, now = T0) => evaluateGate(plan, gate, D, given.snapshot(), now, null);
/** Both members done at v1, and the gate fired for that. */
const firedOnce = () => gateState(plan).done('player_totals').done('team_totals').firedFor({ player_totals: 1, team_totals: 1 });

describe('gates: fire once per version vector (§8.6)', () => {
  it('fires when every member is done, for everything (no earlier fire to diff against)', () => {
    const d = evaluate(gateState(plan).done('player_totals').done('team_totals', { version: 3 }));
    assert.deepEqual(d, {
      kind: 'fire', gate: 'analytics_done', partition: D, vector: { player_totals: 1, team_totals: 3 }, degraded: false, changed: null,
      reasons: ['all 2 members done', 'member versions player_totals=v1 team_totals=v3'],
    });
  });

  it('stays quiet for the vector it already fired for', () => {
    const d = evaluate(firedOnce());
    assert.equal(d.kind, 'unchanged');
    assert.deepEqual(d.reasons, ['already fired for these member versions (player_totals=v1 team_totals=v1)']);
  });

  it('refires when one member moved by one version, with that member\'s changed entities', () => {
    const d = evaluate(firedOnce().done('player_totals', { version: 2, changedEntities: { player: ['lebron'], game: ['g1'] } }));
    assert.equal(d.kind, 'fire');
    if (d.kind !== 'fire') return;
    assert.deepEqual(d.vector, { player_totals: 2, team_totals: 1 });
    assert.deepEqual(d.changed, { player: ['lebron'], game: ['g1'] });
  });

  it('merges the changed entities when several members moved by one version each', () => {
    const d = evaluate(firedOnce().done('player_totals', { version: 2, changedEntities: { player: ['lebron'] } }).done('team_totals', { version: 2, changedEntities: { team: ['LAL'], player: ['curry'] } }));
    assert.equal(d.kind, 'fire');
    if (d.kind === 'fire') assert.deepEqual(d.changed, { player: ['curry', 'lebron'], team: ['LAL'] });
  });

  it('refires for everything when a member skipped a version (the changes in between are unknown)', () => {
    const d = evaluate(firedOnce().done('player_totals', { version: 3, changedEntities: { player: ['lebron'] } }));
    assert.equal(d.kind, 'fire');
    if (d.kind === 'fire') assert.equal(d.changed, null);
  });

  it('refires for everything when the moved member does not know what changed', () => {
    const d = evaluate(firedOnce().done('team_totals', { version: 2, changedEntities: null }));
    assert.equal(d.kind, 'fire');
    if (d.kind === 'fire') assert.equal(d.changed, null);
  });

  it('waits while a member is running, even when every output is there', () => {
    const d = evaluate(firedOnce().done('team_totals', { version: 2 }).running('team_totals'));
    assert.equal(d.kind, 'wait');
    assert.deepEqual(d.reasons, ['waiting for running member(s): team_totals']);
  });

  it('waits while no member is done, deadline or not', () => {
    const d = evaluate(gateState(plan), T0 + hours(10));
    assert.equal(d.kind, 'wait');
    assert.deepEqual(d.reasons, ['waiting for player_totals, team_totals (0/2 done)']);
  });
});
