// §8 rule 1, freshness at its bounds: warn_after and fail_after are "older than" limits (an input
// exactly at the limit is fresh), an optional input past fail_after only warns but is recorded as
// stale, and an input of a past day loaded after that day ended is final, never stale.
// Found by mutation testing (engine/core/decide.ts): the readiness stories checked the warning texts
// but not the status recorded with the input, nor the warn_after bound itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assetUpdated, candidateFor, D, decideAt, hours, state, T0, tinyPlan } from './builders.js';

const plan = tinyPlan();
const boxArrived = () => candidateFor(plan, assetUpdated('raw.box', D), 'player_totals');
/** raw.box fresh; raw.lines (optional: warn_after 6h, fail_after 24h) last updated `age` before T0. */
const linesAged = (age: number) => state().version('raw.box', D, { rows: 240 }).version('raw.lines', D, { updatedAt: T0 - age });
const lines = (d: ReturnType<typeof decideAt>) => d.inputs.find((i) => i.asset === 'raw.lines')!;

describe('decide: freshness at its bounds (§8.1)', () => {
  it('does not warn about an optional input exactly warn_after old, and warns a millisecond later', () => {
    const atLimit = decideAt(plan, boxArrived(), linesAged(hours(6)));
    assert.deepEqual([atLimit.kind, atLimit.warnings, lines(atLimit).status], ['run', [], 'ready']);
    const past = decideAt(plan, boxArrived(), linesAged(hours(6) + 1));
    assert.deepEqual([past.kind, lines(past).status], ['run', 'warn-stale']);
    assert.equal(past.warnings.length, 1);
  });

  it('records an optional input past fail_after as stale (warn-stale) while the run goes ahead', () => {
    const d = decideAt(plan, boxArrived(), linesAged(hours(30)));
    assert.equal(d.kind, 'run');
    assert.equal(lines(d).status, 'warn-stale');
    assert.deepEqual(d.warnings, [`optional input raw.lines for ${D} is 1d6h old, past fail_after 1d`]);
  });

  it('an optional input exactly fail_after old is only past warn_after', () => {
    const d = decideAt(plan, boxArrived(), linesAged(hours(24)));
    assert.deepEqual(d.warnings, [`input raw.lines for ${D} is 1d old, past warn_after 6h`]);
  });
});
