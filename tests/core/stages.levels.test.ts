// Stages: a stage fire opens a numbered epoch and requests level 1, scoped from the entities that
// changed upstream; when every member of level k settled (succeeded or already up to date), level k+1
// is requested; a failed or not-ready member halts the epoch there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { levelRequests, openEpoch, stageStep } from '../../engine/core/stages.js';
import { backfill, D, epoch, member, T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const lineage = { correlationId: 'corr-1', parents: ['exec-players', 'exec-teams'] };

describe('stages: epochs', () => {
  it('numbers epochs from 1, one more per fire, each starting at level 1', () => {
    const first = openEpoch('features', D, undefined, null, lineage, null, T0);
    assert.deepEqual(first, { stage: 'features', partition: D, epoch: 1, changed: null, firedAt: T0, level: 1, lineage, backfill: null });
    const second = openEpoch('features', D, { ...first, level: 2 }, { player: ['lebron'] }, lineage, backfill('features'), T0 + 1);
    assert.equal(second.epoch, 2);
    assert.equal(second.level, 1);
    assert.deepEqual(second.changed, { player: ['lebron'] });
    assert.deepEqual(second.backfill, backfill('features'));
  });
});

describe('stages: level requests', () => {
  it('requests each member of a level, scoped from the epoch\'s changed entities, with the stage context', () => {
    const [r, ...more] = levelRequests(plan, epoch({ epoch: 4, changed: { player: ['lebron', 'curry'], team: ['LAL'] }, backfill: backfill() }), 1, ['exec-gate'], T0);
    assert.deepEqual(more, []);
    assert.deepEqual(r, {
      type: 'run_requested', processor: 'player_form', partition: D, scope: { kind: 'player', ids: ['curry', 'lebron'] }, reason: 'stage',
      source: 'features/level-1', stage: { name: 'features', epoch: 4, level: 1 }, correlationId: 'corr-1', parents: ['exec-gate'],
      backfill: backfill(), emittedAt: T0,
    });
  });

  it('requests the whole partition when everything changed, or nothing of the member\'s scope kinds', () => {
    assert.equal(levelRequests(plan, epoch({ changed: null }), 2, [], T0)[0]!.scope, null);
    assert.equal(levelRequests(plan, epoch({ changed: { team: ['LAL'] } }), 2, [], T0)[0]!.scope, null);
  });

  it('requests nothing past the last level', () => {
    assert.deepEqual(levelRequests(plan, epoch(), 3, [], T0), []);
  });
});

describe('stages: stepping a level', () => {
  it('advances when every member of the level succeeded', () => {
    assert.deepEqual(stageStep(plan, epoch(), 1, [member('player_form', 'succeeded')]), { kind: 'advance', level: 2, reasons: ['level 1 settled (player_form); requesting level 2'] });
  });

  it('counts a member already up to date (duplicate) as settled', () => {
    assert.equal(stageStep(plan, epoch(), 1, [member('player_form', 'duplicate')]).kind, 'advance');
  });

  it('waits for members that have not settled, ignoring members of older epochs', () => {
    const step = stageStep(plan, epoch({ epoch: 2 }), 1, [member('player_form', 'succeeded', { epoch: 1 })]);
    assert.deepEqual(step, { kind: 'wait', reasons: ['level 1 waiting for player_form'] });
  });

  it('halts on a failed or not-ready member: later levels wait', () => {
    assert.deepEqual(stageStep(plan, epoch(), 1, [member('player_form', 'failed')]), { kind: 'halt', reasons: ['player_form failed in level 1: later levels wait'] });
    assert.equal(stageStep(plan, epoch(), 1, [member('player_form', 'not-ready')]).kind, 'halt');
    assert.equal(stageStep(plan, epoch(), 1, [member('player_form', 'stopped')]).kind, 'halt');
  });

  it('is done when the last level settled', () => {
    const step = stageStep(plan, epoch({ level: 2 }), 2, [member('player_vectors', 'succeeded')]);
    assert.deepEqual(step, { kind: 'done', reasons: ['all 2 levels settled for epoch 1'] });
  });

  it('calls a settle for another level than the epoch\'s current one stale', () => {
    const step = stageStep(plan, epoch({ level: 2 }), 1, [member('player_form', 'succeeded')]);
    assert.deepEqual(step, { kind: 'stale', reasons: ['epoch 1 is at level 2, not 1'] });
  });
});
