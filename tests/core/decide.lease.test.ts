// §8 rules 3–4, leases: while a live lease is held, a trigger only asks the holder to re-evaluate
// when it finishes (rerun-requested, no lost update); an expired lease is taken over by a new run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../engine/core/decide.js';
import { ago, assetUpdated, candidateFor, D, decideAt, minutes, state, T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const boxV2 = () => candidateFor(plan, assetUpdated('raw.box', D, { version: 2 }), 'player_totals');
const ready = () => state().version('raw.box', D, { version: 2 }).version('raw.lines', D);

describe('decide: leases (§8.3–4)', () => {
  it('asks the holder of a live lease to re-evaluate when it is done', () => {
    const d = decideAt(plan, boxV2(), ready().lease({ token: 'exec-9', expiresAt: T0 + minutes(10) }));
    assert.equal(d.kind, 'rerun-requested');
    assert.deepEqual(d.reasons, [`player_totals is running for ${D} (execution exec-9, lease until 2025-11-15T18:10:00.000Z); it re-evaluates when done`]);
    assert.deepEqual(d.inputs, [], 'the holder evaluates the inputs when it re-evaluates');
  });

  it('answers rerun-requested before readiness: the holder may be producing what is missing', () => {
    const d = decideAt(plan, boxV2(), state().lease({ expiresAt: T0 + minutes(1) }));
    assert.equal(d.kind, 'rerun-requested');
  });

  it('takes over an expired lease, saying whose', () => {
    const d = decideAt(plan, boxV2(), ready().lease({ token: 'exec-crashed', expiresAt: ago(minutes(1)) }));
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.reasons, ['triggered by raw.box v2', 'took over the expired lease (execution exec-crashed)']);
  });

  it('takes over an unexpired lease whose runner is known to be gone, saying so', () => {
    const given = ready().lease({ token: 'exec-killed', expiresAt: T0 + minutes(10) });
    const d = decide(plan, boxV2(), { ...given.snapshot(), leaseHolderGone: true }, T0);
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.reasons, ['triggered by raw.box v2', 'took over the lease of a runner that is gone (execution exec-killed)']);
  });

  it('treats a lease expiring exactly now as expired', () => {
    const d = decideAt(plan, boxV2(), ready().lease({ token: 'exec-9', expiresAt: T0 }));
    assert.equal(d.kind, 'run');
  });

  it('still skips a duplicate behind an expired lease: the inputs are what they were at the last success', () => {
    const first = decideAt(plan, boxV2(), ready());
    const d = decideAt(plan, boxV2(), ready().succeeded(first).lease({ expiresAt: ago(minutes(1)) }));
    assert.equal(d.kind, 'skip:duplicate');
  });
});
