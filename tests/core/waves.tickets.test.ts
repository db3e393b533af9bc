// §8 rules 3–4 and 11, tickets: every trigger a processor is sent opens a ticket on its pending mark,
// and one decision settles them all with a context merged from theirs — scopes union, a live trigger
// beats a backfill (and of two backfills the later stop_after wins), the newest stage epoch and level,
// the parents of all, the correlation of the latest, forced if any was, only-if-not-done if all were.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateBackfill, mergeBackfill, mergeTickets, ticketOf } from '../../engine/core/waves.js';
import { backfill, D, hours, partitionVersion, runRequested, T0, tinyPlan } from './builders.js';
import { ticket } from './wave-builders.js';

const plan = tinyPlan();
const players = (...ids: string[]) => ({ kind: 'player', ids });
const stage = (epoch: number, level: number) => ({ name: 'features', epoch, level });

describe('waves: one decision settles every open ticket (§8.4)', () => {
  it('a single ticket\'s context is its own', () => {
    const t = ticket('a', { scope: players('lebron'), backfill: backfill('analytics'), stage: stage(2, 1), lineage: { correlationId: 'c-a', parents: ['exec-up'] }, force: true, onlyIfNotDone: true });
    const ctx = mergeTickets(plan, [t]);
    assert.deepEqual(ctx.scope, players('lebron'));
    assert.deepEqual(ctx.backfill, backfill('analytics'));
    assert.deepEqual(ctx.stage, stage(2, 1));
    assert.deepEqual(ctx.lineage, { correlationId: 'c-a', parents: ['exec-up'] });
    assert.equal(ctx.force, true);
    assert.equal(ctx.onlyIfNotDone, true);
  });

  it('runs for the union of the tickets\' scopes', () => {
    const ctx = mergeTickets(plan, [ticket('a', { scope: players('lebron', 'curry') }), ticket('b', { at: T0 + 1, scope: players('curry', 'doncic') })]);
    assert.deepEqual(ctx.scope, players('curry', 'doncic', 'lebron'));
  });

  it('runs for the whole partition when one ticket asks for it', () => {
    assert.equal(mergeTickets(plan, [ticket('a', { scope: players('lebron') }), ticket('b', { at: T0 + 1, scope: null })]).scope, null);
    assert.equal(mergeTickets(plan, [ticket('a', { scope: null }), ticket('b', { at: T0 + 1, scope: players('lebron') })]).scope, null);
  });

  it('a live trigger among backfill ones makes the run live, whichever came first', () => {
    assert.equal(mergeTickets(plan, [ticket('a', { backfill: backfill('raw') }), ticket('b', { at: T0 + 1 })]).backfill, null);
    assert.equal(mergeTickets(plan, [ticket('a'), ticket('b', { at: T0 + 1, backfill: backfill('raw') })]).backfill, null);
  });

  it('takes the correlation of the latest ticket and the parents of all, each once, in the order they came', () => {
    const ctx = mergeTickets(plan, [
      ticket('a', { at: T0, lineage: { correlationId: 'c-1', parents: ['exec-1', 'exec-2'] } }),
      ticket('b', { at: T0 + 2, lineage: { correlationId: 'c-3', parents: ['exec-3'] } }),
      ticket('c', { at: T0 + 1, lineage: { correlationId: 'c-2', parents: ['exec-2', 'exec-4'] } }),
    ]);
    assert.deepEqual(ctx.lineage, { correlationId: 'c-3', parents: ['exec-1', 'exec-2', 'exec-4', 'exec-3'] });
  });

  it('orders the tickets by when they were opened, not by where they sit on the mark', () => {
    const late = ticket('late', { at: T0 + hours(1), scope: null, lineage: { correlationId: 'c-late', parents: ['exec-late'] } });
    const early = ticket('early', { at: T0, scope: players('lebron'), lineage: { correlationId: 'c-early', parents: ['exec-early'] } });
    const ctx = mergeTickets(plan, [late, early]);
    assert.deepEqual(ctx.lineage, { correlationId: 'c-late', parents: ['exec-early', 'exec-late'] });
    const third = ticket('mid', { at: T0 + 1, lineage: { correlationId: 'c-mid', parents: [] } });
    assert.equal(mergeTickets(plan, [late, third, early]).lineage.correlationId, 'c-late');
    assert.equal(mergeTickets(plan, [third, late, early]).lineage.correlationId, 'c-late');
    assert.equal(mergeTickets(plan, [early, late, third]).lineage.correlationId, 'c-late');
  });

  it('does not reorder the mark it was given', () => {
    const tickets = [ticket('b', { at: T0 + 1 }), ticket('a', { at: T0 })];
    mergeTickets(plan, tickets);
    assert.deepEqual(tickets.map((t) => t.id), ['b', 'a']);
  });

  it('is forced when any ticket was', () => {
    assert.equal(mergeTickets(plan, [ticket('a', { force: true }), ticket('b', { at: T0 + 1 })]).force, true);
    assert.equal(mergeTickets(plan, [ticket('a'), ticket('b', { at: T0 + 1, force: true })]).force, true);
    assert.ok(!mergeTickets(plan, [ticket('a'), ticket('b', { at: T0 + 1 })]).force);
  });

  it('skips when already done only if every ticket asked so: one plain trigger makes it run', () => {
    const only = { onlyIfNotDone: true };
    assert.equal(mergeTickets(plan, [ticket('a', only), ticket('b', { at: T0 + 1, ...only })]).onlyIfNotDone, true);
    assert.ok(!mergeTickets(plan, [ticket('a', only), ticket('b', { at: T0 + 1 })]).onlyIfNotDone);
    assert.ok(!mergeTickets(plan, [ticket('a'), ticket('b', { at: T0 + 1, ...only })]).onlyIfNotDone);
    assert.ok(!mergeTickets(plan, [ticket('a'), ticket('b', { at: T0 + 1 }), ticket('c', { at: T0 + 2, ...only })]).onlyIfNotDone);
  });

  describe('the stage context (§8.7: an outcome is recorded for the epoch that asked for it)', () => {
    const merged = (...stages: ({ name: string; epoch: number; level: number } | undefined)[]) =>
      mergeTickets(plan, stages.map((s, i) => ticket(`t${i}`, { at: T0 + i, ...(s ? { stage: s } : {}) }))).stage;

    it('keeps the stage of a stage request when other triggers came without one', () => {
      assert.deepEqual(merged(undefined, stage(1, 1)), stage(1, 1));
      assert.deepEqual(merged(stage(1, 1), undefined), stage(1, 1));
      assert.equal(merged(undefined, undefined), undefined);
    });

    it('takes the newest epoch, whatever its level and order', () => {
      assert.deepEqual(merged(stage(1, 2), stage(2, 1)), stage(2, 1));
      assert.deepEqual(merged(stage(2, 1), stage(1, 2)), stage(2, 1));
    });

    it('within one epoch, takes the furthest level', () => {
      assert.deepEqual(merged(stage(3, 1), stage(3, 2)), stage(3, 2));
      assert.deepEqual(merged(stage(3, 2), stage(3, 1)), stage(3, 2));
    });
  });
});

describe('waves: merging backfill flags (§8.11)', () => {
  it('is live when either side is live', () => {
    assert.equal(mergeBackfill(null, backfill('raw'), plan), null);
    assert.equal(mergeBackfill(backfill('raw'), null, plan), null);
    assert.equal(mergeBackfill(null, null, plan), null);
  });

  it('of two stop_afters keeps the later phase: nothing either backfill asked for is cut off', () => {
    assert.deepEqual(mergeBackfill(backfill('raw'), backfill('analytics'), plan), backfill('analytics'));
    assert.deepEqual(mergeBackfill(backfill('analytics'), backfill('raw'), plan), backfill('analytics'));
    assert.deepEqual(mergeBackfill(backfill('features'), backfill('scrapers'), plan), backfill('features'));
  });

  it('a backfill without stop_after runs every phase, so it wins, and the merged flags have no stop_after', () => {
    assert.deepEqual(mergeBackfill(backfill(), backfill('analytics'), plan), { mode: true, reason: 'reload november' });
    assert.deepEqual(mergeBackfill(backfill('analytics'), backfill(), plan), { mode: true, reason: 'reload november' });
    assert.ok(!('stopAfter' in mergeBackfill(backfill(), backfill(), plan)!));
  });

  it('a stop_after naming no phase of the plan limits nothing, so it wins over a real phase', () => {
    assert.equal(mergeBackfill(backfill('analytics'), backfill('gold'), plan)!.stopAfter, 'gold');
    assert.equal(mergeBackfill(backfill('gold'), backfill('analytics'), plan)!.stopAfter, 'gold');
  });

  it('keeps the reason of the later backfill', () => {
    assert.equal(mergeBackfill(backfill('raw', 'reload november'), backfill('raw', 'fix team ids'), plan)!.reason, 'fix team ids');
  });
});

describe('waves: a ticket (ticketOf)', () => {
  const lineage = { correlationId: 'corr-9', parents: ['exec-up'] };

  it('records the trigger, its scope, backfill and lineage, and when it was opened', () => {
    const t = ticketOf('out-1', T0, { reason: 'update', source: 'raw.box', scope: players('lebron'), backfill: backfill('raw'), lineage });
    assert.deepEqual(t, { id: 'out-1', at: T0, reason: 'update', source: 'raw.box', scope: players('lebron'), backfill: backfill('raw'), lineage });
  });

  it('carries a stage, force and only-if-not-done only when the trigger has them', () => {
    const t = ticketOf('out-2', T0, { reason: 'stage', source: 'features', scope: null, backfill: null, lineage, stage: stage(2, 1), force: true, onlyIfNotDone: true });
    assert.deepEqual([t.stage, t.force, t.onlyIfNotDone], [stage(2, 1), true, true]);
    const plain = ticketOf('out-3', T0, { reason: 'manual', source: 'cli', scope: null, backfill: null, lineage, force: false, onlyIfNotDone: false });
    assert.deepEqual(Object.keys(plain).sort(), ['at', 'backfill', 'id', 'lineage', 'reason', 'scope', 'source']);
  });

  it('takes only a ticket\'s fields from a whole event (the outbox passes run_requested as it is)', () => {
    const e = runRequested('player_totals', D, { reason: 'manual', source: 'cli' });
    const t = ticketOf('out-4', T0, { ...e, lineage: { correlationId: e.correlationId, parents: e.parents } });
    assert.deepEqual(Object.keys(t).sort(), ['at', 'backfill', 'id', 'lineage', 'reason', 'scope', 'source']);
  });
});

describe('waves: the backfill a gate\'s fire inherits (gateBackfill)', () => {
  const version = (asset: string, ago: number, flags?: ReturnType<typeof backfill> | null) =>
    ({ ...partitionVersion(asset, D, { updatedAt: T0 - ago }), ...(flags !== undefined ? { backfill: flags } : {}) });

  it('is that of the member version written last', () => {
    const outputs = { player_totals: version('analytics.players', hours(2), backfill('raw', 'old')), team_totals: version('analytics.teams', hours(1), backfill('analytics', 'new')) };
    assert.deepEqual(gateBackfill({ outputs }), backfill('analytics', 'new'));
    const swapped = { player_totals: version('analytics.players', hours(1), backfill('analytics', 'new')), team_totals: version('analytics.teams', hours(2), backfill('raw', 'old')) };
    assert.deepEqual(gateBackfill({ outputs: swapped }), backfill('analytics', 'new'));
  });

  it('is live when the member written last was written live, with or without a flag recorded', () => {
    assert.equal(gateBackfill({ outputs: { player_totals: version('analytics.players', hours(2), backfill()), team_totals: version('analytics.teams', hours(1), null) } }), null);
    assert.equal(gateBackfill({ outputs: { player_totals: version('analytics.players', hours(2), backfill()), team_totals: version('analytics.teams', hours(1)) } }), null);
  });

  it('ignores members with no output yet, and is live when none has one', () => {
    assert.deepEqual(gateBackfill({ outputs: { player_totals: undefined, team_totals: version('analytics.teams', hours(3), backfill('raw')) } }), backfill('raw'));
    assert.equal(gateBackfill({ outputs: { player_totals: undefined, team_totals: undefined } }), null);
    assert.equal(gateBackfill({ outputs: {} }), null);
  });
});
