// §8 rule 2, fingerprint: hash of the sorted (table, partition, version) of every read present, the
// processor's spec hash and its code version. Same fingerprint and scope as the last success ⇒
// skip:duplicate; anything that changes an input, the spec entry or the code ⇒ run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint } from '../../engine/core/decide.js';
import { assetUpdated, candidateFor, D, decideAt, requestFor, state, tinyPlan } from './builders.js';

const plan = tinyPlan();
const inputs = () => state().version('raw.box', D, { version: 2 }).version('raw.lines', D, { version: 5 });
const boxV2 = (changedEntities: Record<string, string[]> | null = null) => candidateFor(plan, assetUpdated('raw.box', D, { version: 2, changedEntities }), 'player_totals');

/** player_totals ran for the whole partition on `given`'s inputs, and succeeded as exec-1. */
function ranOn(given: ReturnType<typeof inputs>) {
  const first = decideAt(plan, boxV2(), given);
  assert.equal(first.kind, 'run');
  return given.succeeded(first, 'exec-1');
}

describe('decide: fingerprint and duplicate inputs (§8.2)', () => {
  it('gives the same inputs the same fingerprint, whatever order they were recorded in', () => {
    const a = decideAt(plan, boxV2(), inputs());
    const b = decideAt(plan, boxV2(), state().version('raw.lines', D, { version: 5 }).version('raw.box', D, { version: 2 }));
    assert.equal(a.fingerprint, b.fingerprint);
    assert.match(a.fingerprint!, /^[0-9a-f]{32}$/);
  });

  it('gives the same inputs the same fingerprint when the spec lists the reads in another order (same spec hash)', () => {
    const swapped = tinyPlan((s) => {
      const reads = s.processors.player_totals!.reads!;
      s.processors.player_totals!.reads = { 'raw.lines': reads['raw.lines']!, 'raw.box': reads['raw.box']! };
    });
    assert.deepEqual(swapped.processors.get('player_totals')!.reads.map((r) => r.asset), ['raw.lines', 'raw.box']);
    const before = decideAt(plan, boxV2(), inputs());
    const after = decideAt(swapped, candidateFor(swapped, assetUpdated('raw.box', D, { version: 2 }), 'player_totals'), inputs().succeeded(before));
    assert.equal(after.fingerprint, before.fingerprint);
    assert.equal(after.kind, 'skip:duplicate', 'reordering a spec does not re-run what it did not change');
  });

  it('skips a duplicate when the inputs are unchanged since the last success', () => {
    const d = decideAt(plan, boxV2(), ranOn(inputs()));
    assert.equal(d.kind, 'skip:duplicate');
    assert.deepEqual(d.reasons, [`inputs unchanged since execution exec-1 (fingerprint ${d.fingerprint!.slice(0, 12)}, scope all)`]);
  });

  it('runs when a critical input moved to a new version', () => {
    const given = ranOn(inputs()).version('raw.box', D, { version: 3 });
    const d = decideAt(plan, candidateFor(plan, assetUpdated('raw.box', D, { version: 3 }), 'player_totals'), given);
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.reasons, ['triggered by raw.box v3', 'inputs changed since execution exec-1']);
  });

  it('runs when an optional input moved, or appeared', () => {
    const moved = decideAt(plan, boxV2(), ranOn(inputs()).version('raw.lines', D, { version: 6 }));
    assert.equal(moved.kind, 'run');
    const appeared = decideAt(plan, boxV2(), ranOn(state().version('raw.box', D, { version: 2 })).version('raw.lines', D));
    assert.equal(appeared.kind, 'run');
  });

  it('runs when one partition inside a read window moved', () => {
    const window = ['2025-11-11', '2025-11-12', '2025-11-13', '2025-11-14', D];
    const given = state().versions('analytics.players', window);
    const first = decideAt(plan, requestFor(plan, 'player_form'), given);
    const later = decideAt(plan, requestFor(plan, 'player_form'), given.succeeded(first).version('analytics.players', '2025-11-12', { version: 2 }));
    assert.equal(later.kind, 'run');
    assert.notEqual(later.fingerprint, first.fingerprint);
  });

  it('does not count row counts or update times: only versions', () => {
    const given = ranOn(inputs()).version('raw.box', D, { version: 2, rows: 999 });
    assert.equal(decideAt(plan, boxV2(), given).kind, 'skip:duplicate');
  });

  it('runs when the processor\'s spec entry changed (another spec hash)', () => {
    const stricter = tinyPlan((s) => { s.processors.player_totals!.reads!['raw.box'] = { critical: true, min_rows: 20, fail_after: '36h' }; });
    const before = decideAt(plan, boxV2(), inputs());
    const after = decideAt(stricter, candidateFor(stricter, assetUpdated('raw.box', D, { version: 2 }), 'player_totals'), inputs().succeeded(before));
    assert.notEqual(stricter.processors.get('player_totals')!.specHash, plan.processors.get('player_totals')!.specHash);
    assert.equal(after.kind, 'run');
    assert.notEqual(after.fingerprint, before.fingerprint);
  });

  it('runs when the processor\'s code version changed', () => {
    const v2 = tinyPlan((s) => { s.processors.player_totals!.code_version = '2'; });
    const before = decideAt(plan, boxV2(), inputs());
    const after = decideAt(v2, candidateFor(v2, assetUpdated('raw.box', D, { version: 2 }), 'player_totals'), inputs().succeeded(before));
    assert.equal(after.kind, 'run');
    const p = plan.processors.get('player_totals')!;
    assert.notEqual(fingerprint(p, before.inputs), fingerprint({ ...p, codeVersion: '2' }, before.inputs), 'the code version is hashed on its own too');
  });

  it('does not move when another processor\'s spec entry changed', () => {
    const other = tinyPlan((s) => { s.processors.team_totals!.timeout = '9m'; });
    const before = decideAt(plan, boxV2(), inputs());
    const after = decideAt(other, candidateFor(other, assetUpdated('raw.box', D, { version: 2 }), 'player_totals'), inputs().succeeded(before));
    assert.equal(after.kind, 'skip:duplicate');
  });

  it('runs anyway when forced, saying the duplicate check was skipped', () => {
    const d = decideAt(plan, requestFor(plan, 'player_totals', { force: true }), ranOn(inputs()));
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.reasons, ['requested by manual cli', 'inputs changed since execution exec-1', 'forced: duplicate check skipped']);
  });

  describe('scopes', () => {
    it('skips a scoped candidate covered by the last whole-partition success', () => {
      const d = decideAt(plan, boxV2({ player: ['lebron'] }), ranOn(inputs()));
      assert.deepEqual(d.scope, { kind: 'player', ids: ['lebron'] });
      assert.equal(d.kind, 'skip:duplicate');
    });

    it('skips a scoped candidate covered by the last scoped success, and runs one it does not cover', () => {
      const scoped = decideAt(plan, boxV2({ player: ['curry', 'lebron'] }), inputs());
      const given = inputs().succeeded(scoped, 'exec-2');
      assert.equal(decideAt(plan, boxV2({ player: ['lebron'] }), given).kind, 'skip:duplicate');
      assert.equal(decideAt(plan, boxV2({ player: ['durant'] }), given).kind, 'run');
      assert.equal(decideAt(plan, boxV2({ game: ['g1'] }), given).kind, 'run', 'another entity kind is not covered');
    });

    it('runs a whole-partition candidate after a scoped success on the same inputs', () => {
      const scoped = decideAt(plan, boxV2({ player: ['lebron'] }), inputs());
      const d = decideAt(plan, boxV2(), inputs().succeeded(scoped));
      assert.equal(d.fingerprint, scoped.fingerprint);
      assert.equal(d.kind, 'run');
    });

    describe('after a whole run, then a forced scoped run on the same inputs (the last success is the scoped one)', () => {
      const given = () => {
        const whole = decideAt(plan, boxV2(), inputs());
        const forced = decideAt(plan, { ...boxV2({ player: ['curry'] }), force: true }, inputs().succeeded(whole, 'exec-1'));
        assert.equal(forced.fingerprint, whole.fingerprint);
        return inputs().succeeded(whole, 'exec-1').succeeded(forced, 'exec-2');
      };

      it('skips a scoped candidate the scoped run did not cover: the whole run did, on these inputs', () => {
        const d = decideAt(plan, boxV2({ player: ['lebron'] }), given());
        assert.equal(d.kind, 'skip:duplicate');
        assert.deepEqual(d.reasons, [`inputs unchanged since execution exec-2 (fingerprint ${d.fingerprint!.slice(0, 12)}, scope all)`]);
      });

      it('runs a whole-partition candidate: it is a duplicate only of the last success, and that one covered curry alone (§8.2)', () => {
        assert.equal(decideAt(plan, boxV2(), given()).kind, 'run');
      });
    });

    it('after a whole run then a scoped run on newer inputs, counts only the scoped entities as done', () => {
      const whole = decideAt(plan, boxV2(), inputs());
      const scoped = decideAt(plan, boxV2({ player: ['curry'] }), inputs().version('raw.lines', D, { version: 6 }));
      const given = inputs().succeeded(whole, 'exec-1').version('raw.lines', D, { version: 6 }).succeeded(scoped, 'exec-2');
      assert.equal(decideAt(plan, boxV2({ player: ['curry'] }), given).kind, 'skip:duplicate');
      assert.equal(decideAt(plan, boxV2({ player: ['lebron'] }), given).kind, 'run');
      assert.equal(decideAt(plan, boxV2(), given).kind, 'run');
    });
  });

  describe('sources (no declared inputs)', () => {
    const scrape = (over = {}) => requestFor(plan, 'scrape_box', over);

    it('run whenever requested: the outside world may have changed', () => {
      const first = decideAt(plan, scrape(), state());
      const again = decideAt(plan, scrape(), state().succeeded(first));
      assert.equal(again.kind, 'run');
      assert.deepEqual(again.reasons, ['requested by manual cli', 'a source: runs whenever requested; unchanged content stops the cascade']);
    });

    it('skip as duplicates when asked to run only if not done', () => {
      const first = decideAt(plan, scrape(), state());
      const d = decideAt(plan, scrape({ onlyIfNotDone: true }), state().succeeded(first));
      assert.equal(d.kind, 'skip:duplicate');
    });
  });
});
