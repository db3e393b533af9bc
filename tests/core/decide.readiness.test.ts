// §8 rule 1, readiness: a critical read with no version, too few rows or past fail_after keeps the
// run from starting, with reasons; an optional read that is missing or past warn_after only warns;
// a window read needs min_partitions of its window; a backfill ignores staleness.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assetUpdated, backfill, candidateFor, D, decideAt, HOUR, hours, requestFor, state, T0, ago, tinyPlan } from './builders.js';

const plan = tinyPlan();
/** raw.box v1 arrived: player_totals is considered for D. */
const boxArrived = (over = {}) => candidateFor(plan, assetUpdated('raw.box', D, over), 'player_totals');
/** Both inputs of player_totals fresh and big enough. */
const fresh = () => state().version('raw.box', D, { rows: 240 }).version('raw.lines', D, { rows: 30 });

describe('decide: readiness (§8.1)', () => {
  it('runs when every critical input is present, big enough and fresh', () => {
    const d = decideAt(plan, boxArrived(), fresh());
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.reasons, ['triggered by raw.box v1']);
    assert.deepEqual(d.warnings, []);
    assert.deepEqual(d.inputs.map((i) => [i.asset, i.status, i.versions]), [['raw.box', 'ready', { [D]: 1 }], ['raw.lines', 'ready', { [D]: 1 }]]);
    assert.deepEqual(d.inputs.map((i) => i.partitions), [[D], [D]], 'a same-partition read records its one partition, once');
  });

  it('skips as not ready when a critical input has no version, naming the table and the partition', () => {
    const d = decideAt(plan, requestFor(plan, 'player_totals'), state().version('raw.lines', D));
    assert.equal(d.kind, 'skip:not-ready');
    assert.deepEqual(d.reasons, [`critical input raw.box for ${D} has no data yet`]);
    assert.equal(d.inputs.find((i) => i.asset === 'raw.box')!.status, 'missing');
  });

  it('a version of another partition does not count', () => {
    const d = decideAt(plan, requestFor(plan, 'player_totals'), state().version('raw.box', '2025-11-14'));
    assert.equal(d.kind, 'skip:not-ready');
    assert.match(d.reasons[0]!, /raw\.box for 2025-11-15 has no data yet/);
  });

  it('skips as not ready when a critical input has fewer rows than min_rows', () => {
    const d = decideAt(plan, boxArrived(), fresh().version('raw.box', D, { rows: 3 }));
    assert.equal(d.kind, 'skip:not-ready');
    assert.deepEqual(d.reasons, [`critical input raw.box for ${D} has 3 rows, needs at least 10`]);
    assert.equal(d.inputs[0]!.status, 'too-few-rows');
  });

  it('runs with exactly min_rows rows, and not with one fewer (the bound is inclusive)', () => {
    assert.equal(decideAt(plan, boxArrived(), fresh().version('raw.box', D, { rows: 10 })).kind, 'run');
    const short = decideAt(plan, boxArrived(), fresh().version('raw.box', D, { rows: 9 }));
    assert.equal(short.kind, 'skip:not-ready');
    assert.deepEqual(short.reasons, [`critical input raw.box for ${D} has 9 rows, needs at least 10`]);
  });

  it('does not hold an unknown row count (an external report) against min_rows', () => {
    const d = decideAt(plan, boxArrived(), fresh().version('raw.box', D, { rows: -1 }));
    assert.equal(d.kind, 'run');
  });

  it('fails as stale when a critical input is older than fail_after', () => {
    const d = decideAt(plan, boxArrived(), fresh().version('raw.box', D, { updatedAt: ago(hours(40)) }));
    assert.equal(d.kind, 'fail:stale');
    assert.deepEqual(d.reasons, [`critical input raw.box for ${D} was last updated 1d16h ago, past fail_after 1d12h`]);
    assert.equal(d.inputs[0]!.status, 'stale');
  });

  it('never holds fail_after against an input updated after its partition\'s day ended: a past date re-run a year later', () => {
    const dayOver = Date.parse(`${D}T00:00:00-05:00`) + 24 * HOUR; // the tiny plan partitions by New York days (EST in November)
    const yearLater = dayOver + 365 * 24 * HOUR;
    assert.equal(decideAt(plan, boxArrived(), fresh().version('raw.box', D, { updatedAt: dayOver }), yearLater).kind, 'run');
    const d = decideAt(plan, boxArrived(), fresh().version('raw.box', D, { updatedAt: dayOver - 1 }), yearLater);
    assert.equal(d.kind, 'fail:stale', 'loaded during the day and never again: the source stopped');
  });

  it('is not stale exactly at fail_after', () => {
    const d = decideAt(plan, boxArrived(), fresh().version('raw.box', D, { updatedAt: T0 - 36 * HOUR }));
    assert.equal(d.kind, 'run');
  });

  it('reports not-ready before stale when both hold', () => {
    const given = state().version('raw.box', D, { rows: 3, updatedAt: ago(hours(40)) });
    const d = decideAt(plan, boxArrived(), given);
    assert.equal(d.kind, 'skip:not-ready');
  });

  it('runs with a warning when an optional input is missing', () => {
    const d = decideAt(plan, boxArrived(), state().version('raw.box', D));
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.warnings, [`optional input raw.lines for ${D} is missing`]);
    assert.equal(d.inputs[1]!.status, 'optional-missing');
  });

  it('runs with a warning when an optional input has fewer rows than its min_rows', () => {
    const five = tinyPlan((s) => { s.processors.player_totals!.reads!['raw.lines'] = { critical: false, min_rows: 5 }; });
    const d = decideAt(five, candidateFor(five, assetUpdated('raw.box'), 'player_totals'), fresh().version('raw.lines', D, { rows: 3 }));
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.warnings, [`optional input raw.lines for ${D} has 3 rows, expected at least 5`]);
    assert.equal(d.inputs[1]!.status, 'too-few-rows');
  });

  it('runs with a warning when an optional input is past warn_after', () => {
    const d = decideAt(plan, boxArrived(), fresh().version('raw.lines', D, { updatedAt: ago(hours(7)) }));
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.warnings, [`input raw.lines for ${D} is 7h old, past warn_after 6h`]);
    assert.equal(d.inputs[1]!.status, 'warn-stale');
  });

  it('still runs, with a warning, when an optional input is past fail_after', () => {
    const d = decideAt(plan, boxArrived(), fresh().version('raw.lines', D, { updatedAt: ago(hours(30)) }));
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.warnings, [`optional input raw.lines for ${D} is 1d6h old, past fail_after 1d`]);
  });

  it('warns about an optional window read with nothing in its window (the window excludes the run\'s day by default)', () => {
    const teams = decideAt(plan, candidateFor(plan, assetUpdated('raw.box'), 'team_totals'), state().version('raw.box', D).version('raw.lines', D));
    assert.equal(teams.kind, 'run');
    assert.deepEqual(teams.warnings, ['optional input raw.lines (window 2025-11-12..2025-11-14) is missing']);
  });

  describe('a window read (player_form reads 4 days of analytics.players plus the day itself, needs 3)', () => {
    const form = () => requestFor(plan, 'player_form');

    it('skips as not ready while fewer than min_partitions of the window have data', () => {
      const d = decideAt(plan, form(), state().versions('analytics.players', ['2025-11-13', D]));
      assert.equal(d.kind, 'skip:not-ready');
      assert.deepEqual(d.reasons, ['critical input analytics.players (window 2025-11-11..2025-11-15) has 2 partition(s) with data, needs 3']);
    });

    it('runs once min_partitions have data, and records the window and each version it saw', () => {
      const d = decideAt(plan, form(), state().versions('analytics.players', ['2025-11-11', '2025-11-13', D], { rows: 20 }).version('analytics.players', '2025-11-10'));
      assert.equal(d.kind, 'run');
      assert.deepEqual(d.inputs[0]!.partitions, ['2025-11-11', D]);
      assert.deepEqual(d.inputs[0]!.versions, { '2025-11-11': 1, '2025-11-13': 1, [D]: 1 });
      assert.equal(d.inputs[0]!.rows, 60);
    });

    it('with min_partitions 0, an empty window is not missing: only min_rows holds it back (a first day has no history)', () => {
      const anyHistory = (minRows?: number) => tinyPlan((s) => {
        s.processors.player_form!.reads!['analytics.players'] = { window: { days: 4, include_current: true, min_partitions: 0 }, ...(minRows !== undefined ? { min_rows: minRows } : {}) };
      });
      const strict = anyHistory();
      const d = decideAt(strict, requestFor(strict, 'player_form'), state());
      assert.equal(d.kind, 'skip:not-ready');
      assert.deepEqual(d.reasons, ['critical input analytics.players (window 2025-11-11..2025-11-15) has 0 rows, needs at least 1']);
      assert.equal(d.inputs[0]!.status, 'too-few-rows');
      const lenient = anyHistory(0);
      const first = decideAt(lenient, requestFor(lenient, 'player_form'), state());
      assert.deepEqual([first.kind, first.inputs[0]!.status, first.inputs[0]!.versions], ['run', 'ready', {}]);
    });

    it('applies min_rows to the whole window', () => {
      const d = decideAt(plan, form(), state().versions('analytics.players', ['2025-11-11', '2025-11-13', D], { rows: 0 }));
      assert.equal(d.kind, 'skip:not-ready');
      assert.deepEqual(d.reasons, ['critical input analytics.players (window 2025-11-11..2025-11-15) has 0 rows, needs at least 1']);
    });
  });

  describe('a backfill', () => {
    it('ignores staleness: old inputs are what a backfill reads', () => {
      const given = state().version('raw.box', D, { updatedAt: ago(hours(400)) }).version('raw.lines', D, { updatedAt: ago(hours(400)) });
      const d = decideAt(plan, boxArrived({ backfill: backfill() }), given);
      assert.equal(d.kind, 'run');
      assert.deepEqual(d.warnings, []);
    });

    it('still needs its critical inputs', () => {
      const d = decideAt(plan, requestFor(plan, 'player_totals', { backfill: backfill() }), state());
      assert.equal(d.kind, 'skip:not-ready');
      assert.deepEqual(d.reasons, [`critical input raw.box for ${D} has no data yet`]);
    });
  });
});
