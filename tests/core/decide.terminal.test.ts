// Terminal failures (§8.9 as the core sees it): once a run failed for good on some inputs, the same
// inputs skip (skip:terminal) instead of failing again; new inputs or --force lift it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assetUpdated, candidateFor, D, decideAt, requestFor, state, tinyPlan } from './builders.js';

const plan = tinyPlan();
const boxV = (version: number) => candidateFor(plan, assetUpdated('raw.box', D, { version }), 'player_totals');
const inputsAt = (version: number) => state().version('raw.box', D, { version }).version('raw.lines', D);

/** player_totals failed for good on raw.box v2. */
function failedOnV2() {
  const attempt = decideAt(plan, boxV(2), inputsAt(2));
  return (version: number) => inputsAt(version).failedForGood(attempt, 'SchemaError: column points missing', 5);
}

describe('decide: terminal failures', () => {
  it('skips the same inputs after a terminal failure, with the error and how to retry', () => {
    const d = decideAt(plan, boxV(2), failedOnV2()(2));
    assert.equal(d.kind, 'skip:terminal');
    assert.deepEqual(d.reasons, [`player_totals failed for good for ${D} after 5 attempt(s): SchemaError: column points missing; replay it from the DLQ or trigger it with --force`]);
  });

  it('says "unknown error" when the failure recorded no error', () => {
    const attempt = decideAt(plan, boxV(2), inputsAt(2));
    const d = decideAt(plan, boxV(2), inputsAt(2).attempts({ attempts: 3, terminal: true, fingerprint: attempt.fingerprint }));
    assert.equal(d.kind, 'skip:terminal');
    assert.deepEqual(d.reasons, [`player_totals failed for good for ${D} after 3 attempt(s): unknown error; replay it from the DLQ or trigger it with --force`]);
  });

  it('runs again once an input moved (a new fingerprint)', () => {
    const d = decideAt(plan, boxV(3), failedOnV2()(3));
    assert.equal(d.kind, 'run');
  });

  it('runs again when forced', () => {
    const d = decideAt(plan, requestFor(plan, 'player_totals', { force: true }), failedOnV2()(2));
    assert.equal(d.kind, 'run');
    assert.ok(d.reasons.includes('forced: duplicate check skipped'));
  });

  it('does not hold back a run whose failures are still being retried', () => {
    const attempt = decideAt(plan, boxV(2), inputsAt(2));
    const d = decideAt(plan, boxV(2), inputsAt(2).attempts({ attempts: 2, terminal: false, fingerprint: attempt.fingerprint, lastError: 'timeout' }));
    assert.equal(d.kind, 'run');
  });

  it('reports missing inputs before the terminal failure', () => {
    const d = decideAt(plan, boxV(2), failedOnV2()(2).version('raw.box', D, { version: 2, rows: 0 }));
    assert.equal(d.kind, 'skip:not-ready');
  });
});
