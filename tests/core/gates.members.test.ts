// Gates with three members, two of them not critical: every member a reason names is listed, the
// deadline counts from the first member done, and min_fraction is the share of the other members
// done. Found by mutation testing (engine/core/gates.ts; TESTING.md): the two-member gate of the other
// stories could not tell a list from its first item, or the first finisher from the last.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateGate } from '../../engine/core/gates.js';
import type { Plan } from '../../engine/spec/plan.js';
import { backfill, D, gateState, hours, minutes, T0, tinyPlan } from './builders.js';

/** The tiny pipeline with an `audit` processor (analytics, no reads) as a third gate member. */
function threeMembers(opts: { critical?: string[]; minFraction?: number; fires?: string[] } = {}): Plan {
  return tinyPlan((s) => {
    const raw = s as unknown as { datasets: Record<string, { tables: Record<string, unknown> }>; processors: Record<string, unknown>; gates: Record<string, Record<string, unknown>> };
    raw.datasets.analytics!.tables.audit = { columns: { game_date: { type: 'date' }, n: { type: 'int64' } }, key: ['n'] };
    raw.datasets.analytics!.tables.audit_report = { columns: { game_date: { type: 'date' }, n: { type: 'int64' } }, key: ['n'] };
    raw.processors.audit = { phase: 'analytics', module: 'p/audit.ts', writes: 'analytics.audit', reads: { 'raw.box': null } };
    // Fired by the gate when a story asks (an analytics-phase target).
    if (opts.fires?.includes('audit_report')) raw.processors.audit_report = { phase: 'analytics', module: 'p/audit_report.ts', writes: 'analytics.audit_report' };
    const g = raw.gates.analytics_done!;
    g.wait_for = ['player_totals', 'team_totals', 'audit'];
    g.critical = opts.critical ?? ['player_totals'];
    g.deadline = { after: '1h', min_fraction: opts.minFraction ?? 0.5 };
    if (opts.fires) g.fires = opts.fires;
  });
}

const evaluate = (plan: Plan, given: ReturnType<typeof gateState>, now: number, flags: ReturnType<typeof backfill> | null = null) =>
  evaluateGate(plan, plan.gates.get('analytics_done')!, D, given.snapshot(), now, flags);

describe('gates: three members', () => {
  it('names every running member', () => {
    const plan = threeMembers();
    const d = evaluate(plan, gateState(plan).running('player_totals').running('audit'), T0);
    assert.deepEqual(d.reasons, ['waiting for running member(s): player_totals, audit']);
  });

  it('names every critical member still missing past the deadline', () => {
    const plan = threeMembers({ critical: ['player_totals', 'audit'] });
    const d = evaluate(plan, gateState(plan).done('team_totals', { updatedAt: T0 }), T0 + hours(2));
    assert.equal(d.kind, 'wait');
    assert.deepEqual(d.reasons, ['waiting for player_totals, audit (1/3 done)', 'past the deadline, but critical member(s) player_totals, audit are not done']);
  });

  it('counts the deadline from the first member done, not the last', () => {
    const plan = threeMembers();
    const given = gateState(plan).done('player_totals', { updatedAt: T0 }).done('team_totals', { updatedAt: T0 + minutes(50) });
    assert.equal(evaluate(plan, given, T0 + hours(1) - 1).kind, 'wait');
    const d = evaluate(plan, given, T0 + hours(1));
    assert.equal(d.kind, 'fire', d.reasons.join('; '));
    assert.deepEqual(d.kind === 'fire' && [d.degraded, d.vector], [true, { player_totals: 1, team_totals: 1 }]);
  });

  it('past the deadline, waits while the share of the other members done is under min_fraction, and says both', () => {
    const plan = threeMembers({ minFraction: 0.75 });
    const given = gateState(plan).done('player_totals', { updatedAt: T0 }).done('team_totals', { updatedAt: T0 });
    const d = evaluate(plan, given, T0 + hours(2));
    assert.equal(d.kind, 'wait');
    assert.deepEqual(d.reasons, ['waiting for audit (2/3 done)', 'past the deadline, but only 50% of the other members are done (needs 75%)']);
  });

  it('in a backfill, fires when only some of its targets are past stop_after', () => {
    const plan = threeMembers({ fires: ['features', 'audit_report'] });
    const given = gateState(plan).done('player_totals').done('team_totals').done('audit');
    assert.equal(evaluate(plan, given, T0, backfill('analytics')).kind, 'fire', 'audit_report (analytics) is not past stop_after');
    const later = threeMembers({ fires: ['features'] });
    assert.equal(evaluate(later, gateState(later).done('player_totals').done('team_totals').done('audit'), T0, backfill('analytics')).kind, 'skip:stop-after');
  });
});
